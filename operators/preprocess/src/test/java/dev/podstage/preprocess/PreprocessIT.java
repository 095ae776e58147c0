package dev.podstage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.config.MappingKey;
import dev.podstage.runtime.config.MappingKeys;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessIT {

    @TempDir
    Path dir;

    private int runs;

    private Path input() {
        return dir.resolve("shard.jsonl");
    }

    private Path output() {
        return dir.resolve("chunks.jsonl");
    }

    /** Each run in a work directory of its own, so each result reads its own XCom. */
    private StageProcess preprocess(String... args) {
        return StageProcess.of(dir.resolve("run-" + ++runs))
                .args("--input", input().toString(), "--output", output().toString())
                .args(args);
    }

    private static Map<String, Object> doc(String id, String text) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", id);
        doc.put("text", text);
        return doc;
    }

    @Test
    void chunksCarryIdsDocIdIndexTokensSourceAndMetadata() throws Exception {
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            longText.append("Sentence number ").append(i).append(" is here. ");
        }
        List<Map<String, Object>> docs = List.of(
                Map.of(
                        "id",
                        "long",
                        "text",
                        longText.toString(),
                        "source",
                        Map.of("file", "a.txt"),
                        "metadata",
                        Map.of("lang", "en")),
                Map.of("id", "short", "text", "Just one chunk.", "topic", "misc"));
        JsonLines.write(input(), docs.size(), docs::get);

        StageProcess.Result run =
                preprocess("--chunk-tokens", "32", "--chunk-overlap", "8").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> chunks = JsonLines.read(output());
        List<JsonNode> ofLong = chunks.stream()
                .filter(c -> c.path("doc_id").asText().equals("long"))
                .toList();
        assertThat(ofLong.size()).isGreaterThan(5);
        for (int i = 0; i < ofLong.size(); i++) {
            JsonNode c = ofLong.get(i);
            assertThat(c.path("id").asText()).isEqualTo("long#" + i);
            assertThat(c.path("chunk_index").asInt()).isEqualTo(i);
            assertThat(c.path("chunk_count").asInt()).isEqualTo(ofLong.size());
            assertThat(c.path("tokens").asInt())
                    .isBetween(1, 32)
                    .isEqualTo((c.path("text")
                                            .asText()
                                            .codePointCount(
                                                    0, c.path("text").asText().length())
                                    + 3)
                            / 4);
            assertThat(c.path("source").path("file").asText()).isEqualTo("a.txt");
            assertThat(c.path("metadata").path("lang").asText()).isEqualTo("en");
            assertThat(c.path("text").asText()).startsWith("Sentence").endsWith("here.");
        }
        String firstEnd = ofLong.get(0).path("text").asText();
        String secondStart = ofLong.get(1).path("text").asText();
        String overlap = secondStart.substring(0, secondStart.indexOf(" is here.") + " is here.".length());
        assertThat(firstEnd).endsWith(overlap);
        JsonNode shortChunk = chunks.stream()
                .filter(c -> c.path("doc_id").asText().equals("short"))
                .findFirst()
                .orElseThrow();
        assertThat(shortChunk.path("id").asText()).isEqualTo("short#0");
        assertThat(shortChunk.path("metadata").path("topic").asText()).isEqualTo("misc");
        assertThat(shortChunk.has("source")).isFalse();

        JsonNode xcom = run.xcom();
        long tokens = chunks.stream().mapToLong(c -> c.path("tokens").asLong()).sum();
        assertThat(xcom.path("tokens_total").asLong()).isEqualTo(tokens);
        assertThat(xcom.path("records_in").asLong()).isEqualTo(2);
        assertThat(xcom.path("records_out").asLong()).isEqualTo(chunks.size());
        assertThat(xcom.path("chunks").asLong()).isEqualTo(chunks.size());
    }

    @Test
    void stripsHtmlAndMarkdownNormalisesAndCleansWhenAsked() {
        JsonLines.write(
                input(),
                3,
                i -> List.of(
                                doc(
                                        "html",
                                        "<html><head><style>p{}</style></head><body><h1>Caf&eacute;</h1><p>Hello&nbsp;&nbsp;"
                                                + "<b>world</b></p><script>evil()</script></body></html>"),
                                doc(
                                        "md",
                                        "## Cafe\u0301 menu\n\n* **Espresso** \u2014 [details](http://x)\n* `latte`\n"),
                                doc("plain", "  tabs\tand\u0007 bells \r\n\r\n\r\n  and\u200B more  "))
                        .get(i));

        StageProcess.Result run = preprocess("--strip", "html,markdown").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, String> text = new LinkedHashMap<>();
        JsonLines.read(output())
                .forEach(c -> text.put(c.path("doc_id").asText(), c.path("text").asText()));
        assertThat(text.get("html")).isEqualTo("Caf\u00E9\n\nHello world");
        assertThat(text.get("md")).isEqualTo("Caf\u00E9 menu\n\nEspresso \u2014 details\nlatte");
        assertThat(text.get("plain")).isEqualTo("tabs and bells\n\nand more");
    }

    @Test
    void withoutStripMarkupIsKeptAsText() {
        JsonLines.write(input(), 1, i -> doc("d", "<b>bold</b> and **stars**"));

        StageProcess.Result run = preprocess().run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output()).get(0).path("text").asText()).isEqualTo("<b>bold</b> and **stars**");
    }

    @Test
    void emptiesRepeatedIdsAndRepeatedChunksAreDroppedAndCounted() {
        JsonLines.write(
                input(),
                6,
                i -> List.of(
                                doc("a", "The same text."),
                                doc("b", "The same text."),
                                doc("empty", " \n\t\u200B "),
                                doc("tags-only", "<div><script>x()</script></div>"),
                                doc("a", "A different text with a repeated id."),
                                doc("c", "Something else."))
                        .get(i));

        StageProcess.Result run = preprocess("--strip", "html").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.ids(output())).containsExactly("a#0", "c#0");
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("records_in").asLong()).isEqualTo(6);
        assertThat(xcom.path("records_out").asLong()).isEqualTo(2);
        assertThat(xcom.path("dropped").asLong()).isEqualTo(4);
        assertThat(xcom.path("metrics").path("deduplicated").asLong()).isEqualTo(1);
        assertThat(xcom.path("metrics").path("empty_documents").asLong()).isEqualTo(2);
        assertThat(xcom.path("metrics").path("duplicate_ids").asLong()).isEqualTo(1);
    }

    @Test
    void dedupeCanBeSwitchedOff() {
        JsonLines.write(input(), 2, i -> doc("d" + i, "The same text."));

        StageProcess.Result run = preprocess("--dedupe", "false").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.ids(output())).containsExactly("d0#0", "d1#0");
    }

    @Test
    void theSummaryProjectsWhatInferWouldCost() {
        JsonLines.write(input(), 2, i -> doc("d" + i, "x".repeat(400) + " " + i)); // 402 code points: 101 tokens

        StageProcess.Result run = preprocess(
                        "--price-input-per-1k",
                        "0.5",
                        "--price-output-per-1k",
                        "1.5",
                        "--expected-output-tokens",
                        "100")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("tokens_total").asLong()).isEqualTo(202);
        // (202 × 0.5 + 2 × 100 × 1.5) / 1000
        assertThat(xcom.path("projected_cost_usd").asDouble()).isEqualTo(0.401);
        assertThat(xcom.path("cost_projection").path("output_tokens").asLong()).isEqualTo(200);
        assertThat(run.logs()).contains("infer would cost about $0.4010");
    }

    @Test
    void badLinesAndMissingTextGoToRejectsWithLineAndReason() throws Exception {
        Files.write(
                input(),
                List.of(
                        "{\"id\":\"ok\",\"text\":\"fine\"}",
                        "not json",
                        "{\"text\":\"no id\"}",
                        "{\"id\":\"no-text\"}",
                        "{\"id\":\"num\",\"text\":5}"));

        StageProcess.Result run = preprocess("--max-reject-ratio", "0.9").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.ids(output())).containsExactly("ok#0");
        List<JsonNode> rejects = JsonLines.read(dir.resolve("chunks.jsonl.rejects.jsonl"));
        assertThat(rejects).extracting(r -> r.path("line").asInt()).containsExactly(2, 3, 4, 5);
        assertThat(rejects.get(0).path("reason").asText()).contains("not valid JSON");
        assertThat(rejects.get(1).path("reason").asText()).contains("missing string field 'id'");
        assertThat(rejects.get(2).path("reason").asText()).isEqualTo("missing string field 'text'");
        assertThat(rejects.get(3).path("reason").asText()).isEqualTo("field 'text' is not a string");
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("records_in").asLong()).isEqualTo(5);
        assertThat(xcom.path("rejects").asLong()).isEqualTo(4);
    }

    @Test
    void aBinaryShardIsRejectedLineByLineAndFailsTheRatio() throws Exception {
        Files.write(input(), new byte[] {0, 1, 2, (byte) 0xFF, '\n', (byte) 0xC3, 0x28, '\n'});

        StageProcess.Result run = preprocess().run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(JsonLines.read(dir.resolve("chunks.jsonl.rejects.jsonl")))
                .extracting(r -> r.path("reason").asText())
                .containsExactly("not valid UTF-8", "not valid UTF-8");
    }

    @Test
    void badConfigurationExits2NamingTheKeyBeforeAnyWork() {
        JsonLines.write(input(), 1, i -> doc("d", "text"));

        StageProcess.Result overlap =
                preprocess("--chunk-tokens", "64", "--chunk-overlap", "64").run();
        StageProcess.Result strip = preprocess("--strip", "html,pdf").run();
        StageProcess.Result form =
                preprocess().env("PODSTAGE_PREPROCESS_UNICODE_FORM", "nfd").run();
        StageProcess.Result price = preprocess("--price-input-per-1k", "-1").run();

        assertThat(overlap.exitCode()).isEqualTo(2);
        assertThat(overlap.logs())
                .contains("podstage.preprocess.chunk-overlap='64'")
                .contains("chunk-tokens=64");
        assertThat(strip.exitCode()).isEqualTo(2);
        assertThat(strip.logs()).contains("podstage.preprocess.strip").contains("pdf");
        assertThat(form.exitCode()).isEqualTo(2);
        assertThat(form.logs()).contains("podstage.preprocess.unicode-form").contains("nfd");
        assertThat(price.exitCode()).isEqualTo(2);
        assertThat(price.logs()).contains("podstage.preprocess.price-input-per-1k");
        assertThat(output()).doesNotExist();
    }

    @Test
    void aRerunWritesTheSameChunksUnderTheSameJobKey() throws Exception {
        JsonLines.write(input(), 20, i -> doc("d" + i, "Document " + i + ". ".repeat(3) + "word ".repeat(40 + i)));

        StageProcess.Result first =
                preprocess("--chunk-tokens", "20", "--chunk-overlap", "5").run();
        byte[] firstBytes = Files.readAllBytes(output());
        StageProcess.Result second =
                preprocess("--chunk-tokens", "20", "--chunk-overlap", "5").run();

        assertThat(first.exitCode()).isZero();
        assertThat(second.exitCode()).isZero();
        assertThat(Files.readAllBytes(output())).isEqualTo(firstBytes);
        assertThat(second.xcom().path("job_key")).isEqualTo(first.xcom().path("job_key"));
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndDefault() {
        StageProcess.Result help = preprocess("--help").run();

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout().replaceAll("\\s+", " "))
                .contains("--strip")
                .contains("PODSTAGE_PREPROCESS_STRIP")
                .contains("Default: none")
                .contains("--chunk-tokens")
                .contains("Default: 512")
                .contains("--chunk-overlap")
                .contains("Default: 64")
                .contains("--price-input-per-1k")
                .contains("--expected-output-tokens")
                .contains("Default: 256");
        // Every key the mapping declares: its option with its environment variable, or none if env-only.
        String listed = help.stdout().replaceAll("\\s+", " ");
        for (MappingKey key : MappingKeys.of(PreprocessConfig.class, PreprocessConfig.PREFIX)) {
            if (key.envOnly()) {
                assertThat(listed).doesNotContain("--" + key.name() + "=");
            } else {
                assertThat(listed).contains("--" + key.name() + "=", key.envName());
            }
        }
    }

    @Test
    void aByteOrderMarkBeforeTheFirstDocumentCostsNoDocument() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] docs = "{\"id\":\"first\",\"text\":\"One.\"}\n{\"id\":\"second\",\"text\":\"Two.\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[bom.length + docs.length];
        System.arraycopy(bom, 0, file, 0, bom.length);
        System.arraycopy(docs, 0, file, bom.length, docs.length);
        Files.write(input(), file);

        StageProcess.Result run = preprocess().run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output()))
                .extracting(c -> c.path("doc_id").asText())
                .containsExactly("first", "second");
        assertThat(run.xcom().path("rejects").asLong()).isZero();
    }
}
