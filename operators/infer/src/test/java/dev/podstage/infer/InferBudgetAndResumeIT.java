package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.testkit.Eventually;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.Services;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Files;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InferBudgetAndResumeIT extends InferTestBase {

    /** Chat at $1 per 1k output tokens: the simulator answers 16 tokens, so $0.016 a record. */
    private StageProcess pricedChat(String budget) {
        return infer(
                "--protocol",
                "openai-chat",
                "--max-in-flight",
                "2",
                "--max-tokens",
                "16",
                "--price-output-per-1k",
                "1",
                "--max-cost-usd",
                budget);
    }

    @Test
    void budgetStopsBeforeCrossingAndARerunResumesWithoutPayingTwice() {
        JsonLines.texts(input(), 40, "budget");

        StageProcess.Result stopped = pricedChat("0.2").run();

        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(4);
        assertThat(output()).as("no half output under the real name").doesNotExist();
        long paidFirst = sim.stats().items();
        assertThat(paidFirst).isBetween(1L, 12L); // 0.2 / 0.016 = 12.5
        assertThat(paidFirst * 0.016).isLessThanOrEqualTo(0.2);
        assertThat(stopped.logs()).contains("budget reached");

        StageProcess.Result resumed = pricedChat("1.0").run();

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(sim.stats().items())
                .as("each record paid once across both runs")
                .isEqualTo(40);
        assertThat(JsonLines.ids(output())).hasSize(40).doesNotHaveDuplicates();
        var metrics = resumed.xcom().path("metrics");
        assertThat(metrics.path("resumed").asLong()).isEqualTo(paidFirst);
        assertThat(metrics.path("cost_usd_total").asDouble())
                .isCloseTo(40 * 0.016, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(metrics.path("cost_usd_total").asDouble()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void withoutALedgerTheKeyComesLaterAndIsTheSame() {
        JsonLines.texts(input(), 12, "key");

        // No ledger: infer works its key out once its first requests are out, not before them.
        StageProcess.Result late =
                infer("--protocol", "inputs", "--batch-size", "4").run();
        // The ledger's claim needs the key before any work.
        StageProcess.Result first =
                infer("--protocol", "inputs", "--batch-size", "4").withLedger().run();

        assertThat(late.exitCode()).as(late.toString()).isZero();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(late.logs()).contains("idempotency ledger off");
        assertThat(late.xcom().path("job_key").asText())
                .hasSize(64)
                .isEqualTo(first.xcom().path("job_key").asText());
        assertThat(late.logs()).as("the total came with the key").contains("infer: 12/12 (100.0%)");
    }

    @Test
    void aRunStoppedBeforeItsFirstRequestStillMarksWhatItSavedForTheRerun() {
        // The cache knows the first 10 answers; the next 10 are new.
        JsonLines.texts(input(), 10, "stop");
        StageProcess.Result warm =
                pricedChat("1.0").env("PODSTAGE_REDIS_URL", Services.redisUrl()).run();
        assertThat(warm.exitCode()).as(warm.toString()).isZero();
        JsonLines.texts(input(), 20, "stop");
        sim.resetStats();

        // A zero budget: the cached answers are saved, the first request would cross it.
        StageProcess.Result stopped =
                pricedChat("0").env("PODSTAGE_REDIS_URL", Services.redisUrl()).run();

        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(4);
        assertThat(sim.stats().requests()).as("nothing was sent").isZero();

        StageProcess.Result resumed =
                pricedChat("1.0").env("PODSTAGE_REDIS_URL", Services.redisUrl()).run();

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        // The stopped run never needed its key for a request: it worked it out to mark its partial output.
        assertThat(resumed.xcom().path("metrics").path("resumed").asLong()).isEqualTo(10);
        assertThat(sim.stats().items()).isEqualTo(10);
        assertThat(JsonLines.ids(output())).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void completedJobReturnsItsStoredXComWithoutCalls() throws Exception {
        JsonLines.texts(input(), 12, "ledger");
        StageProcess.Result first =
                infer("--protocol", "inputs", "--batch-size", "4").withLedger().run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        String jobKey = first.xcom().path("job_key").asText();
        sim.resetStats();

        StageProcess.Result second =
                infer("--protocol", "inputs", "--batch-size", "4").withLedger().run();

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(sim.stats().requests()).isZero();
        assertThat(second.xcom().path("status").asText()).isEqualTo("already_done");
        assertThat(second.xcom().path("job_key").asText()).isEqualTo(jobKey);
        assertThat(second.xcom().path("records_out").asLong()).isEqualTo(12);
        try (var db = Services.jdbc();
                Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT status FROM podstage_ledger WHERE job_key = '" + jobKey + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("completed");
        }
    }

    @Test
    void aSecondClaimantOfARunningJobWaitsForItInsteadOfDuplicatingTheWork() throws Exception {
        JsonLines.texts(input(), 60, "claim");
        // Hold the first run at its third request (one at a time, no attempt timeout to end the wait) ...
        sim.failNext("pass", 2);
        sim.failNext("hang", 1);
        StageProcess.Running first = infer("--protocol", "openai-chat", "--max-in-flight", "1", "--timeout", "600s")
                .withLedger()
                .start();
        Eventually.await(
                "the first run held",
                () -> sim.stats().items() == 2 && sim.stats().count("hang") == 1,
                Duration.ofSeconds(60));
        // ... so that the second arrives while the job runs, whatever the machine's speed.
        StageProcess.Running second = StageProcess.of(dir.resolve("second"))
                .args(
                        "--input",
                        input().toString(),
                        "--output",
                        output().toString(),
                        "--endpoint",
                        sim.baseUrl(),
                        "--model",
                        model,
                        "--protocol",
                        "openai-chat",
                        "--max-in-flight",
                        "1")
                .withLedger()
                .start();
        Eventually.await(
                "the second claimant waiting",
                () -> second.logsSoFar().contains("waiting for it instead of duplicating the work"),
                Duration.ofSeconds(60));
        assertThat(sim.stats().items()).as("nothing asked twice while it waits").isEqualTo(2);

        first.terminate(); // the release: the held run stops as on SIGTERM, its two answers saved
        StageProcess.Result firstResult = first.await(Duration.ofSeconds(60));
        StageProcess.Result secondResult = second.await(Duration.ofSeconds(120));

        assertThat(firstResult.exitCode()).as(firstResult.toString()).isEqualTo(75);
        assertThat(secondResult.exitCode()).as(secondResult.toString()).isZero();
        assertThat(secondResult.xcom().path("records_out").asLong()).isEqualTo(60);
        assertThat(secondResult.xcom().path("metrics").path("resumed").asLong()).isEqualTo(2);
        assertThat(sim.stats().items())
                .as("every record answered once, the held request never")
                .isEqualTo(60);
    }

    @Test
    void sigtermMidRunExits75AndTheRerunFinishesWithoutDuplicates() throws Exception {
        sim.failNext("pass", 20); // twenty answers, then all four slots held: the run is mid-way until the test says
        sim.failNext("hang", 4);
        JsonLines.texts(input(), 200, "sigterm");
        StageProcess.Running running = infer(
                        "--protocol",
                        "openai-chat",
                        "--max-in-flight",
                        "4",
                        "--timeout",
                        "600s",
                        "--progress-interval",
                        "300ms")
                .env("PODSTAGE_INFER_SHUTDOWN_GRACE", "1s")
                .withLedger()
                .start();
        Eventually.await(
                "twenty answered, four held",
                () -> sim.stats().items() == 20 && sim.stats().count("hang") == 4,
                Duration.ofSeconds(60));
        Eventually.await(
                "a progress line", () -> running.logsSoFar().contains("infer: 20/200"), Duration.ofSeconds(60));
        assertThat(running.alive()).as("still working when the signal comes").isTrue();

        running.terminate();
        StageProcess.Result interrupted = running.await(Duration.ofSeconds(60));

        assertThat(interrupted.exitCode()).as(interrupted.toString()).isEqualTo(75);
        assertThat(interrupted.logs())
                .as("progress lines while it ran")
                .containsPattern("infer: \\d+/200 .*rec/s, ETA");
        assertThat(output()).doesNotExist();
        long paidFirst = sim.stats().items();
        assertThat(paidFirst).isLessThan(200);

        StageProcess.Result rerun = infer("--protocol", "openai-chat", "--max-in-flight", "4")
                .withLedger()
                .run();

        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(JsonLines.ids(output())).hasSize(200).doesNotHaveDuplicates();
        assertThat(sim.stats().items())
                .as("answers saved before SIGTERM are not asked again")
                .isEqualTo(200);
        assertThat(rerun.logs()).contains("resum");
        assertThat(Files.list(dir)
                        .map(p -> p.getFileName().toString())
                        .filter(n -> n.contains("partial"))
                        .toList())
                .as("no partial file left once complete")
                .isEmpty();
    }

    @Test
    void sigtermWhileTheEndpointHoldsTheOnlyRequestExits75AfterTheShutdownGrace() throws Exception {
        sim.failNext("pass", 5); // five answers, then a request that is never answered
        sim.failNext("hang", 1);
        JsonLines.texts(input(), 20, "held");
        StageProcess.Running running = infer("--protocol", "openai-chat", "--max-in-flight", "1", "--timeout", "600s")
                .env("PODSTAGE_INFER_SHUTDOWN_GRACE", "1s")
                .withLedger()
                .start();
        Eventually.await(
                "held at the sixth request",
                () -> sim.stats().items() == 5 && sim.stats().count("hang") == 1,
                Duration.ofSeconds(60));

        running.terminate();
        StageProcess.Result interrupted = running.await(Duration.ofSeconds(60));

        assertThat(interrupted.exitCode()).as(interrupted.toString()).isEqualTo(75);
        assertThat(interrupted.logs())
                .contains("abandoning 1 in-flight requests")
                .contains("stopped by SIGTERM: 5 records answered and saved");
        StageProcess.Result rerun = infer("--protocol", "openai-chat", "--max-in-flight", "1")
                .withLedger()
                .run();
        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        assertThat(JsonLines.ids(output())).hasSize(20).doesNotHaveDuplicates();
        assertThat(sim.stats().items())
                .as("the five saved answers are not asked again")
                .isEqualTo(20);
    }
}
