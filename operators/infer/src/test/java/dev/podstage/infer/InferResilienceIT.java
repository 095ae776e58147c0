package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.sim.LlmSimulator;
import dev.podstage.sim.SimConfig;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferResilienceIT extends InferTestBase {

    @Test
    void failsOverToTheNextEndpointWhenThePrimaryIsDown() {
        JsonLines.texts(input(), 40, "failover");
        try (LlmSimulator fallback = LlmSimulator.start(SimConfig.defaults().latencyMs(2))) {
            sim.failNext("reset", -1); // primary: every connection reset

            StageProcess.Result run = infer(
                            "--protocol",
                            "inputs",
                            "--batch-size",
                            "4",
                            "--max-retries",
                            "1",
                            "--endpoint",
                            fallback.baseUrl())
                    .run();

            assertThat(run.exitCode()).as(run.toString()).isZero();
            var records = JsonLines.read(output());
            assertThat(records)
                    .hasSize(40)
                    .allSatisfy(r -> assertThat(r.path("endpoint").asText()).isEqualTo(fallback.baseUrl()));
            assertThat(fallback.stats().items()).isEqualTo(40);
            assertThat(run.xcom().path("metrics").path("failovers").asLong()).isPositive();
        }
    }

    @Test
    void connectionResetsThatRetriesRecoverFromAreCountedNotLoggedAsErrors() {
        JsonLines.texts(input(), 20, "resets");
        sim.failNext("reset", 5);

        // one request at a time, retries enough for the first batch to meet all five resets
        StageProcess.Result run = infer(
                        "--protocol",
                        "inputs",
                        "--batch-size",
                        "2",
                        "--max-in-flight",
                        "1",
                        "--max-retries",
                        "6",
                        "--backoff-initial",
                        "10ms")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output())).hasSize(20);
        assertThat(run.xcom().path("metrics").path("retries").asLong()).isEqualTo(5);
        assertThat(run.logs()).as("a successful run logs no ERROR").doesNotContain("ERROR");
    }

    @Test
    void honoursRetryAfterOn429() {
        sim.config().retryAfterSeconds(2);
        sim.failNext("429", 1);
        JsonLines.texts(input(), 1, "rate limited");

        StageProcess.Result run =
                infer("--protocol", "openai-chat", "--backoff-initial", "10ms").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sim.stats().count("429")).isEqualTo(1);
        assertThat(sim.stats().count("200")).isEqualTo(1);
        // Exponential backoff alone would wait ~10 ms; the server asked for 2 s.
        assertThat(JsonLines.read(output()).get(0).path("latency_ms").asLong()).isGreaterThanOrEqualTo(2000);
        assertThat(run.xcom().path("metrics").path("retries").asLong()).isEqualTo(1);
    }

    @Test
    void circuitBreakerStopsHammeringADeadEndpoint() {
        JsonLines.texts(input(), 40, "breaker");
        try (LlmSimulator fallback = LlmSimulator.start(SimConfig.defaults().latencyMs(2))) {
            sim.failNext("500", -1);

            StageProcess.Result run = infer(
                            "--protocol",
                            "openai-chat",
                            "--max-in-flight",
                            "1",
                            "--max-retries",
                            "1",
                            "--circuit-volume",
                            "4",
                            "--circuit-failure-ratio",
                            "0.5",
                            "--circuit-delay",
                            "60s",
                            "--endpoint",
                            fallback.baseUrl())
                    .run();

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(JsonLines.read(output())).hasSize(40);
            // Without a breaker: 40 requests × 2 attempts = 80 calls to the dead primary.
            assertThat(sim.stats().requests()).isLessThanOrEqualTo(6);
            assertThat(fallback.stats().requests()).isEqualTo(40);
        }
    }

    @Test
    void aHungEndpointTimesOutAndTheRetrySucceeds() {
        sim.failNext("hang", 1);
        JsonLines.texts(input(), 1, "hang once");

        StageProcess.Result run =
                infer("--protocol", "openai-chat", "--timeout", "500ms").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sim.stats().count("hang")).isEqualTo(1);
        assertThat(sim.stats().count("200")).isEqualTo(1);
        assertThat(JsonLines.read(output()).get(0).path("latency_ms").asLong()).isGreaterThanOrEqualTo(500);
    }

    @Test
    void malformedAnswersAreRetried() {
        sim.failNext("malformed", 2);
        JsonLines.texts(input(), 8, "malformed");

        StageProcess.Result run =
                infer("--protocol", "inputs", "--batch-size", "8").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sim.stats().count("malformed")).isEqualTo(2);
        assertThat(JsonLines.read(output())).hasSize(8);
    }

    @Test
    void anErrorInsideA200IsAnEndpointFailureSaidPlainly() {
        sim.failNext("error-200", 1);
        sim.failNext("pass", 1);
        sim.failNext("error-200", -1);
        JsonLines.texts(input(), 2, "error inside");

        StageProcess.Result run = infer(
                        "--protocol", "openai-chat", "--max-in-flight", "1", "--max-retries", "1", "--max-outage", "0s")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(75);
        assertThat(sim.stats().count("error-200"))
                .as("retried once, then failed twice")
                .isEqualTo(3);
        assertThat(run.terminationMessage())
                .contains("an error inside a 200")
                .contains("server_error")
                .contains("1 records answered and saved");
    }

    @Test
    void allEndpointsDownIsATransientFailureThatKeepsNothingHalfWritten() {
        sim.failNext("503", -1);
        sim.config().retryAfterSeconds(0);
        JsonLines.texts(input(), 10, "down");

        StageProcess.Result run = infer(
                        "--protocol", "inputs", "--batch-size", "5", "--max-retries", "1", "--max-outage", "0s")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(75);
        assertThat(output()).doesNotExist();
        assertThat(run.terminationMessage()).contains("every endpoint failed");
    }

    @Test
    void requestsTheEndpointRejectsAsInvalidBecomeRejects() {
        sim.failNext("400", -1);
        JsonLines.write(input(), 4, i -> Map.of("id", "r" + i, "text", "bad request " + i));

        StageProcess.Result run = infer("--protocol", "inputs", "--batch-size", "2", "--max-reject-ratio", "1")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sim.stats().requests()).as("a 400 is not retried").isEqualTo(2);
        var rejects = JsonLines.read(dir.resolve("out.jsonl.rejects.jsonl"));
        assertThat(rejects)
                .hasSize(4)
                .allSatisfy(r -> assertThat(r.path("reason").asText()).contains("endpoint rejected the request"));
        assertThat(rejects.stream().map(r -> r.path("line").asLong()).toList())
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    }
}
