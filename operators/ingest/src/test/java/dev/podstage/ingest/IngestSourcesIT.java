package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.StageProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IngestSourcesIT extends IngestTestBase {

    private static Map<String, JsonNode> byId(List<JsonNode> records) {
        return records.stream().collect(Collectors.toMap(r -> r.path("id").asText(), Function.identity()));
    }

    @Test
    void jsonLinesRecordsKeepIdAndTextAndCarryEveryOtherFieldAsMetadata() throws Exception {
        Files.createDirectories(in(""));
        Files.write(
                in("docs.jsonl"),
                List.of(
                        "{\"id\":\"a\",\"text\":\"alpha\",\"lang\":\"en\",\"tags\":[\"x\"]}",
                        "",
                        "{\"id\":7,\"text\":\"numeric id\",\"metadata\":{\"lang\":\"fr\"},\"lang\":\"ignored\"}",
                        "{\"text\":\"no id here\",\"lang\":\"de\"}"));

        StageProcess.Result run =
                ingest("--input", in("docs.jsonl").toString(), "--shards", "1").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, JsonNode> records = byId(allRecords(run));
        JsonNode a = records.get("a");
        assertThat(a.path("text").asText()).isEqualTo("alpha");
        assertThat(a.path("source").path("file").asText()).isEqualTo("docs.jsonl");
        assertThat(a.path("source").path("line").asInt()).isEqualTo(1);
        assertThat(a.path("metadata").path("lang").asText()).isEqualTo("en");
        assertThat(a.path("metadata").path("tags").get(0).asText()).isEqualTo("x");
        assertThat(a.path("metadata").has("id")).isFalse();
        assertThat(records.get("7").path("metadata").path("lang").asText()).isEqualTo("fr");
        assertThat(records.get("7").path("source").path("line").asInt()).isEqualTo(3);
        JsonNode generated = records.values().stream()
                .filter(r -> r.path("text").asText().equals("no id here"))
                .findFirst()
                .orElseThrow();
        assertThat(generated.path("id").asText()).matches("sha256:[0-9a-f]{16}");
        assertThat(run.xcom().path("generated_ids").asLong()).isEqualTo(1);
        assertThat(run.xcom().path("records_out").asLong()).isEqualTo(3);
    }

    @Test
    void jsonLinesFieldsCanBeMapped() throws Exception {
        Files.createDirectories(in(""));
        Files.write(in("docs.ndjson"), List.of("{\"doc\":\"d1\",\"body\":\"the body\",\"text\":\"not this\"}"));

        StageProcess.Result run = ingest(
                        "--input", in("docs.ndjson").toString(), "--id-field", "doc", "--text-field", "body")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode record = allRecords(run).get(0);
        assertThat(record.path("id").asText()).isEqualTo("d1");
        assertThat(record.path("text").asText()).isEqualTo("the body");
        assertThat(record.path("metadata").path("text").asText()).isEqualTo("not this");
    }

    @Test
    void csvRowsBecomeRecordsWithTheOtherColumnsAsMetadata() throws Exception {
        Files.createDirectories(in(""));
        Files.writeString(
                in("people.csv"),
                "key, body ,city\r\n"
                        + "p1,\"Hello, world\",Paris\r\n"
                        + "p2,\"Line one\nline two\",\"Saint \"\"Quote\"\"\"\r\n",
                StandardCharsets.UTF_8);

        StageProcess.Result run = ingest(
                        "--input", in("people.csv").toString(), "--id-field", "key", "--text-field", "body")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, JsonNode> records = byId(allRecords(run));
        assertThat(records).containsOnlyKeys("p1", "p2");
        assertThat(records.get("p1").path("text").asText()).isEqualTo("Hello, world");
        assertThat(records.get("p1").path("metadata").path("city").asText()).isEqualTo("Paris");
        assertThat(records.get("p1").path("metadata").size()).isEqualTo(1);
        assertThat(records.get("p1").path("source").path("row").asInt()).isEqualTo(1);
        assertThat(records.get("p2").path("text").asText()).isEqualTo("Line one\nline two");
        assertThat(records.get("p2").path("metadata").path("city").asText()).isEqualTo("Saint \"Quote\"");
        assertThat(records.get("p2").path("source").path("line").asInt()).isEqualTo(3);
    }

    @Test
    void tsvFilesAndCsvWithoutIdColumnWork() throws Exception {
        Files.createDirectories(in(""));
        Files.writeString(in("a.tsv"), "id\ttext\nt1\tcomma, inside\n", StandardCharsets.UTF_8);
        Files.writeString(in("b.csv"), "text;lang\nbonjour;fr\n", StandardCharsets.UTF_8);

        StageProcess.Result tsv = ingest("--input", in("a.tsv").toString()).run();
        StageProcess.Result semicolons = ingestTo(
                        dir.resolve("out2"), "--input", in("b.csv").toString(), "--csv-delimiter", ";")
                .run();

        assertThat(tsv.exitCode()).as(tsv.toString()).isZero();
        assertThat(allRecords(tsv).get(0).path("text").asText()).isEqualTo("comma, inside");
        assertThat(semicolons.exitCode()).as(semicolons.toString()).isZero();
        JsonNode record = allRecords(semicolons).get(0);
        assertThat(record.path("id").asText()).startsWith("sha256:");
        assertThat(record.path("metadata").path("lang").asText()).isEqualTo("fr");
        assertThat(semicolons.xcom().path("generated_ids").asLong()).isEqualTo(1);
    }

    @Test
    void aDirectoryOfTextAndMarkdownFilesGivesOneDocumentPerFileInSortedOrder() throws Exception {
        Files.createDirectories(in("notes/sub"));
        Files.writeString(in("notes/b.md"), "# Title\n\nSome *markdown*.\n");
        Files.writeString(in("notes/a.txt"), "\uFEFFplain text\nsecond line\n");
        Files.writeString(in("notes/sub/c.html"), "<p>html</p>");
        Files.writeString(in("notes/.hidden.txt"), "hidden");
        Files.writeString(in("notes/picture.png"), "not read");
        Files.writeString(in("notes/empty.txt"), "");

        StageProcess.Result run =
                ingest("--input", in("notes").toString(), "--shards", "1").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> records = allRecords(run);
        assertThat(records)
                .extracting(r -> r.path("source").path("file").asText())
                .containsExactlyInAnyOrder("notes/a.txt", "notes/b.md", "notes/empty.txt", "notes/sub/c.html");
        Map<String, JsonNode> byFile = records.stream()
                .collect(Collectors.toMap(r -> r.path("source").path("file").asText(), Function.identity()));
        assertThat(byFile.get("notes/a.txt").path("text").asText()).isEqualTo("plain text\nsecond line\n");
        assertThat(byFile.get("notes/a.txt").path("metadata").path("format").asText())
                .isEqualTo("text");
        assertThat(byFile.get("notes/b.md").path("text").asText()).isEqualTo("# Title\n\nSome *markdown*.\n");
        assertThat(byFile.get("notes/b.md").path("metadata").path("format").asText())
                .isEqualTo("markdown");
        assertThat(byFile.get("notes/sub/c.html")
                        .path("metadata")
                        .path("format")
                        .asText())
                .isEqualTo("html");
        assertThat(records).allSatisfy(r -> assertThat(r.path("id").asText()).matches("sha256:[0-9a-f]{16}"));
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("generated_ids").asLong()).isEqualTo(4);
        assertThat(xcom.path("metrics").path("skipped_files").asInt()).isEqualTo(1);
        assertThat(run.logs()).contains("notes/picture.png");
    }

    @Test
    void documentIdsDependOnContentNotOnFileNames() throws Exception {
        Files.createDirectories(in("one"));
        Files.createDirectories(in("two"));
        Files.writeString(in("one/x.txt"), "the same words");
        Files.writeString(in("two/renamed.txt"), "the same words");

        StageProcess.Result first = ingest("--input", in("one").toString()).run();
        StageProcess.Result second =
                ingestTo(dir.resolve("out2"), "--input", in("two").toString()).run();

        assertThat(first.exitCode()).isZero();
        assertThat(second.exitCode()).isZero();
        assertThat(allRecords(first).get(0).path("id"))
                .isEqualTo(allRecords(second).get(0).path("id"));
    }

    @Test
    void anExplicitFormatReadsFilesWhatEverTheirExtension() throws Exception {
        Files.createDirectories(in(""));
        Files.writeString(in("data.log"), "{\"id\":\"l1\",\"text\":\"from a log\"}\n");

        StageProcess.Result unknown =
                ingest("--input", in("data.log").toString()).run();
        StageProcess.Result explicit = ingest("--input", in("data.log").toString(), "--format", "jsonl")
                .run();

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.logs()).contains("podstage.ingest.format").contains("data.log");
        assertThat(explicit.exitCode()).as(explicit.toString()).isZero();
        assertThat(allRecords(explicit).get(0).path("id").asText()).isEqualTo("l1");
    }
}
