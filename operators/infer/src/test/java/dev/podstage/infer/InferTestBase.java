package dev.podstage.infer;

import dev.podstage.sim.LlmSimulator;
import dev.podstage.sim.SimConfig;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test: a fresh simulator over real HTTP, a temp directory, and a model name of its own so
 * cache entries (keyed by model) never leak between tests sharing the real Redis.
 */
abstract class InferTestBase {

    @TempDir
    Path dir;

    LlmSimulator sim;
    final String model = "model-" + UUID.randomUUID();

    @BeforeEach
    void startSimulator() {
        sim = LlmSimulator.start(SimConfig.defaults().latencyMs(2));
    }

    @AfterEach
    void stopSimulator() {
        sim.close();
    }

    Path input() {
        return dir.resolve("in.jsonl");
    }

    Path output() {
        return dir.resolve("out.jsonl");
    }

    /** The stage with input, output, this test's simulator and model. */
    StageProcess infer(String... args) {
        return StageProcess.of(dir)
                .args(
                        "--input",
                        input().toString(),
                        "--output",
                        output().toString(),
                        "--endpoint",
                        sim.baseUrl(),
                        "--model",
                        model,
                        "--backoff-initial",
                        "10ms")
                .args(args);
    }
}
