package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.config.MappingKey;
import dev.podstage.runtime.config.MappingKeys;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code real[]} path, asked for explicitly: the test database has pgvector, which {@code auto} would pick. */
class StoreChunksIT extends StoreTestBase {

    @Override
    StageProcess store(String... args) {
        return super.store(args).args("--vector-type", "array");
    }

    @Test
    void theFirstRunCreatesTheSchemaRecordsItsVersionAndStoresEveryChunk() throws Exception {
        Path input = chunks("chunks.jsonl", 25, 384);

        StageProcess.Result run = store("--input", input.toString()).run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(db.strings(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1",
                        db.name()))
                .contains(
                        "podstage_chunks",
                        "podstage_documents",
                        "podstage_results",
                        "podstage_runs",
                        "podstage_schema");
        assertThat(db.count("SELECT version FROM podstage_schema WHERE component = 'store'"))
                .isEqualTo(StoreSchema.VERSION);
        assertThat(db.strings("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                        + " WHERE attrelid = to_regclass('podstage_chunks') AND attname = 'embedding'"))
                .containsExactly("real[]");
        assertThat(db.count("SELECT count(*) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(25);
        assertThat(db.count("SELECT count(*) FROM podstage_documents WHERE doc_id LIKE ?", prefix + "%"))
                .isEqualTo(3);

        JsonNode xcom = run.xcom();
        assertThat(xcom.path("status").asText()).isEqualTo("success");
        assertThat(xcom.path("schema_version").asInt()).isEqualTo(StoreSchema.VERSION);
        assertThat(xcom.path("embedding_storage").asText()).isEqualTo("float4[]");
        assertThat(xcom.path("records_in").asLong()).isEqualTo(25);
        assertThat(xcom.path("records_out").asLong()).isEqualTo(25);
        assertThat(xcom.path("tables").path("podstage_chunks").path("inserted").asLong())
                .isEqualTo(25);
        assertThat(xcom.path("tables")
                        .path("podstage_documents")
                        .path("inserted")
                        .asLong())
                .isEqualTo(3);
        assertThat(xcom.path("metrics").path("rows_per_s").asDouble()).isPositive();
        assertThat(JsonLines.ids(receipt())).containsExactly("podstage_documents", "podstage_chunks");

        // The vector arrives intact: same floats, same order.
        Map<String, Object> first = chunk(0, 384, "text 0");
        try (Connection c = db.jdbc();
                var q = c.prepareStatement("SELECT embedding, metadata->>'source' FROM podstage_chunks WHERE id = ?")) {
            q.setString(1, (String) first.get("id"));
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                Array stored = rs.getArray(1);
                Float[] floats = (Float[]) stored.getArray();
                @SuppressWarnings("unchecked")
                List<Double> expected = (List<Double>) first.get("embedding");
                assertThat(floats).hasSize(384);
                for (int d = 0; d < 384; d++) {
                    assertThat(floats[d]).isEqualTo(expected.get(d).floatValue());
                }
                assertThat(rs.getString(2)).isEqualTo("file-0.txt");
            }
        }
    }

    @Test
    void storingTheSameRecordsAgainLeavesOneRowPerKey() throws Exception {
        Path input = chunks("chunks.jsonl", 40, 16);
        StageProcess.Result first =
                store("--input", input.toString(), "--dimension", "16").run();
        assertThat(first.exitCode()).as(first.toString()).isZero();

        // Same job: the ledger returns the stored result.
        StageProcess.Result again =
                store("--input", input.toString(), "--dimension", "16").run();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.xcom().path("status").asText()).isEqualTo("already_done");

        // Another file with the same records shuffled, one twice and one changed: a real second upsert.
        List<String> lines = new ArrayList<>(Files.readAllLines(input));
        Collections.shuffle(lines, new java.util.Random(7));
        lines.add(lines.get(3));
        lines.add(JsonLines.MAPPER.writeValueAsString(chunk(5, 16, "text 5, edited")));
        Path shuffled = dir.resolve("shuffled.jsonl");
        Files.write(shuffled, lines);
        StageProcess.Result upsert =
                store("--input", shuffled.toString(), "--dimension", "16").run();

        assertThat(upsert.exitCode()).as(upsert.toString()).isZero();
        JsonNode chunks = upsert.xcom().path("tables").path("podstage_chunks");
        assertThat(chunks.path("inserted").asLong()).isZero();
        assertThat(chunks.path("updated").asLong()).isEqualTo(1);
        assertThat(chunks.path("unchanged").asLong()).isEqualTo(39);
        assertThat(upsert.xcom().path("records_in").asLong()).isEqualTo(42);
        assertThat(upsert.xcom().path("dropped").asLong())
                .as("records superseded by a later one of the same key")
                .isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(40);
        assertThat(db.strings(
                        "SELECT text FROM podstage_chunks WHERE id = ?",
                        chunk(5, 16, "").get("id")))
                .containsExactly("text 5, edited");
    }

    @Test
    void badRecordsGoToRejectsWithTheirLineAndReasonAndTheGoodOnesAreStored() throws Exception {
        Path input = dir.resolve("mixed.jsonl");
        List<String> lines = new ArrayList<>();
        lines.add(JsonLines.MAPPER.writeValueAsString(chunk(0, 4, "good")));
        lines.add("{\"id\":\"" + prefix
                + "x1\",\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[1,2,3],\"model\":\"m\"}");
        lines.add("{\"id\":\"" + prefix
                + "x2\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[1,2,3,4],\"model\":\"m\"}");
        lines.add("{\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[1,2,3,4],\"model\":\"m\"}");
        lines.add("not json");
        lines.add(
                "{\"id\":\"" + prefix
                        + "x3\",\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"a\\u0000b\",\"embedding\":[1,2,3,4],\"model\":\"m\"}");
        lines.add(JsonLines.MAPPER.writeValueAsString(chunk(1, 4, "good too")));
        Files.write(input, lines);

        StageProcess.Result run = store("--input", input.toString(), "--dimension", "4", "--max-reject-ratio", "0.9")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> rejects = JsonLines.read(dir.resolve("receipt.jsonl.rejects.jsonl"));
        assertThat(rejects).extracting(r -> r.path("line").asInt()).containsExactly(2, 3, 4, 5, 6);
        assertThat(rejects.get(0).path("reason").asText()).isEqualTo("embedding has 3 dimensions, expected 4");
        assertThat(rejects.get(1).path("reason").asText()).isEqualTo("missing string field 'doc_id'");
        assertThat(rejects.get(2).path("reason").asText()).contains("missing string field 'id'");
        assertThat(rejects.get(3).path("reason").asText()).contains("not valid JSON");
        assertThat(rejects.get(4).path("reason").asText()).contains("NUL");
        assertThat(run.xcom().path("rejects").asLong()).isEqualTo(5);
        assertThat(run.xcom().path("records_in").asLong()).isEqualTo(7);
        assertThat(run.xcom().path("rejects_uri").asText()).endsWith("receipt.jsonl.rejects.jsonl");
        assertThat(db.strings("SELECT id FROM podstage_chunks WHERE id LIKE ? ORDER BY id", prefix + "%"))
                .containsExactly(prefix + "doc0#0", prefix + "doc0#1");

        // Under the default ratio the same input fails with exit 3, after storing what was good.
        StageProcess.Result strict = store(
                        "--input",
                        input.toString(),
                        "--dimension",
                        "4",
                        "--output",
                        dir.resolve("strict.jsonl").toString())
                .run();
        assertThat(strict.exitCode()).as(strict.toString()).isEqualTo(3);
        assertThat(strict.logs()).contains("podstage.max-reject-ratio");
    }

    @Test
    void aRowTheDatabaseRefusesIsOneRejectWithItsLineAndTheRestOfItsBatchIsStored() throws Exception {
        // An id too long for the primary key's index (a btree entry holds at most ~2.7 kB): only PostgreSQL knows.
        StringBuilder longId = new StringBuilder(prefix);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = prefix.getBytes(StandardCharsets.UTF_8);
        while (longId.length() < 9000) { // hex of a hash chain: nothing for the index's compression to find
            block = sha.digest(block);
            longId.append(HexFormat.of().formatHex(block));
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            records.add(chunk(i, 4, "text " + i));
        }
        records.get(3).put("id", longId.toString());
        Path input = JsonLines.write(dir.resolve("long-id.jsonl"), records.size(), records::get);

        StageProcess.Result run = store("--input", input.toString(), "--dimension", "4", "--max-reject-ratio", "0.5")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> rejects = JsonLines.read(dir.resolve("receipt.jsonl.rejects.jsonl"));
        assertThat(rejects).extracting(r -> r.path("line").asInt()).containsExactly(4);
        assertThat(rejects.get(0).path("reason").asText())
                .startsWith("the database refused the row: ")
                .contains("index row")
                .contains("(SQLSTATE 54000)");
        assertThat(run.xcom().path("records_out").asLong()).isEqualTo(6);
        assertThat(db.count("SELECT count(*) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(6);
    }

    @Test
    void withoutADatabaseUrlTheStageExits2NamingIt() {
        Path input = chunks("chunks.jsonl", 3, 4);

        StageProcess.Result run = StageProcess.of(dir)
                .args("--input", input.toString(), "--output", receipt().toString())
                .run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.logs()).contains("podstage.db-url").contains("PODSTAGE_DB_URL");
        assertThat(receipt()).doesNotExist();
    }

    @Test
    void badOptionsExit2NamingTheKey() {
        Path input = chunks("chunks.jsonl", 3, 4);

        StageProcess.Result batch =
                store("--input", input.toString(), "--batch-size", "0").run();
        StageProcess.Result kind =
                store("--input", input.toString(), "--kind", "vectors").run();
        StageProcess.Result errors = store(
                        "--input",
                        input.toString(),
                        "--errors",
                        dir.resolve("r.jsonl").toString())
                .run();

        assertThat(batch.exitCode()).isEqualTo(2);
        assertThat(batch.logs()).contains("podstage.store.batch-size").contains("'0'");
        assertThat(kind.exitCode()).isEqualTo(2);
        assertThat(kind.logs()).contains("podstage.store.kind").contains("vectors");
        assertThat(errors.exitCode()).isEqualTo(2);
        assertThat(errors.logs()).contains("podstage.store.model");
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndDefault() {
        StageProcess.Result help = StageProcess.of(dir).args("--help").run();

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout())
                .contains("--batch-size")
                .contains("PODSTAGE_STORE_BATCH_SIZE")
                .contains("Default: 500")
                .contains("--kind")
                .contains("--errors")
                .contains("--vector-type")
                .contains("PODSTAGE_DB_URL");
        // Every key the mapping declares: its option with its environment variable, or none if env-only.
        String listed = help.stdout().replaceAll("\\s+", " ");
        for (MappingKey key : MappingKeys.of(StoreConfig.class, StoreConfig.PREFIX)) {
            if (key.envOnly()) {
                assertThat(listed).doesNotContain("--" + key.name() + "=");
            } else {
                assertThat(listed).contains("--" + key.name() + "=", key.envName());
            }
        }
    }
}
