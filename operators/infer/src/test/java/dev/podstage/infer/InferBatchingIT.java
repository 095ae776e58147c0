package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferBatchingIT extends InferTestBase {

    @Test
    void inputsProtocolSendsCeilOfRecordsOverBatchSizeRequests() {
        JsonLines.texts(input(), 100, "batched");

        StageProcess.Result run = infer(
                        "--protocol",
                        "inputs",
                        "--batch-size",
                        "16",
                        "--price-input-per-1k",
                        "0.001",
                        "--price-output-per-1k",
                        "0.002")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sim.stats().byPath().get("/generate")).isEqualTo(7); // ceil(100 / 16)
        assertThat(sim.stats().items()).isEqualTo(100);
        var records = JsonLines.read(output());
        assertThat(records).hasSize(100);
        assertThat(JsonLines.ids(output())).doesNotHaveDuplicates();
        JsonNode first = records.get(0);
        assertThat(first.path("output").isTextual()).isTrue();
        assertThat(first.path("usage").path("output_tokens").asLong()).isPositive();
        assertThat(first.path("endpoint").asText()).isEqualTo(sim.baseUrl());
        assertThat(first.path("cached").asBoolean(true)).isFalse();
        assertThat(first.has("latency_ms")).isTrue();
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("records_out").asLong()).isEqualTo(100);
        assertThat(xcom.path("metrics").path("requests").asLong()).isEqualTo(7);
        // A clean run (priced: an unpriced one warns) logs no error or warning, the connection opened ahead of the
        // first request included.
        assertThat(run.logs().lines().filter(line -> line.contains(" ERROR ") || line.contains(" WARN ")))
                .as(run.logs())
                .isEmpty();
    }

    @Test
    void embeddingsAreBatchedAndComeBackAsVectorsInInputOrder() {
        JsonLines.texts(input(), 95, "embed me");

        StageProcess.Result run =
                infer("--protocol", "openai-embeddings", "--batch-size", "10").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sim.stats().byPath().get("/v1/embeddings")).isEqualTo(10);
        var records = JsonLines.read(output());
        assertThat(records).hasSize(95);
        assertThat(records)
                .allSatisfy(r -> assertThat(r.path("output").isArray()).isTrue());
        // Same text, same vector: the record for "embed me 3" got the vector for "embed me 3".
        JsonNode r3 = records.stream()
                .filter(r -> r.path("id").asText().equals("r3"))
                .findFirst()
                .orElseThrow();
        JsonLines.texts(dir.resolve("single.jsonl"), 4, "embed me");
        StageProcess.Result again = infer(
                        "--protocol",
                        "openai-embeddings",
                        "--batch-size",
                        "1",
                        "--input",
                        dir.resolve("single.jsonl").toString(),
                        "--output",
                        dir.resolve("single-out.jsonl").toString())
                .run();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        JsonNode single3 = JsonLines.read(dir.resolve("single-out.jsonl")).stream()
                .filter(r -> r.path("id").asText().equals("r3"))
                .findFirst()
                .orElseThrow();
        assertThat(single3.path("output")).isEqualTo(r3.path("output"));
    }

    @Test
    void identicalInputsWithinARunAreSentOnce() {
        JsonLines.write(input(), 50, i -> Map.of("id", "r" + i, "text", "question " + (i % 10)));

        StageProcess.Result run = infer("--protocol", "openai-chat").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sim.stats().requests()).isEqualTo(10);
        var records = JsonLines.read(output());
        assertThat(records).hasSize(50);
        assertThat(JsonLines.ids(output())).doesNotHaveDuplicates();
        assertThat(records.stream()
                        .filter(r -> r.path("deduplicated").asBoolean())
                        .count())
                .isEqualTo(40);
        assertThat(run.xcom().path("metrics").path("deduplicated").asLong()).isEqualTo(40);
        // Duplicates carry the same answer as their original and cost nothing.
        JsonNode r0 = records.stream()
                .filter(r -> r.path("id").asText().equals("r0"))
                .findFirst()
                .orElseThrow();
        JsonNode r10 = records.stream()
                .filter(r -> r.path("id").asText().equals("r10"))
                .findFirst()
                .orElseThrow();
        assertThat(r10.path("output")).isEqualTo(r0.path("output"));
    }

    @Test
    void withoutDedupeEveryRecordIsSent() {
        JsonLines.write(input(), 20, i -> Map.of("id", "r" + i, "text", "same question"));

        StageProcess.Result run =
                infer("--protocol", "openai-chat", "--dedupe", "false").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sim.stats().requests()).isEqualTo(20);
    }
}
