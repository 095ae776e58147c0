package dev.podstage.runtime.ledger;

import dev.podstage.runtime.db.Db;
import dev.podstage.runtime.stage.AirflowContext;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Function;
import org.hibernate.LockMode;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The idempotency ledger on PostgreSQL through Hibernate Reactive. A run claims its job key; a
 * completed key returns its stored XCom; an interrupted, failed or abandoned (lease expired) key
 * is taken over and resumed; a key another live process holds is reported busy. The schema is
 * created by the runtime on first use.
 */
@ApplicationScoped
public class Ledger {

    @Inject
    Instance<Mutiny.SessionFactory> sessionFactory;

    @Inject
    LedgerSchema schema;

    public Claim claim(JobIdentity job, String owner, AirflowContext airflow, Duration lease) {
        return inTransaction(session -> insertIfAbsent(session, job, owner, airflow)
                .flatMap(inserted -> inserted == 1
                        ? Uni.createFrom().item((Claim) new Claim.Granted(false, 1))
                        : session.find(LedgerEntry.class, job.key(), LockMode.PESSIMISTIC_WRITE)
                                .map(entry -> decide(entry, owner, airflow, lease))));
    }

    private static Uni<Integer> insertIfAbsent(
            Mutiny.Session session, JobIdentity job, String owner, AirflowContext airflow) {
        return session.createNativeQuery("""
                INSERT INTO podstage_ledger (job_key, stage, stage_version, status, owner, attempts,
                    dag_id, task_id, run_id, map_index, created_at, updated_at, heartbeat_at)
                VALUES (?1, ?2, ?3, 'running', ?4, 1, ?5, ?6, ?7, ?8, now(), now(), now())
                ON CONFLICT (job_key) DO NOTHING""")
                .setParameter(1, job.key())
                .setParameter(2, job.stage())
                .setParameter(3, job.stageVersion())
                .setParameter(4, owner)
                .setParameter(5, airflow.dagId())
                .setParameter(6, airflow.taskId())
                .setParameter(7, airflow.runId())
                .setParameter(8, airflow.mapIndex())
                .executeUpdate();
    }

    private static Claim decide(LedgerEntry entry, String owner, AirflowContext airflow, Duration lease) {
        JobStatus status = JobStatus.of(entry.status);
        OffsetDateTime now = now();
        if (status == JobStatus.COMPLETED) {
            return new Claim.AlreadyDone(entry.xcom);
        }
        boolean alive =
                status == JobStatus.RUNNING && entry.heartbeatAt != null && entry.heartbeatAt.isAfter(now.minus(lease));
        if (alive && !owner.equals(entry.owner)) {
            return new Claim.Busy(entry.owner);
        }
        entry.status = JobStatus.RUNNING.value();
        entry.owner = owner;
        entry.attempts++;
        entry.message = null;
        entry.dagId = airflow.dagId();
        entry.taskId = airflow.taskId();
        entry.runId = airflow.runId();
        entry.mapIndex = airflow.mapIndex();
        entry.updatedAt = now;
        entry.heartbeatAt = now;
        return new Claim.Granted(true, entry.attempts);
    }

    /** Takes a completed job back (its outputs were deleted): it runs again under this owner. */
    public void reopen(String jobKey, String owner) {
        inTransaction(session -> session.find(LedgerEntry.class, jobKey, LockMode.PESSIMISTIC_WRITE)
                .invoke(entry -> {
                    entry.status = JobStatus.RUNNING.value();
                    entry.owner = owner;
                    entry.attempts++;
                    entry.updatedAt = now();
                    entry.heartbeatAt = entry.updatedAt;
                }));
    }

    /** Keeps the claim alive while a long job runs. */
    public void heartbeat(String jobKey, String owner) {
        update(jobKey, owner, entry -> entry.heartbeatAt = now());
    }

    public void complete(String jobKey, String owner, String xcom) {
        update(jobKey, owner, entry -> {
            entry.status = JobStatus.COMPLETED.value();
            entry.xcom = xcom;
            entry.message = null;
        });
    }

    public void interrupted(String jobKey, String owner, String reason) {
        update(jobKey, owner, entry -> {
            entry.status = JobStatus.INTERRUPTED.value();
            entry.message = reason;
        });
    }

    public void failed(String jobKey, String owner, String reason) {
        update(jobKey, owner, entry -> {
            entry.status = JobStatus.FAILED.value();
            entry.message = reason;
        });
    }

    /** Changes the entry only while this owner still holds it: a taken-over job is not ours to close. */
    private void update(String jobKey, String owner, java.util.function.Consumer<LedgerEntry> change) {
        inTransaction(session -> session.find(LedgerEntry.class, jobKey, LockMode.PESSIMISTIC_WRITE)
                .invoke(entry -> {
                    if (entry != null && owner.equals(entry.owner)) {
                        change.accept(entry);
                        entry.updatedAt = now();
                    }
                }));
    }

    private <T> T inTransaction(Function<Mutiny.Session, Uni<T>> work) {
        Mutiny.SessionFactory factory = sessionFactory.get();
        // A lost or refused connection is worth an Airflow retry (exit 75), as for every database stage.
        return Db.await(
                "updating the idempotency ledger",
                () -> schema.ensure(factory).flatMap(ready -> factory.withTransaction(work)));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
