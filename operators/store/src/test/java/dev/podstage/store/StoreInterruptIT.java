package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.testkit.Eventually;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A store killed while it writes — SIGKILL (OOM killer, node loss) or SIGTERM (eviction, task
 * timeout) — then run again must leave every key of the input exactly once. The test holds the run in
 * the middle, whatever the machine's speed: an uncommitted row of its own with the key of document 10
 * makes the batch that upserts that document wait, after the 100 chunks of documents 0-9 are committed.
 */
class StoreInterruptIT extends StoreTestBase {

    private static final int RECORDS = 4000;

    private StageProcess slowStore(Path input, int tryNumber) {
        // A short lease lets the rerun take over the job a killed process left "running" without waiting minutes.
        return store("--input", input.toString(), "--dimension", "8", "--batch-size", "4")
                .env("PODSTAGE_LEDGER_LEASE", "1s")
                .env("AIRFLOW_CTX_DAG_ID", "store_it")
                .env("AIRFLOW_CTX_RUN_ID", prefix)
                .env("AIRFLOW_CTX_TASK_ID", "store")
                .env("AIRFLOW_CTX_TRY_NUMBER", Integer.toString(tryNumber));
    }

    private List<String> runStatus() throws SQLException {
        return db.strings(
                "SELECT status || ' try ' || try_number FROM podstage_runs WHERE dag_id = 'store_it' AND run_id = ?",
                prefix);
    }

    @Test
    void killedWithSigkillMidRunThenRerunLeavesEveryKeyOnce() throws Exception {
        Path input = chunks("big.jsonl", RECORDS, 8);

        StageProcess.Result killed;
        try (HeldDocument hold = new HeldDocument(prefix + "doc10")) {
            StageProcess.Running running = slowStore(input, 1).start();
            hold.awaitStoreWaiting(running);
            running.kill();
            killed = running.await(Duration.ofMinutes(1));
        } // released: the killed run's waiting statement goes on, finds its client gone, never commits

        assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(137);
        assertThat(storedRows())
                .as("the batches before the held one, not the held one")
                .isEqualTo(HELD_AFTER);

        assertThat(runStatus()).containsExactly("running try 1");

        StageProcess.Result rerun = slowStore(input, 2).run();

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        var chunks = rerun.xcom().path("tables").path("podstage_chunks");
        assertThat(chunks.path("inserted").asLong()).isPositive();
        assertThat(chunks.path("inserted").asLong() + chunks.path("unchanged").asLong())
                .isEqualTo(RECORDS);
        assertEveryKeyOnce(input);
        assertThat(runStatus()).containsExactly("success try 2");
    }

    @Test
    void sigtermStopsBetweenBatchesWithExit75AndTheRerunCompletes() throws Exception {
        Path input = chunks("big.jsonl", RECORDS, 8);

        StageProcess.Result stopped;
        try (HeldDocument hold = new HeldDocument(prefix + "doc10")) {
            StageProcess.Running running = slowStore(input, 1).start();
            hold.awaitStoreWaiting(running);
            running.terminate();
            Eventually.await(
                    "the stage taking the signal",
                    () -> running.logsSoFar().contains("SIGTERM received"),
                    Duration.ofMinutes(1));
            hold.release(); // the batch it waited on commits, then the run stops between batches
            stopped = running.await(Duration.ofMinutes(1));
        }

        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(75);
        assertThat(stopped.logs()).contains("stopped by SIGTERM");
        long afterStop = storedRows();
        assertThat(afterStop)
                .as("the held batch finished, no batch after it began")
                .isEqualTo(HELD_AFTER + 4);
        assertThat(runStatus()).containsExactly("interrupted try 1");

        StageProcess.Result rerun = slowStore(input, 2).run();

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(rerun.logs()).contains("resumed");
        assertThat(rerun.xcom()
                        .path("tables")
                        .path("podstage_chunks")
                        .path("unchanged")
                        .asLong())
                .isEqualTo(afterStop);
        assertEveryKeyOnce(input);
        assertThat(runStatus()).containsExactly("success try 2");
    }

    private long storedRows() throws SQLException {
        try {
            return db.count("SELECT count(*) FROM podstage_chunks WHERE id LIKE ?", prefix + "%");
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the stage has not created its tables yet
            }
            throw e;
        }
    }

    /** Rows committed when the store waits on the held document: documents 0-9, ten chunks each. */
    private static final long HELD_AFTER = 100;

    /**
     * An open transaction that inserted a document row the store will upsert: the store's statement waits
     * for it (a unique key in doubt) until {@link #release()} or {@link #close()} rolls it back.
     */
    private final class HeldDocument implements AutoCloseable {

        private final Connection connection;

        HeldDocument(String docId) throws Exception {
            createTables();
            connection = db.jdbc();
            connection.setAutoCommit(false);
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO podstage_documents (doc_id) VALUES (?)")) {
                insert.setString(1, docId);
                insert.executeUpdate();
            }
        }

        /** Until the store's upsert of the held document is waiting for this transaction (or the store ended). */
        void awaitStoreWaiting(StageProcess.Running running) throws Exception {
            Eventually.await(
                    "the store waiting for the held document",
                    () -> !running.alive() || storeWaiting(),
                    Duration.ofMinutes(2));
            assertThat(running.alive()).as("the store waits, it did not end").isTrue();
        }

        private boolean storeWaiting() {
            try {
                return db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND query LIKE '%podstage_documents%' AND pid <> pg_backend_pid()")
                        > 0;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        void release() throws SQLException {
            connection.rollback();
        }

        @Override
        public void close() throws SQLException {
            connection.rollback();
            connection.close();
        }
    }

    /** The stage creates its tables on its first run in the class's schema: one small run makes sure. */
    private void createTables() {
        Map<String, Object> record = new LinkedHashMap<>(chunk(0, 8, "first"));
        record.put("id", "setup-" + prefix + "#0");
        record.put("doc_id", "setup-" + prefix);
        StageProcess.Result run = store(
                        "--input",
                        JsonLines.write(dir.resolve("one.jsonl"), 1, i -> record)
                                .toString(),
                        "--dimension",
                        "8")
                .run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    private void assertEveryKeyOnce(Path input) throws SQLException {
        Set<String> expected = new HashSet<>(JsonLines.ids(input));
        List<String> stored = db.strings("SELECT id FROM podstage_chunks WHERE id LIKE ?", prefix + "%");
        assertThat(stored).hasSize(RECORDS).doesNotHaveDuplicates();
        assertThat(new HashSet<>(stored)).isEqualTo(expected);
        assertThat(db.count("SELECT count(DISTINCT doc_id) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(db.count("SELECT count(*) FROM podstage_documents WHERE doc_id LIKE ?", prefix + "%"));
    }
}
