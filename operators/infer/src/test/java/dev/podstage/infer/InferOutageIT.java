package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.testkit.Eventually;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that fails often, or not at all for a while, is waited for: the run finishes every record
 * once instead of ending at the first request no endpoint answered; only an outage longer than
 * {@code max-outage}, a SIGTERM or a budget ends it early.
 */
class InferOutageIT extends InferTestBase {

    @Test
    void anEndpointFailingFortyPercentInAssortedWaysStillAnswersEveryRecordOnce() {
        int records = 200;
        JsonLines.texts(input(), records, "chaos");
        sim.config()
                .seed(21)
                .failureRate(0.4)
                .retryAfterSeconds(1)
                .slowMs(600_000)
                .failureTypes(
                        "500", "502", "503", "429", "429-date", "error-200", "malformed", "truncated", "reset", "slow");

        StageProcess.Result run = infer(
                        "--protocol",
                        "openai-chat",
                        "--max-in-flight",
                        "8",
                        "--timeout",
                        "1s",
                        "--backoff-max",
                        "2s",
                        "--circuit-delay",
                        "2s")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        var ids = JsonLines.read(output()).stream()
                .map(r -> r.path("id").asText())
                .toList();
        assertThat(ids)
                .as("every record once")
                .hasSize(records)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, records).mapToObj(i -> "r" + i).toList());
        var stats = sim.stats();
        assertThat(stats.count("200")).as("one paid answer per record").isEqualTo(records);
        for (String fault : List.of("503", "429", "429-date", "error-200", "malformed", "truncated", "reset", "slow")) {
            assertThat(stats.count(fault)).as("the run met " + fault).isPositive();
        }
        assertThat(run.xcom().path("metrics").path("retries").asLong()).isPositive();
        assertThat(run.logs()).as("a successful run logs no ERROR").doesNotContain("ERROR");
    }

    @Test
    void rateLimitsDoNotOpenTheBreaker() {
        JsonLines.texts(input(), 10, "limited");
        sim.config().retryAfterSeconds(0);
        sim.failNext("429", 12);

        // A breaker that counted 429s would open after 4 of them and refuse calls for a minute.
        StageProcess.Result run = infer(
                        "--protocol",
                        "openai-chat",
                        "--max-in-flight",
                        "1",
                        "--max-retries",
                        "20",
                        "--backoff-max",
                        "50ms",
                        "--circuit-volume",
                        "4",
                        "--circuit-failure-ratio",
                        "0.5",
                        "--circuit-delay",
                        "60s",
                        "--max-outage",
                        "0s")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output())).hasSize(10);
        assertThat(sim.stats().count("429")).isEqualTo(12);
        assertThat(run.logs()).doesNotContain("is now OPEN");
    }

    @Test
    void anOpenBreakerOnTheLastEndpointIsWaitedOutNotHammered() {
        JsonLines.texts(input(), 20, "breaker");
        sim.config().retryAfterSeconds(0);
        sim.failNext("503", 6);

        // One request at a time, two attempts each: four 503s open the breaker, the waiting request's probes meet
        // the last two (reopening it each time), the next probe is answered and closes it.
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
                        "1s")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output())).hasSize(20);
        assertThat(sim.stats().requests())
                .as("six failures and one answer per record: refused calls never left")
                .isEqualTo(26);
        assertThat(run.logs())
                .contains("is now OPEN")
                .contains("is now HALF_OPEN")
                .contains("is now CLOSED")
                .doesNotContain("ERROR");
    }

    @Test
    void anOutageLongerThanMaxOutageEndsTheRunWithItsAnswersSaved() {
        JsonLines.texts(input(), 10, "outage");
        sim.config().retryAfterSeconds(0);
        sim.failNext("pass", 4);
        sim.failNext("503", -1);

        StageProcess.Result run = infer(
                        "--protocol",
                        "openai-chat",
                        "--max-in-flight",
                        "1",
                        "--max-retries",
                        "1",
                        "--circuit-delay",
                        "200ms",
                        "--max-outage",
                        "2s")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(75);
        assertThat(run.terminationMessage())
                .contains("every endpoint failed")
                .contains("no endpoint answered for")
                .contains("HTTP 503")
                .contains("podstage.infer.max-outage (PT2S)")
                .contains("4 records answered and saved");
    }

    @Test
    void aSigtermEndsTheWaitForADownEndpoint() throws InterruptedException {
        JsonLines.texts(input(), 10, "sigterm");
        sim.config().retryAfterSeconds(0);
        sim.failNext("pass", 3);
        sim.failNext("503", -1);
        StageProcess.Running running = infer(
                        "--protocol",
                        "openai-chat",
                        "--max-in-flight",
                        "2",
                        "--max-retries",
                        "0",
                        "--circuit-volume",
                        "2",
                        "--circuit-failure-ratio",
                        "1",
                        "--circuit-delay",
                        "10m",
                        "--max-outage",
                        "1h")
                .start();
        Eventually.await(
                "the breaker open and the run waiting",
                () -> running.logsSoFar().contains("is now OPEN"),
                Duration.ofSeconds(60));

        running.terminate();
        StageProcess.Result run = running.await(Duration.ofSeconds(60));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(75);
        assertThat(run.terminationMessage()).contains("stopped by SIGTERM").contains("3 records answered and saved");
        assertThat(run.logs())
                .as("the waiting requests stopped; none is reported as failed")
                .doesNotContain("every endpoint failed")
                .as("an orderly stop on a signal is a warning, not an error")
                .contains("WARN  [StageRunner] stopped by SIGTERM")
                .doesNotContain("ERROR");
    }
}
