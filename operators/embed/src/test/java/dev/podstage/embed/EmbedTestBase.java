package dev.podstage.embed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test: a temp directory and a tag of its own for its texts, so cache entries (keyed by
 * content) never leak between tests sharing the real Redis.
 */
abstract class EmbedTestBase {

    @TempDir
    Path dir;

    final String tag = UUID.randomUUID().toString().substring(0, 8);

    Path input() {
        return dir.resolve("in.jsonl");
    }

    Path output() {
        return dir.resolve("out.jsonl");
    }

    /** The stage with this test's input and output, and a work directory inside the temp directory. */
    StageProcess embed(String... args) {
        return StageProcess.of(dir)
                .args(
                        "--input",
                        input().toString(),
                        "--output",
                        output().toString(),
                        "--work-dir",
                        dir.resolve("work").toString())
                .args(args);
    }

    static float[] vector(JsonNode record) {
        JsonNode embedding = record.path("embedding");
        float[] v = new float[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = embedding.get(i).floatValue();
        }
        return v;
    }

    static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
