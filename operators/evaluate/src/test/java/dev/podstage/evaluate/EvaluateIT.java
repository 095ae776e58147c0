package dev.podstage.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.config.MappingKey;
import dev.podstage.runtime.config.MappingKeys;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.Services;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluateIT extends EvaluateTestBase {

    private static final int N = 40;

    /** References "Answer i"; variant A answers every one right, variant B gets every fourth wrong. */
    private Path references() {
        return JsonLines.write(
                dir.resolve("references.jsonl"), N, i -> Map.of("id", tag + "-q" + i, "reference", "Answer " + i));
    }

    private List<Result> variant(String name, boolean sloppy, double cost, long latency) {
        List<Result> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String output = sloppy && i % 4 == 0 ? "I do not know" : "answer " + i + ".";
            rows.add(answer(tag + "-q" + i, name, output, cost, latency + i));
        }
        return rows;
    }

    @Test
    void theBetterAnswersWinOnQualityAndTheReportShowsBothVariants() throws Exception {
        insert(variant(a, false, 0.002, 300));
        insert(variant(b, true, 0.001, 100));

        StageProcess.Result run = evaluate(
                        "--references",
                        references().toString(),
                        "--similarity",
                        "minilm",
                        "--rule",
                        "quality,cost",
                        "--min-samples",
                        "20")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("verdict").asText()).isEqualTo("winner");
        assertThat(xcom.path("winner").asText()).isEqualTo(a);
        assertThat(xcom.path("decided_by").asText()).isEqualTo("quality");
        assertThat(xcom.path("report_uri").asText()).isEqualTo(report().toUri().toString());
        assertThat(xcom.path("outputs").get(0).asText())
                .isEqualTo(report().toUri().toString());
        JsonNode va = xcom.path("variant_a");
        JsonNode vb = xcom.path("variant_b");
        assertThat(va.path("records").asLong()).isEqualTo(N);
        assertThat(va.path("exact_match").asDouble()).isEqualTo(1.0);
        assertThat(vb.path("exact_match").asDouble()).isEqualTo(0.75);
        assertThat(va.path("similarity").asDouble())
                .isGreaterThan(vb.path("similarity").asDouble());
        assertThat(va.path("quality").asDouble())
                .isEqualTo(va.path("similarity").asDouble());
        assertThat(va.path("cost_per_record_usd").asDouble()).isEqualTo(0.002);
        assertThat(va.path("latency_p50_ms").asLong()).isEqualTo(319); // 300..339, nearest rank
        assertThat(va.path("latency_p95_ms").asLong()).isEqualTo(337);

        String html = Files.readString(report());
        assertThat(html).contains(a).contains(b).contains("<svg").contains("Winner: <strong>" + a + "</strong>");
        assertThat(db.strings(
                        "SELECT verdict || ':' || winner || ':' || decided_by || ':' || (variants->'b'->>'exact_match')"
                                + " FROM podstage_ab_results WHERE variant_a = ? AND variant_b = ?",
                        a,
                        b))
                .containsExactly("winner:" + a + ":quality:0.75");
        assertThat(db.strings("SELECT version FROM podstage_schema WHERE component = 'evaluate'"))
                .containsExactly("1");
    }

    @Test
    void whenQualityTiesTheSecondCriterionOfTheRuleDecides() throws Exception {
        insert(variant(a, false, 0.0030, 100));
        insert(variant(b, false, 0.0010, 400));

        StageProcess.Result run = evaluate(
                        "--references",
                        references().toString(),
                        "--similarity",
                        "none",
                        "--rule",
                        "quality,cost,latency",
                        "--min-samples",
                        "20")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.xcom().path("winner").asText()).isEqualTo(b);
        assertThat(run.xcom().path("decided_by").asText()).isEqualTo("cost");
        assertThat(run.xcom().path("reasons").get(0).asText())
                .contains("quality")
                .contains("within tolerance");
        assertThat(run.xcom().path("variant_a").path("similarity").isNull()).isTrue();
        assertThat(Files.readString(report())).contains(a).contains(b).contains("<svg");
    }

    @Test
    void belowTheMinimumSampleSizeThereIsNoWinner() throws Exception {
        insert(variant(a, false, 0.001, 100));
        insert(variant(b, true, 0.009, 900).subList(0, 10));

        StageProcess.Result run =
                evaluate("--rule", "cost", "--min-samples", "30").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.xcom().path("verdict").asText()).isEqualTo("insufficient_data");
        assertThat(run.xcom().path("winner").isNull()).isTrue();
        assertThat(run.xcom().path("variant_b").path("records").asLong()).isEqualTo(10);
        assertThat(Files.readString(report()))
                .contains("Insufficient data")
                .contains(a)
                .contains(b)
                .contains("<svg");
        assertThat(db.strings(
                        "SELECT verdict || ':' || coalesce(winner, '-') FROM podstage_ab_results WHERE variant_a = ?",
                        a))
                .containsExactly("insufficient_data:-");
    }

    @Test
    void errorRowsCountInTheErrorRateAndCachedAnswersStayOutOfLatency() throws Exception {
        List<Result> rowsA = variant(a, false, 0.001, 100);
        List<Result> rowsB = new ArrayList<>(variant(b, false, 0.001, 100));
        for (int i = 0; i < 8; i++) {
            rowsB.set(
                    i, new Result(tag + "-q" + i, b, null, "endpoint rejected the request: 400", 0, 0, false, "run-1"));
        }
        for (int i = 0; i < 10; i++) {
            Result r = rowsA.get(i);
            rowsA.set(i, new Result(r.id(), a, r.output(), null, 0, 0, true, "run-1"));
        }
        insert(rowsA);
        insert(rowsB);

        StageProcess.Result run =
                evaluate("--rule", "errors,cost", "--min-samples", "20").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.xcom().path("winner").asText()).isEqualTo(a);
        assertThat(run.xcom().path("decided_by").asText()).isEqualTo("errors");
        assertThat(run.xcom().path("variant_b").path("error_rate").asDouble()).isEqualTo(0.2);
        assertThat(run.xcom().path("variant_a").path("cache_hit_ratio").asDouble())
                .isEqualTo(0.25);
        assertThat(run.xcom().path("variant_a").path("latency_samples").asLong())
                .isEqualTo(30);
        assertThat(run.xcom().path("variant_a").path("latency_p50_ms").asLong()).isEqualTo(124); // 110..139
    }

    @Test
    void aRunIdRestrictsTheComparisonToTheRowsThatRunStored() throws Exception {
        insert(variant(a, false, 0.001, 100));
        insert(variant(b, false, 0.005, 100));
        List<Result> later = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            later.add(new Result(tag + "-later" + i, b, "x", null, 0.0001, 100, false, "run-2"));
        }
        insert(later);

        StageProcess.Result run1 = evaluate("--rule", "cost", "--min-samples", "20", "--run-id", "run-1")
                .run();
        JsonNode xcom1 = run1.xcom(); // every run of a test writes the same XCom path: read it before the next
        StageProcess.Result run2 = evaluate(
                        "--rule",
                        "cost",
                        "--min-samples",
                        "20",
                        "--run-id",
                        "run-2",
                        "--output",
                        dir.resolve("run2.html").toString())
                .run();

        assertThat(run1.exitCode()).as(run1.toString()).isZero();
        assertThat(xcom1.path("winner").asText()).isEqualTo(a);
        assertThat(xcom1.path("variant_b").path("records").asLong()).isEqualTo(N);
        assertThat(run2.xcom().path("verdict").asText())
                .as("variant a stored nothing in run-2")
                .isEqualTo("insufficient_data");
        assertThat(db.strings(
                        "SELECT results_run_id || ':' || verdict FROM podstage_ab_results WHERE variant_a = ?"
                                + " ORDER BY 1",
                        a))
                .containsExactly("run-1:winner", "run-2:insufficient_data");
    }

    @Test
    void theSameComparisonIsDoneOnceUntilMoreResultsAreStored() throws Exception {
        insert(variant(a, false, 0.001, 100));
        insert(variant(b, false, 0.002, 100));

        String first = evaluate("--rule", "cost", "--min-samples", "20")
                .run()
                .xcom()
                .path("status")
                .asText();
        String same = evaluate("--rule", "cost", "--min-samples", "20")
                .run()
                .xcom()
                .path("status")
                .asText();
        insert(List.of(answer(tag + "-extra", b, "x", 0.002, 100)));
        StageProcess.Result more =
                evaluate("--rule", "cost", "--min-samples", "20").run();

        assertThat(first).isEqualTo("success");
        assertThat(same).isEqualTo("already_done");
        assertThat(more.xcom().path("status").asText()).isEqualTo("success");
        assertThat(more.xcom().path("variant_b").path("records").asLong()).isEqualTo(N + 1);
        assertThat(db.strings("SELECT count(*) FROM podstage_ab_results WHERE variant_a = ?", a))
                .containsExactly("1");
    }

    @Test
    void rejectedReferenceLinesGoToRejects() throws Exception {
        insert(variant(a, false, 0.001, 100));
        insert(variant(b, false, 0.002, 100));
        Path refs = references();
        Files.writeString(refs, "{\"id\":\"" + tag + "-x\"}\nnot json\n", java.nio.file.StandardOpenOption.APPEND);

        StageProcess.Result run = evaluate(
                        "--references",
                        refs.toString(),
                        "--similarity",
                        "none",
                        "--min-samples",
                        "20",
                        "--max-reject-ratio",
                        "0.1")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> rejects = JsonLines.read(dir.resolve("report.html.rejects.jsonl"));
        assertThat(rejects).extracting(r -> r.path("line").asInt()).containsExactly(N + 1, N + 2);
        assertThat(rejects.get(0).path("reason").asText()).isEqualTo("missing string field 'reference'");
        assertThat(run.xcom().path("rejects").asLong()).isEqualTo(2);
    }

    @Test
    void badConfigurationExits2NamingTheKeyAndMissingResultsExit3() throws Exception {
        StageProcess.Result noVariant = StageProcess.of(dir)
                .withLedger()
                .env("PODSTAGE_DB_URL", db.dbUrl())
                .args("--variant-a", a, "--output", report().toString())
                .run();
        StageProcess.Result same = evaluate("--variant-b", a).run();
        StageProcess.Result badRule = evaluate("--rule", "quality,speed").run();
        StageProcess.Result minilmWithoutReferences =
                evaluate("--similarity", "minilm").run();
        StageProcess.Result noDb = StageProcess.of(dir)
                .args("--variant-a", a, "--variant-b", b, "--output", report().toString())
                .run();
        StageProcess.Result noTable = evaluate()
                .env("PODSTAGE_DB_URL", Services.dbUrl() + "?search_path=no_such_schema_" + tag)
                .run();

        assertThat(noVariant.exitCode()).isEqualTo(2);
        assertThat(noVariant.logs()).contains("podstage.evaluate.variant-b");
        assertThat(same.exitCode()).isEqualTo(2);
        assertThat(same.logs()).contains("podstage.evaluate.variant-b");
        assertThat(badRule.exitCode()).isEqualTo(2);
        assertThat(badRule.logs()).contains("podstage.evaluate.rule").contains("speed");
        assertThat(minilmWithoutReferences.exitCode()).isEqualTo(2);
        assertThat(minilmWithoutReferences.logs()).contains("podstage.evaluate.similarity");
        assertThat(noDb.exitCode()).isEqualTo(2);
        assertThat(noDb.logs()).contains("PODSTAGE_DB_URL");
        assertThat(noTable.exitCode()).as(noTable.toString()).isEqualTo(3);
        assertThat(noTable.logs()).contains("podstage_results").contains("store");
        assertThat(report()).doesNotExist();
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndDefault() {
        StageProcess.Result help = StageProcess.of(dir).args("--help").run();

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout())
                .contains("--variant-a")
                .contains("--references")
                .contains("--similarity")
                .contains("--rule")
                .contains("PODSTAGE_EVALUATE_RULE")
                .contains("Default: quality,cost,latency")
                .contains("--min-samples")
                .contains("Default: 30")
                .contains("PODSTAGE_DB_URL");
        // Every key the mapping declares: its option with its environment variable, or none if env-only.
        String listed = help.stdout().replaceAll("\\s+", " ");
        for (MappingKey key : MappingKeys.of(EvaluateConfig.class, EvaluateConfig.PREFIX)) {
            if (key.envOnly()) {
                assertThat(listed).doesNotContain("--" + key.name() + "=");
            } else {
                assertThat(listed).contains("--" + key.name() + "=", key.envName());
            }
        }
    }
}
