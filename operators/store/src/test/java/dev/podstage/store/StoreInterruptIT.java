package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;

/**
 * A store killed while it writes — SIGKILL (OOM killer, node loss) or SIGTERM (eviction, task
 * timeout) — then run again must leave every key of the input exactly once. Tiny batches make the
 * run long enough to be caught in the middle.
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
        return db.strings("SELECT status || ' try ' || try_number FROM podstage_runs WHERE dag_id = 'store_it' AND run_id = ?",
                prefix);
    }

    @Test
    void killedWithSigkillMidRunThenRerunLeavesEveryKeyOnce() throws Exception {
        Path input = chunks("big.jsonl", RECORDS, 8);

        StageProcess.Running running = slowStore(input, 1).start();
        long before = awaitSomeRows(running);
        ProcessHandle stage = stageProcess();
        stage.destroyForcibly();
        StageProcess.Result killed = running.await(Duration.ofMinutes(1));

        assertThat(killed.exitCode()).as(killed.toString()).isEqualTo(137);
        long afterKill = storedRows();
        assertThat(afterKill).as("killed in the middle (%d rows seen before the kill)", before).isBetween(1L, RECORDS - 1L);

        assertThat(runStatus()).containsExactly("running try 1");

        StageProcess.Result rerun = slowStore(input, 2).run();

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        var chunks = rerun.xcom().path("tables").path("podstage_chunks");
        assertThat(chunks.path("inserted").asLong()).isPositive();
        assertThat(chunks.path("inserted").asLong() + chunks.path("unchanged").asLong()).isEqualTo(RECORDS);
        assertEveryKeyOnce(input);
        assertThat(runStatus()).containsExactly("success try 2");
    }

    @Test
    void sigtermStopsBetweenBatchesWithExit75AndTheRerunCompletes() throws Exception {
        Path input = chunks("big.jsonl", RECORDS, 8);

        StageProcess.Running running = slowStore(input, 1).start();
        awaitSomeRows(running);
        running.terminate();
        StageProcess.Result stopped = running.await(Duration.ofMinutes(1));

        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(75);
        assertThat(stopped.logs()).contains("stopped by SIGTERM");
        long afterStop = storedRows();
        assertThat(afterStop).isBetween(1L, RECORDS - 1L);
        assertThat(runStatus()).containsExactly("interrupted try 1");

        StageProcess.Result rerun = slowStore(input, 2).run();

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(rerun.logs()).contains("resumed");
        assertThat(rerun.xcom().path("tables").path("podstage_chunks").path("unchanged").asLong()).isEqualTo(afterStop);
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

    /** Waits (bounded by the stage's own end) until the first batches are committed. */
    private long awaitSomeRows(StageProcess.Running running) throws Exception {
        while (running.alive()) {
            long rows = storedRows();
            if (rows > 0) {
                return rows;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the stage ended before any row was stored: " + running.await(Duration.ofSeconds(5)));
    }

    /** The stage's JVM: the one child of this test JVM running a packaged stage. */
    private static ProcessHandle stageProcess() {
        List<ProcessHandle> stages = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar")).toList();
        assertThat(stages).hasSize(1);
        return stages.get(0);
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
