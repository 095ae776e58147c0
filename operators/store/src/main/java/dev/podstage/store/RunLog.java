package dev.podstage.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * {@code podstage_runs}: one row per Airflow task instance (dag, run, task, map index) that stored
 * something, with its counts, status and start/finish times. A retried task updates its row.
 */
@ApplicationScoped
public class RunLog {

    private static final Logger LOG = Logger.getLogger(RunLog.class);

    static final String STARTED = """
            INSERT INTO podstage_runs AS t (dag_id, run_id, task_id, map_index, stage, job_key, try_number, status,
                started_at)
            SELECT r.dag_id, r.run_id, r.task_id, r.map_index, r.stage, r.job_key, r.try_number, 'running', now()
              FROM json_to_record(CAST(CAST(?1 AS text) AS json))
                   AS r(dag_id text, run_id text, task_id text, map_index text, stage text, job_key text, try_number text)
            ON CONFLICT (dag_id, run_id, task_id, map_index) DO UPDATE SET stage = excluded.stage,
                job_key = excluded.job_key, try_number = excluded.try_number, status = 'running',
                started_at = excluded.started_at, finished_at = NULL, message = NULL""";

    static final String FINISHED = """
            UPDATE podstage_runs AS t SET status = r.status, records_in = r.records_in, records_out = r.records_out,
                   rejects = r.rejects, dropped = r.dropped, tables = r.tables, message = r.message, finished_at = now()
              FROM json_to_record(CAST(CAST(?1 AS text) AS json))
                   AS r(dag_id text, run_id text, task_id text, map_index text, status text, records_in bigint,
                   records_out bigint, rejects bigint, dropped bigint, tables jsonb, message text)
             WHERE t.dag_id = r.dag_id AND t.run_id = r.run_id AND t.task_id = r.task_id AND t.map_index = r.map_index""";

    @Inject
    Instance<Mutiny.SessionFactory> sessions;

    void started(RunStamp stamp, String stage) {
        String row = stamp.runRow(stage).toString();
        Db.await(
                "recording the run",
                () -> sessions.get()
                        .withTransaction(session -> session.createNativeQuery(STARTED)
                                .setParameter(1, row)
                                .executeUpdate()));
    }

    /** {@code finished} carries status, records_in/out, rejects, dropped, tables and message. */
    void finished(RunStamp stamp, String stage, ObjectNode finished) {
        ObjectNode row = stamp.runRow(stage);
        row.setAll(finished);
        String json = row.toString();
        Db.await(
                "recording the run's end",
                () -> sessions.get()
                        .withTransaction(session -> session.createNativeQuery(FINISHED)
                                .setParameter(1, json)
                                .executeUpdate()));
    }

    /** On the way out of a failed run: the failure that matters is the run's, not this one. */
    void finishedQuietly(RunStamp stamp, String stage, ObjectNode finished) {
        try {
            finished(stamp, stage, finished);
        } catch (RuntimeException e) {
            LOG.warnf("could not record the run's end in podstage_runs: %s", Db.describe(e));
        }
    }
}
