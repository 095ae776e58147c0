package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.config.MappingKey;
import dev.podstage.runtime.config.MappingKeys;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestRejectsIT extends IngestTestBase {

    @Test
    void corruptCsvRowsGoToRejectsWithRowLineAndReason() throws Exception {
        Files.createDirectories(in(""));
        Files.writeString(
                in("rows.csv"),
                "id,text,lang\n"
                        + "1,good,en\n"
                        + "2,too,many,fields\n"
                        + "3,bad\"quote,en\n"
                        + "4,\"never closed,en\n"
                        + "5,\"also good\",fr\n"
                        + "6,short\n",
                StandardCharsets.UTF_8);

        StageProcess.Result run = ingest("--input", in("rows.csv").toString(), "--max-reject-ratio", "0.9")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(allRecords(run)).extracting(r -> r.path("id").asText()).containsExactlyInAnyOrder("1", "5");
        List<JsonNode> rejects = JsonLines.read(rejectsFile());
        assertThat(rejects).extracting(r -> r.path("line").asInt()).containsExactly(3, 4, 5, 7);
        assertThat(rejects.get(0).path("reason").asText())
                .isEqualTo("rows.csv row 2 (line 3): 4 fields, but the header has 3");
        assertThat(rejects.get(0).path("raw").asText()).isEqualTo("2,too,many,fields");
        assertThat(rejects.get(1).path("reason").asText()).contains("row 3").contains("stray quote");
        assertThat(rejects.get(2).path("reason").asText()).contains("row 4").contains("unbalanced quote");
        assertThat(rejects.get(3).path("reason").asText()).contains("row 6").contains("2 fields, but the header has 3");
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("records_in").asLong()).isEqualTo(6);
        assertThat(xcom.path("rejects").asLong()).isEqualTo(4);
        assertThat(xcom.path("rejects_uri").asText()).endsWith("/out.rejects.jsonl");
    }

    @Test
    void aBinaryFileIsOneRejectNamingIt() throws Exception {
        Files.createDirectories(in("docs"));
        Files.writeString(in("docs/ok.txt"), "fine text");
        Files.write(in("docs/image.txt"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13});
        Files.write(in("docs/latin1.md"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(in("docs/utf16.jsonl"), "{\"id\":\"x\",\"text\":\"y\"}\n".getBytes(StandardCharsets.UTF_16LE));

        StageProcess.Result run = ingest("--input", in("docs").toString(), "--max-reject-ratio", "1")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(allRecords(run)).extracting(r -> r.path("text").asText()).containsExactly("fine text");
        List<JsonNode> rejects = JsonLines.read(rejectsFile());
        assertThat(rejects)
                .extracting(r -> r.path("reason").asText())
                .satisfiesExactlyInAnyOrder(
                        r -> assertThat(r)
                                .startsWith(
                                        "docs/image.txt: binary file (NUL byte at offset 8, line 3; 1 of 3 lines read as text)"),
                        r -> assertThat(r).startsWith("docs/latin1.md: not valid UTF-8 (at offset 3)"),
                        r -> assertThat(r)
                                .startsWith(
                                        "docs/utf16.jsonl: binary file (NUL byte at offset 1, line 1; 0 of 2 lines read as text)"));
        assertThat(run.xcom().path("records_in").asLong()).isEqualTo(4);
    }

    @Test
    void aNulByteInOneLineIsThatLinesRejectNotTheFiles() throws Exception {
        Files.createDirectories(in(""));
        Files.writeString(
                in("records.jsonl"),
                "{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"b\",\"text\":\"t\u0000wo\"}\n{\"id\":\"c\",\"text\":\"three\"}\n");
        Files.writeString(in("rows.csv"), "id,text\nd,four\ne,fi\u0000ve\nf,six\n");

        StageProcess.Result run =
                ingest("--input", in("").toString(), "--max-reject-ratio", "1").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(allRecords(run))
                .extracting(r -> r.path("id").asText())
                .containsExactlyInAnyOrder("a", "c", "d", "f");
        assertThat(JsonLines.read(rejectsFile()))
                .extracting(r -> r.path("reason").asText())
                .satisfiesExactlyInAnyOrder(
                        r -> assertThat(r).endsWith("records.jsonl line 2: NUL byte at character 20: not text"),
                        r -> assertThat(r).endsWith("rows.csv row 2 (line 3): NUL byte at character 5: not text"));
    }

    @Test
    void anIdThatIsNotUnicodeTextIsRejectedAsEveryStageRejectsIt() throws Exception {
        Files.createDirectories(in(""));
        Files.writeString(
                in("ids.jsonl"),
                "{\"id\":\"x\\ud800\",\"text\":\"one\"}\n{\"id\":\"x\\udbff\",\"text\":\"two\"}\n"
                        + "{\"id\":\"ok\",\"text\":\"three\"}\n");

        StageProcess.Result run = ingest("--input", in("ids.jsonl").toString(), "--max-reject-ratio", "1")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(allRecords(run)).extracting(r -> r.path("id").asText()).containsExactly("ok");
        assertThat(JsonLines.read(rejectsFile()))
                .extracting(r -> r.path("reason").asText())
                .containsExactly(
                        "ids.jsonl line 1: field 'id': id is not Unicode text: a lone surrogate \\uD800 at character 2",
                        "ids.jsonl line 2: field 'id': id is not Unicode text: a lone surrogate \\uDBFF at character 2");
    }

    @Test
    void badJsonLinesGoToRejectsWithLineNumbers() throws Exception {
        Files.createDirectories(in(""));
        Files.write(
                in("mixed.jsonl"),
                List.of(
                        "{\"id\":\"a\",\"text\":\"fine\"}",
                        "{\"id\":\"b\",\"text\":",
                        "[1,2]",
                        "{\"id\":\"c\"}",
                        "{\"id\":\"d\",\"text\":42}",
                        "{\"id\":{\"x\":1},\"text\":\"object id\"}"));
        Files.write(
                in("mixed.jsonl"),
                new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}', '\n'},
                java.nio.file.StandardOpenOption.APPEND);

        StageProcess.Result run = ingest("--input", in("mixed.jsonl").toString(), "--max-reject-ratio", "0.9")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> rejects = JsonLines.read(rejectsFile());
        assertThat(rejects).extracting(r -> r.path("line").asInt()).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(rejects.get(0).path("reason").asText()).startsWith("mixed.jsonl line 2: not valid JSON");
        assertThat(rejects.get(1).path("reason").asText()).endsWith("not a JSON object");
        assertThat(rejects.get(2).path("reason").asText()).endsWith("missing string field 'text'");
        assertThat(rejects.get(3).path("reason").asText()).endsWith("field 'text' is not a string");
        assertThat(rejects.get(4).path("reason").asText()).endsWith("field 'id' is neither a string nor an integer");
        assertThat(rejects.get(5).path("reason").asText()).endsWith("not valid UTF-8");
        assertThat(run.xcom().path("records_in").asLong()).isEqualTo(7);
        assertThat(run.xcom().path("records_out").asLong()).isEqualTo(1);
    }

    @Test
    void aCsvWithoutTheTextColumnIsAConfigurationErrorNamingKeyAndColumns() throws Exception {
        Files.createDirectories(in(""));
        Files.writeString(in("people.csv"), "id,name,city\n1,Ann,Oslo\n", StandardCharsets.UTF_8);

        StageProcess.Result missingText =
                ingest("--input", in("people.csv").toString()).run();
        StageProcess.Result missingId = ingest(
                        "--input", in("people.csv").toString(), "--text-field", "name", "--id-field", "key")
                .run();

        assertThat(missingText.exitCode()).as(missingText.toString()).isEqualTo(2);
        assertThat(missingText.logs())
                .contains("podstage.ingest.text-field='text'")
                .contains("id, name, city");
        assertThat(missingId.exitCode()).as(missingId.toString()).isEqualTo(2);
        assertThat(missingId.logs()).contains("podstage.ingest.id-field='key'");
        assertThat(out().resolve(Manifest.NAME)).doesNotExist();
    }

    @Test
    void tooManyRejectsFailWithExitCode3AfterWritingWhatWasGood() throws Exception {
        Files.createDirectories(in(""));
        Files.write(in("bad.jsonl"), List.of("{\"id\":\"a\",\"text\":\"ok\"}", "nope", "still nope"));

        StageProcess.Result run = ingest("--input", in("bad.jsonl").toString()).run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.logs()).contains("podstage.max-reject-ratio");
        assertThat(JsonLines.read(rejectsFile())).hasSize(2);
    }

    @Test
    void badConfigurationExits2BeforeAnyWork() throws Exception {
        Files.createDirectories(in("docs"));
        Files.writeString(in("docs/a.txt"), "x");

        StageProcess.Result insideInput =
                ingestTo(in("docs/out"), "--input", in("docs").toString()).run();
        StageProcess.Result noInput = ingest().run();
        StageProcess.Result missing =
                ingest("--input", in("nothing-here").toString()).run();
        StageProcess.Result badShards =
                ingest("--input", in("docs").toString(), "--shards", "0").run();
        StageProcess.Result badDelimiter = ingest("--input", in("docs").toString(), "--csv-delimiter", "ab")
                .run();
        StageProcess.Result badFormat =
                ingest("--input", in("docs").toString(), "--format", "xml").run();

        assertThat(insideInput.exitCode()).isEqualTo(2);
        assertThat(insideInput.logs()).contains("podstage.output").contains("outside the input directory");
        assertThat(noInput.exitCode()).isEqualTo(2);
        assertThat(noInput.logs()).contains("podstage.input");
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.logs()).contains("does not exist");
        assertThat(badShards.exitCode()).isEqualTo(2);
        assertThat(badShards.logs()).contains("podstage.ingest.shards='0'");
        assertThat(badDelimiter.exitCode()).isEqualTo(2);
        assertThat(badDelimiter.logs()).contains("podstage.ingest.csv-delimiter='ab'");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.logs()).contains("podstage.ingest.format").contains("xml");
        assertThat(out()).doesNotExist();
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndDefault() {
        StageProcess.Result help = ingest("--help").run();

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout())
                .contains("--shards")
                .contains("PODSTAGE_INGEST_SHARDS")
                .contains("--shard-size")
                .contains("Default: 10000")
                .contains("--max-map-length")
                .contains("PODSTAGE_INGEST_MAX_MAP_LENGTH")
                .contains("Default: 1024")
                .contains("--id-field")
                .contains("--text-field")
                .contains("--format")
                .contains("--fetch-retries");
        // Every key the mapping declares: its option with its environment variable, or none if env-only.
        String listed = help.stdout().replaceAll("\\s+", " ");
        for (MappingKey key : MappingKeys.of(IngestConfig.class, IngestConfig.PREFIX)) {
            if (key.envOnly()) {
                assertThat(listed).doesNotContain("--" + key.name() + "=");
            } else {
                assertThat(listed).contains("--" + key.name() + "=", key.envName());
            }
        }
    }
}
