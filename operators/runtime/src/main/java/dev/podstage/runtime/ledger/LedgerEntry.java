package dev.podstage.runtime.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One job of the idempotency ledger, keyed by its job key. */
@Entity
@Table(name = "podstage_ledger")
public class LedgerEntry {

    @Id
    @Column(name = "job_key")
    public String jobKey;

    public String stage;

    @Column(name = "stage_version")
    public String stageVersion;

    /** One of {@link JobStatus}, as lower-case text so the table reads well in psql. */
    public String status;

    /** Which process holds the claim: host, pid and Airflow try. */
    public String owner;

    public int attempts;

    /** The XCom value of a completed job, returned as-is to later claimants. */
    @Column(columnDefinition = "text")
    public String xcom;

    @Column(columnDefinition = "text")
    public String message;

    @Column(name = "dag_id")
    public String dagId;

    @Column(name = "task_id")
    public String taskId;

    @Column(name = "run_id")
    public String runId;

    @Column(name = "map_index")
    public String mapIndex;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Column(name = "heartbeat_at")
    public OffsetDateTime heartbeatAt;
}
