package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreResultsIT extends StoreTestBase {

    /** An infer output record as infer writes it. */
    private Map<String, Object> result(int i, String variant, long latency) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", prefix + "r" + i);
        r.put("output", "answer " + i);
        r.put("usage", Map.of("input_tokens", 10 + i, "output_tokens", 5, "cost_usd", 0.001 * i));
        r.put("latency_ms", latency);
        r.put("endpoint", "http://127.0.0.1:1/v1");
        r.put("cached", i % 4 == 0);
        r.put("model", "gpt-test");
        r.put("variant", variant);
        return r;
    }

    private Path results(String name, int count, String variant, long latency) {
        return JsonLines.write(dir.resolve(name), count, i -> result(i, variant, latency));
    }

    @Test
    void resultsAndInferRejectsBecomeOneRowPerIdVariantAndModel() throws Exception {
        Path a = results("a.jsonl", 6, "A", 40);
        Path b = results("b.jsonl", 6, "B", 90);
        Path rejects = dir.resolve("a.jsonl.rejects.jsonl");
        Files.write(
                rejects,
                List.of(
                        "{\"line\":7,\"reason\":\"endpoint rejected the request: 400 Bad Request\",\"raw\":\"" + prefix
                                + "r6\"}",
                        "{\"line\":8,\"reason\":\"missing string field 'text'\",\"raw\":\"{\\\"id\\\":\\\"" + prefix
                                + "r7\\\"}\"}",
                        "{\"line\":9,\"reason\":\"not valid JSON: x\",\"raw\":\"garbage\"}",
                        "{\"no\":\"reason\"}"));

        StageProcess.Result run = store(
                        "--input",
                        a.toString(),
                        "--input",
                        b.toString(),
                        "--errors",
                        rejects.toString(),
                        "--model",
                        "gpt-test",
                        "--variant",
                        "A",
                        "--max-reject-ratio",
                        "0.5")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("tables").path("podstage_results").path("inserted").asLong())
                .isEqualTo(15);
        assertThat(xcom.path("records_in").asLong()).isEqualTo(16);
        assertThat(xcom.path("rejects").asLong()).isEqualTo(1);
        assertThat(xcom.path("inputs"))
                .extracting(n -> n.path("kind").asText())
                .containsExactly("results", "results", "errors");
        assertThat(JsonLines.read(dir.resolve("receipt.jsonl.rejects.jsonl"))
                        .get(0)
                        .path("reason")
                        .asText())
                .isEqualTo("a.jsonl.rejects.jsonl: not an infer reject: needs a number 'line' and a string 'reason'");
        assertThat(db.count(
                        "SELECT count(*) FROM podstage_results WHERE (id LIKE ? OR id = 'line:9') AND variant = 'A'",
                        prefix + "%"))
                .isEqualTo(9);
        assertThat(db.count("SELECT count(*) FROM podstage_results WHERE id LIKE ? AND variant = 'B'", prefix + "%"))
                .isEqualTo(6);
        assertThat(db.strings(
                        "SELECT id || '=' || error FROM podstage_results WHERE id IN (?, ?, 'line:9') AND variant = 'A'"
                                + " ORDER BY id",
                        prefix + "r6",
                        prefix + "r7"))
                .containsExactly(
                        "line:9=not valid JSON: x",
                        prefix + "r6=endpoint rejected the request: 400 Bad Request",
                        prefix + "r7=missing string field 'text'");
        try (Connection c = db.jdbc();
                var q = c.prepareStatement(
                        "SELECT output #>> '{}', input_tokens, output_tokens, cost_usd,"
                                + " latency_ms, endpoint, cached, error FROM podstage_results WHERE id = ? AND variant = 'B' AND model = 'gpt-test'")) {
            q.setString(1, prefix + "r4");
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("answer 4");
                assertThat(rs.getLong(2)).isEqualTo(14);
                assertThat(rs.getLong(3)).isEqualTo(5);
                assertThat(rs.getDouble(4)).isEqualTo(0.004);
                assertThat(rs.getLong(5)).isEqualTo(90);
                assertThat(rs.getString(6)).isEqualTo("http://127.0.0.1:1/v1");
                assertThat(rs.getBoolean(7)).isTrue();
                assertThat(rs.getString(8)).isNull();
            }
        }
    }

    @Test
    void aNewDagRunTakesItsRowsOverWhileARetryOfTheSameRunChangesNothing() throws Exception {
        Path a = results("a.jsonl", 5, "A", 40);
        StageProcess.Result first = store("--input", a.toString())
                .env("AIRFLOW_CTX_DAG_ID", "ab")
                .env("AIRFLOW_CTX_RUN_ID", prefix + "run1")
                .env("AIRFLOW_CTX_TASK_ID", "store_a")
                .run();
        assertThat(first.exitCode()).as(first.toString()).isZero();

        StageProcess.Result retry = store("--input", a.toString())
                .env("AIRFLOW_CTX_DAG_ID", "ab")
                .env("AIRFLOW_CTX_RUN_ID", prefix + "run1")
                .env("AIRFLOW_CTX_TASK_ID", "store_a")
                .env("AIRFLOW_CTX_TRY_NUMBER", "2")
                .run();
        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        assertThat(retry.xcom().path("status").asText()).isEqualTo("already_done");

        StageProcess.Result nextRun = store("--input", a.toString())
                .env("AIRFLOW_CTX_DAG_ID", "ab")
                .env("AIRFLOW_CTX_RUN_ID", prefix + "run2")
                .env("AIRFLOW_CTX_TASK_ID", "store_a")
                .run();
        assertThat(nextRun.exitCode()).as(nextRun.toString()).isZero();
        assertThat(nextRun.xcom()
                        .path("tables")
                        .path("podstage_results")
                        .path("updated")
                        .asLong())
                .isEqualTo(5);

        assertThat(db.strings("SELECT DISTINCT run_id FROM podstage_results WHERE id LIKE ?", prefix + "%"))
                .containsExactly(prefix + "run2");
        assertThat(db.count("SELECT count(*) FROM podstage_results WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(5);
        assertThat(db.strings(
                        "SELECT run_id || ':' || status || ':' || records_out FROM podstage_runs WHERE dag_id = 'ab'"
                                + " AND run_id LIKE ? ORDER BY run_id",
                        prefix + "%"))
                .containsExactly(prefix + "run1:success:5", prefix + "run2:success:5");
    }

    @Test
    void anExplicitKindRejectsRecordsOfTheOtherKind() throws Exception {
        Path a = results("a.jsonl", 3, "A", 40);

        StageProcess.Result run = store("--input", a.toString(), "--kind", "chunks", "--max-reject-ratio", "1")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.xcom().path("rejects").asLong()).isEqualTo(3);
        assertThat(JsonLines.read(dir.resolve("receipt.jsonl.rejects.jsonl")))
                .allSatisfy(r -> assertThat(r.path("reason").asText()).isEqualTo("missing string field 'doc_id'"));
        assertThat(db.count("SELECT count(*) FROM podstage_results WHERE id LIKE ?", prefix + "%"))
                .isZero();
    }
}
