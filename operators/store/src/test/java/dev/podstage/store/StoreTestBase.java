package dev.podstage.store;

import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import dev.podstage.testkit.TestSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test class writes into a PostgreSQL schema of its own (the stage reaches it through
 * {@code ?search_path=} in PODSTAGE_DB_URL), so its tables start empty and the first run creates
 * them; each test uses ids of its own within it.
 */
abstract class StoreTestBase {

    @RegisterExtension
    static final TestSchema db = new TestSchema("store_it");

    @TempDir
    Path dir;

    final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + "-";

    Path receipt() {
        return dir.resolve("receipt.jsonl");
    }

    /** The stage with the ledger/store database in this class's schema and a receipt in the test's directory. */
    StageProcess store(String... args) {
        return StageProcess.of(dir)
                .withLedger()
                .env("PODSTAGE_DB_URL", db.dbUrl())
                .args("--output", receipt().toString())
                .args(args);
    }

    /** {@code count} chunks of {@code dim} floats, ten per document, ids {@code <prefix>doc<n>#<i>}. */
    Path chunks(String name, int count, int dim) {
        return JsonLines.write(dir.resolve(name), count, i -> chunk(i, dim, "text " + i));
    }

    Map<String, Object> chunk(int i, int dim, String text) {
        List<Double> embedding = new ArrayList<>();
        for (int d = 0; d < dim; d++) {
            embedding.add(Math.round(Math.sin(i * 31.0 + d) * 1e6) / 1e6);
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", prefix + "doc" + i / 10 + "#" + i % 10);
        record.put("doc_id", prefix + "doc" + i / 10);
        record.put("chunk_index", i % 10);
        record.put("text", text);
        record.put("embedding", embedding);
        record.put("model", "all-MiniLM-L6-v2");
        record.put("metadata", Map.of("source", "file-" + i / 10 + ".txt"));
        return record;
    }
}
