package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.config.MappingKey;
import dev.podstage.runtime.config.MappingKeys;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import dev.podstage.testkit.StatsdCatcher;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbedContractIT extends EmbedTestBase {

    @Test
    void vectorsAreUnitLength384AndEveryOtherFieldPassesThrough() throws Exception {
        JsonLines.write(
                input(),
                5,
                i -> Map.of(
                        "id",
                        "c" + i,
                        "text",
                        "chunk " + i + " of the manual " + tag,
                        "doc_id",
                        "doc-7",
                        "chunk_index",
                        i,
                        "metadata",
                        Map.of("page", i + 1)));

        StageProcess.Result run = embed().run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> records = JsonLines.read(output());
        assertThat(records).extracting(r -> r.path("id").asText()).containsExactly("c0", "c1", "c2", "c3", "c4");
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            assertThat(r.path("doc_id").asText()).isEqualTo("doc-7");
            assertThat(r.path("chunk_index").asInt()).isEqualTo(i);
            assertThat(r.path("metadata").path("page").asInt()).isEqualTo(i + 1);
            assertThat(r.path("text").asText()).startsWith("chunk " + i);
            assertThat(r.path("model").asText()).isEqualTo("all-MiniLM-L6-v2");
            assertThat(r.path("dim").asInt()).isEqualTo(384);
            assertThat(r.path("cached").asBoolean(true)).isFalse();
            assertThat(vector(r)).hasSize(384);
            assertThat(norm(vector(r))).isCloseTo(1.0, within(1e-5));
        }
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("stage").asText()).isEqualTo("embed");
        assertThat(xcom.path("records_out").asLong()).isEqualTo(5);
        assertThat(xcom.path("outputs").get(0).asText())
                .isEqualTo(output().toUri().toString());
        JsonNode m = xcom.path("metrics");
        assertThat(m.path("vectors_computed").asLong()).isEqualTo(5);
        assertThat(m.path("cache_available").asBoolean(true))
                .as("no PODSTAGE_REDIS_URL")
                .isFalse();
        assertThat(m.path("batches").asLong()).isEqualTo(1);
        assertThat(m.path("chunks_per_s").asDouble()).isPositive();
        assertThat(Files.list(dir.resolve("work")).map(p -> p.getFileName().toString()))
                .as("the tokenizer's native library goes to the work directory, not ~/.djl.ai")
                .contains("djl");
    }

    @Test
    void badRecordsGoToRejectsWithLineNumbersAndReasons() throws Exception {
        Files.write(
                input(),
                List.of(
                        "{\"id\":\"a\",\"text\":\"fine " + tag + "\"}",
                        "this is not json",
                        "[1,2,3]",
                        "{\"text\":\"no id\"}",
                        "{\"id\":\"b\"}",
                        "{\"id\":\"c\",\"text\":\"   \"}",
                        "{\"id\":\"d\",\"text\":42}",
                        "{\"id\":\"e\",\"body\":\"wrong field\",\"text\":null}",
                        "",
                        "{\"id\":\"f\",\"text\":\"also fine " + tag + "\"}"));
        Files.write(
                input(),
                new byte[] {
                    '{',
                    '"',
                    'i',
                    'd',
                    '"',
                    ':',
                    '"',
                    'g',
                    '"',
                    ',',
                    '"',
                    't',
                    'e',
                    'x',
                    't',
                    '"',
                    ':',
                    '"',
                    (byte) 0xC3,
                    (byte) 0x28,
                    (byte) 0xFF,
                    '"',
                    '}',
                    '\n'
                },
                StandardOpenOption.APPEND);

        StageProcess.Result run = embed("--max-reject-ratio", "0.9").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.ids(output())).containsExactly("a", "f");
        List<JsonNode> rejects = JsonLines.read(dir.resolve("out.jsonl.rejects.jsonl"));
        assertThat(rejects).extracting(r -> r.path("line").asInt()).containsExactly(2, 3, 4, 5, 6, 7, 8, 11);
        assertThat(rejects)
                .extracting(r -> r.path("reason").asText())
                .satisfiesExactly(
                        r -> assertThat(r).contains("not valid JSON"),
                        r -> assertThat(r).contains("not a JSON object"),
                        r -> assertThat(r).contains("missing string field 'id'"),
                        r -> assertThat(r).isEqualTo("missing string field 'text'"),
                        r -> assertThat(r).isEqualTo("field 'text' is empty"),
                        r -> assertThat(r).isEqualTo("field 'text' is not a string but number"),
                        r -> assertThat(r).isEqualTo("missing string field 'text'"),
                        r -> assertThat(r).contains("not valid UTF-8"));
        assertThat(rejects.get(0).path("raw").asText()).isEqualTo("this is not json");
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("records_in").asLong()).isEqualTo(10);
        assertThat(xcom.path("records_out").asLong()).isEqualTo(2);
        assertThat(xcom.path("rejects").asLong()).isEqualTo(8);
        assertThat(xcom.path("rejects_uri").asText()).endsWith("out.jsonl.rejects.jsonl");
    }

    @Test
    void theTextFieldIsConfigurable() throws Exception {
        Files.write(
                input(),
                List.of("{\"id\":\"a\",\"body\":\"the body " + tag + "\"}", "{\"id\":\"b\",\"text\":\"no body\"}"));

        StageProcess.Result run = embed("--max-reject-ratio", "0.5")
                .env("PODSTAGE_EMBED_TEXT_FIELD", "body")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.ids(output())).containsExactly("a");
        assertThat(JsonLines.read(dir.resolve("out.jsonl.rejects.jsonl"))
                        .get(0)
                        .path("reason")
                        .asText())
                .isEqualTo("missing string field 'body'");
    }

    @Test
    void tooManyRejectsFailWithExitCode3AndKeepWhatWasAccepted() throws Exception {
        Files.write(input(), List.of("{\"id\":\"a\",\"text\":\"fine " + tag + "\"}", "garbage", "{\"id\":\"b\"}"));

        StageProcess.Result run = embed().run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.logs()).contains("podstage.max-reject-ratio");
        assertThat(JsonLines.read(dir.resolve("out.jsonl.rejects.jsonl"))).hasSize(2);
        assertThat(JsonLines.ids(output())).as("what was accepted is kept").containsExactly("a");
    }

    @Test
    void badConfigurationExits2NamingTheKeyBeforeAnyWork() {
        JsonLines.texts(input(), 3, "config " + tag);

        StageProcess.Result badNumber = embed("--batch-size", "lots").run();
        StageProcess.Result outOfRange = embed("--threads", "0").run();
        StageProcess.Result tooBig = embed("--batch-size", "5000").run();
        StageProcess.Result badDevice =
                embed().env("PODSTAGE_EMBED_DEVICE", "tpu").run();
        StageProcess.Result noGpuBuild = embed("--device", "cuda").run();
        StageProcess.Result missingOutput =
                StageProcess.of(dir).args("--input", input().toString()).run();

        assertThat(badNumber.exitCode()).isEqualTo(2);
        assertThat(badNumber.logs()).contains("podstage.embed.batch-size").contains("lots");
        assertThat(outOfRange.exitCode()).isEqualTo(2);
        assertThat(outOfRange.logs())
                .contains("podstage.embed.threads")
                .contains("'0'")
                .contains("≥ 1");
        assertThat(tooBig.exitCode()).isEqualTo(2);
        assertThat(tooBig.logs())
                .contains("podstage.embed.batch-size")
                .contains("'5000'")
                .contains("1 to 1024");
        assertThat(badDevice.exitCode()).isEqualTo(2);
        assertThat(badDevice.logs()).contains("podstage.embed.device").contains("tpu");
        assertThat(noGpuBuild.exitCode()).isEqualTo(2);
        assertThat(noGpuBuild.logs()).contains("podstage.embed.device='cuda'").contains("-Pgpu");
        assertThat(missingOutput.exitCode()).isEqualTo(2);
        assertThat(missingOutput.logs()).contains("podstage.output");
        for (StageProcess.Result r : List.of(badNumber, outOfRange, tooBig, badDevice, noGpuBuild, missingOutput)) {
            assertThat(r.logs()).as("failed before loading the model").doesNotContain("loaded on");
        }
        assertThat(output()).doesNotExist();
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndDefault() {
        StageProcess.Result help = StageProcess.of(dir).args("--help").run();

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout().replaceAll("\\s+", " ")) // help wraps at 80 columns
                .contains("--input", "--output", "--max-reject-ratio", "--variant", "--progress-interval")
                .contains("--text-field", "PODSTAGE_EMBED_TEXT_FIELD", "Default: text")
                .contains("--batch-size", "PODSTAGE_EMBED_BATCH_SIZE", "Default: 32")
                .contains(
                        "--threads", "PODSTAGE_EMBED_THREADS", "--intra-op-threads", "PODSTAGE_EMBED_INTRA_OP_THREADS")
                .contains("--device", "PODSTAGE_EMBED_DEVICE", "Default: cpu")
                .contains("--work-dir", "PODSTAGE_EMBED_WORK_DIR");
        // Every key the mapping declares: its option with its environment variable, or none if env-only.
        String listed = help.stdout().replaceAll("\\s+", " ");
        for (MappingKey key : MappingKeys.of(EmbedConfig.class, EmbedConfig.PREFIX)) {
            if (key.envOnly()) {
                assertThat(listed).doesNotContain("--" + key.name() + "=");
            } else {
                assertThat(listed).contains("--" + key.name() + "=", key.envName());
            }
        }
    }

    @Test
    void statsdCarriesTheEmbedMeters() {
        JsonLines.texts(input(), 10, "metrics " + tag);
        try (StatsdCatcher statsd = new StatsdCatcher()) {
            StageProcess.Result run = embed("--batch-size", "4", "--variant", "A")
                    .env("PODSTAGE_METRICS_ENABLED", "true")
                    .env("PODSTAGE_STATSD_HOST", "127.0.0.1")
                    .env("PODSTAGE_STATSD_PORT", Integer.toString(statsd.port()))
                    .env("AIRFLOW_CTX_DAG_ID", "rag_index")
                    .env("AIRFLOW_CTX_TASK_ID", "embed")
                    .run();
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.xcom().path("metrics").path("batches").asLong()).isEqualTo(3);

            List<String> lines = statsd.lines();
            assertThat(lines)
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("podstage.stage.duration:")
                            .contains("stage:embed")
                            .contains("dag_id:rag_index")
                            .contains("task_id:embed")
                            .contains("variant:A"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.embed.vectors:"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.embed.batch.size:"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.embed.batch.duration:"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.stage.records:"));
        }
    }
}
