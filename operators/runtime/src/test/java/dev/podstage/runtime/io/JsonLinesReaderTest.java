package dev.podstage.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesReaderTest {

    @TempDir
    Path dir;

    @Test
    void acceptsRecordsAndRejectsEachBadLineWithItsNumber() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"id\":\"a\",\"text\":\"x\"}\r\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("\n".getBytes(StandardCharsets.UTF_8)); // blank: skipped, not rejected
        bytes.writeBytes("{\"id\":1}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {'{', (byte) 0xFF, '}', '\n'});
        bytes.writeBytes("{\"id\":\"b\"} trailing\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\":\"c\"}".getBytes(StandardCharsets.UTF_8)); // no final newline
        Path input = Files.write(dir.resolve("in.jsonl"), bytes.toByteArray());
        Path output = dir.resolve("out.jsonl");

        List<String> ids = new ArrayList<>();
        try (Rejects rejects = new Rejects(output);
                JsonLinesReader reader = new JsonLinesReader(input, rejects)) {
            JsonRecord record;
            while ((record = reader.next()) != null) {
                ids.add(record.id() + "@" + record.line());
            }
            assertThat(rejects.count()).isEqualTo(3);
            rejects.commit();
        }

        assertThat(ids).containsExactly("a@1", "c@6");
        List<JsonNode> rejected = new ArrayList<>();
        for (String line : Files.readAllLines(Rejects.pathFor(output))) {
            rejected.add(Json.MAPPER.readTree(line));
        }
        assertThat(rejected).extracting(r -> r.get("line").asInt()).containsExactly(3, 4, 5);
        assertThat(rejected.get(0).get("reason").asText()).contains("'id'");
        assertThat(rejected.get(1).get("reason").asText()).isEqualTo("not valid UTF-8");
        assertThat(rejected.get(2).get("reason").asText()).contains("not valid JSON");
        assertThat(StageInputs.scan(input).lines()).isEqualTo(5);
        assertThat(StageInputs.scan(input).digest()).hasSize(64);
    }

    @Test
    void aUtf8ByteOrderMarkBeforeTheFirstRecordIsNotPartOfIt() throws Exception {
        // What editors on Windows and Excel's "CSV UTF-8"-style exports put first; ingest drops it too.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.writeBytes("{\"id\":\"first\",\"text\":\"x\"}\n{\"id\":\"second\"}\n".getBytes(StandardCharsets.UTF_8));
        Path input = Files.write(dir.resolve("bom.jsonl"), bytes.toByteArray());

        List<String> ids = new ArrayList<>();
        try (Rejects rejects = new Rejects(dir.resolve("out.jsonl"));
                JsonLinesReader reader = new JsonLinesReader(input, rejects)) {
            JsonRecord record;
            while ((record = reader.next()) != null) {
                ids.add(record.id() + "@" + record.line());
            }
            assertThat(rejects.count()).isZero();
        }
        assertThat(ids).containsExactly("first@1", "second@2");
    }

    @Test
    void aByteOrderMarkAfterTheFirstLineIsTheRecordsProblem() throws Exception {
        Path input = Files.writeString(dir.resolve("late-bom.jsonl"), "{\"id\":\"a\"}\n\uFEFF{\"id\":\"b\"}\n");
        try (Rejects rejects = new Rejects(dir.resolve("out.jsonl"));
                JsonLinesReader reader = new JsonLinesReader(input, rejects)) {
            assertThat(reader.next().id()).isEqualTo("a");
            assertThat(reader.next()).isNull();
            assertThat(rejects.count()).isEqualTo(1); // only a file starts with a byte order mark
        }
    }

    @Test
    void anIdThatIsNotUnicodeTextIsRejectedNotMangledOnEitherParsingPath() throws Exception {
        // Two ids that differ only in their lone surrogate would both become "?" in UTF-8: one id for two records.
        Path input = Files.writeString(
                dir.resolve("ids.jsonl"),
                "{\"id\":\"a\\ud800\"}\n"
                        + "{\"id\":\"a\\udfff\",\"text\":\"caf\u00e9\"}\n" // not ASCII: Jackson's path
                        + "{\"id\":\"pair \\ud83d\\ude00\"}\n");
        List<String> ids = new ArrayList<>();
        try (Rejects rejects = new Rejects(dir.resolve("out.jsonl"));
                JsonLinesReader reader = new JsonLinesReader(input, rejects)) {
            JsonRecord record;
            while ((record = reader.next()) != null) {
                ids.add(record.id());
            }
            assertThat(rejects.count()).isEqualTo(2);
            rejects.commit();
        }
        assertThat(ids).containsExactly("pair \ud83d\ude00");
        assertThat(Files.readAllLines(Rejects.pathFor(dir.resolve("out.jsonl"))))
                .extracting(line -> Json.MAPPER.readTree(line).get("reason").asText())
                .containsExactly(
                        "id is not Unicode text: a lone surrogate \\uD800 at character 2",
                        "id is not Unicode text: a lone surrogate \\uDFFF at character 2");
    }

    @Test
    void asciiLinesAreParsedFromTheirBytesAndOthersFromTheirDecodedText() throws Exception {
        Path input = Files.writeString(
                dir.resolve("in.jsonl"),
                "{\"id\":\"a\",\"text\":\"plain\"}\n"
                        + "{\"id\":\"b\",\"text\":\"caf\u00e9 \ud83d\ude00\"}\n"
                        + " \t \n"
                        + "[1, 2]\n"
                        + "{\"id\":\"\u00e9\"} \u00e9\n",
                StandardCharsets.UTF_8);
        Path output = dir.resolve("out.jsonl");

        List<JsonRecord> records = readAll(input, output);

        assertThat(records).extracting(JsonRecord::id).containsExactly("a", "b");
        assertThat(records.get(1).text("text")).isEqualTo("caf\u00e9 \ud83d\ude00");
        List<JsonNode> rejected = new ArrayList<>();
        for (String line : Files.readAllLines(Rejects.pathFor(output))) {
            rejected.add(Json.MAPPER.readTree(line));
        }
        assertThat(rejected).extracting(r -> r.get("line").asInt()).containsExactly(4, 5);
        assertThat(rejected.get(0).get("reason").asText()).isEqualTo("not a JSON object");
        assertThat(rejected.get(0).get("raw").asText()).isEqualTo("[1, 2]");
        assertThat(rejected.get(1).get("reason").asText()).contains("not valid JSON");
        assertThat(rejected.get(1).get("raw").asText()).isEqualTo("{\"id\":\"\u00e9\"} \u00e9");
    }

    /** Plain lines skip Jackson (JsonObjectScanner); what a stage reads from them must not change. */
    @Test
    void scannedLinesReadAsJacksonReadsThemAndFaultsAreStillNamed() throws Exception {
        String escaped = "{\"id\":\"e\\u0031\",\"text\":\"say \\\"hi\\\"\\n\",\"meta\":{\"n\":[1,2.5e3]},\"k\":7}";
        Path input = Files.writeString(
                dir.resolve("in.jsonl"),
                escaped + "\n"
                        + "{\"id\":\"d\",\"text\":\"x\",\"text\":\"y\"}\n" // duplicate key: Jackson rejects it
                        + "{\"id\":\"\",\"text\":\"x\"}\n" // empty id
                        + "{\"id\":\"t\"}  {}\n",
                StandardCharsets.US_ASCII); // trailing content
        Path output = dir.resolve("out.jsonl");

        List<JsonRecord> records = readAll(input, output);

        assertThat(records).hasSize(1);
        JsonRecord record = records.get(0);
        assertThat(record.id()).isEqualTo("e1");
        assertThat(record.text("text")).isEqualTo("say \"hi\"\n");
        assertThat(record.text("k")).isNull();
        assertThat(record.text("meta")).isNull();
        assertThat(record.fields()).isEqualTo(Json.MAPPER.readTree(escaped));
        List<JsonNode> rejected = new ArrayList<>();
        for (String line : Files.readAllLines(Rejects.pathFor(output))) {
            rejected.add(Json.MAPPER.readTree(line));
        }
        assertThat(rejected).extracting(r -> r.get("line").asInt()).containsExactly(2, 3, 4);
        assertThat(rejected.get(0).get("reason").asText())
                .contains("not valid JSON")
                .contains("Duplicate field 'text'");
        assertThat(rejected.get(1).get("reason").asText()).isEqualTo("missing string field 'id'");
        assertThat(rejected.get(2).get("reason").asText()).contains("not valid JSON");
    }

    /** Every record the reader accepts; its rejects are committed next to {@code output}. */
    private static List<JsonRecord> readAll(Path input, Path output) {
        List<JsonRecord> records = new ArrayList<>();
        try (Rejects rejects = new Rejects(output);
                JsonLinesReader reader = new JsonLinesReader(input, rejects)) {
            JsonRecord record;
            while ((record = reader.next()) != null) {
                records.add(record);
            }
            rejects.commit();
        }
        return records;
    }

    @Test
    void aRunWithoutRejectsRemovesAStaleRejectsFile() throws Exception {
        Path output = dir.resolve("out.jsonl");
        Files.writeString(Rejects.pathFor(output), "{\"line\":1}\n");
        try (Rejects rejects = new Rejects(output)) {
            rejects.commit();
        }
        assertThat(Rejects.pathFor(output)).doesNotExist();
    }
}
