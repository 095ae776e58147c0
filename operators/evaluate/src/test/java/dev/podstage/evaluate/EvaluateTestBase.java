package dev.podstage.evaluate;

import dev.podstage.testkit.StageProcess;
import dev.podstage.testkit.TestSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test class reads and writes a PostgreSQL schema of its own (reached through
 * {@code ?search_path=}), seeded with rows shaped like the store stage's {@code podstage_results};
 * each test uses variant names of its own.
 */
abstract class EvaluateTestBase {

    /** The store stage's podstage_results (schema version 1), as this fixture's rows need it. */
    private static final String RESULTS_DDL = """
            CREATE TABLE podstage_results (
                id text NOT NULL, variant text NOT NULL, model text NOT NULL, output jsonb, error text,
                input_tokens bigint, output_tokens bigint, cost_usd double precision, latency_ms bigint, endpoint text,
                cached boolean NOT NULL DEFAULT false, deduplicated boolean NOT NULL DEFAULT false,
                dag_id text, run_id text, task_id text, job_key text,
                created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (id, variant, model))""";

    @RegisterExtension
    static final TestSchema db = new TestSchema("evaluate_it", RESULTS_DDL);

    @TempDir
    Path dir;

    final String tag = UUID.randomUUID().toString().substring(0, 8);
    final String a = "a-" + tag;
    final String b = "b-" + tag;

    Path report() {
        return dir.resolve("report.html");
    }

    StageProcess evaluate(String... args) {
        return StageProcess.of(dir)
                .withLedger()
                .env("PODSTAGE_DB_URL", db.dbUrl())
                .args("--variant-a", a, "--variant-b", b, "--output", report().toString())
                .args(args);
    }

    /** One stored result; {@code error} non-null makes it an error row without output. */
    record Result(
            String id,
            String variant,
            String output,
            String error,
            double cost,
            long latency,
            boolean cached,
            String runId) {}

    static Result answer(String id, String variant, String output, double cost, long latency) {
        return new Result(id, variant, output, null, cost, latency, false, "run-1");
    }

    static void insert(List<Result> results) throws SQLException {
        try (Connection c = db.jdbc();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO podstage_results (id,"
                                + " variant, model, output, error, input_tokens, output_tokens, cost_usd, latency_ms, endpoint, cached,"
                                + " run_id) VALUES (?, ?, 'gpt-test', to_jsonb(CAST(? AS text)), ?, 10, 5, ?, ?, 'http://e', ?, ?)")) {
            for (Result r : results) {
                s.setString(1, r.id());
                s.setString(2, r.variant());
                s.setString(3, r.output());
                s.setString(4, r.error());
                s.setObject(5, r.error() == null ? r.cost() : null);
                s.setObject(6, r.error() == null ? r.latency() : null);
                s.setBoolean(7, r.cached());
                s.setString(8, r.runId());
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
