package dev.podstage.sim;

import static dev.podstage.sim.Http.chat;
import static dev.podstage.sim.Http.chatBody;
import static dev.podstage.sim.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LatencyAndConcurrencyTest {

    @Test
    void latencyKnobDelaysTheAnswer() {
        try (LlmSimulator sim = LlmSimulator.start(SimConfig.defaults().latencyMs(100))) {
            long start = System.nanoTime();
            HttpResponse<String> response = chat(sim, "m", "slow");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void perTokenLatencyFollowsTheLongestOutputOfTheBatch() {
        try (LlmSimulator sim =
                LlmSimulator.start(SimConfig.defaults().perTokenMs(20).outputTokens(10))) {
            String batch = new JsonObject()
                    .put("inputs", new JsonArray().add("a").add("b").add("c"))
                    .encode();
            long start = System.nanoTime();
            HttpResponse<String> response = post(sim, "/generate", batch);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void maxConcurrencyQueuesTheRest() {
        try (LlmSimulator sim =
                LlmSimulator.start(SimConfig.defaults().latencyMs(100).maxConcurrency(2))) {
            long start = System.nanoTime();
            List<HttpResponse<String>> responses = parallelChats(sim, 6);

            assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(300);
            SimStats stats = sim.stats();
            assertThat(stats.maxInFlight()).isEqualTo(2);
            assertThat(stats.inFlight()).isZero();
            assertThat(stats.count("200")).isEqualTo(6);
        }
    }

    @Test
    void withoutALimitParallelRequestsOverlap() {
        try (LlmSimulator sim = LlmSimulator.start(SimConfig.defaults().latencyMs(300))) {
            parallelChats(sim, 6);

            assertThat(sim.stats().maxInFlight()).isGreaterThan(2);
        }
    }

    @Test
    void aClientLeavingTheQueueIsCountedAndFreesItsPlace() throws Exception {
        try (LlmSimulator sim =
                LlmSimulator.start(SimConfig.defaults().latencyMs(200).maxConcurrency(1))) {
            CompletableFuture<HttpResponse<String>> first =
                    Http.postAsync(sim, "/v1/chat/completions", chatBody("m", "1"));
            awaitInFlight(sim, 1);
            try (Socket socket = new Socket("127.0.0.1", sim.port())) {
                byte[] body = chatBody("m", "queued").getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                Thread.sleep(50);
            }

            assertThat(first.get().statusCode()).isEqualTo(200);
            assertThat(chat(sim, "m", "after").statusCode()).isEqualTo(200);
            SimStats stats = sim.stats();
            assertThat(stats.count(StatsRecorder.CANCELLED)).isEqualTo(1);
            assertThat(stats.count("200")).isEqualTo(2);
            assertThat(stats.maxInFlight()).isEqualTo(1);
            assertThat(stats.inFlight()).isZero();
        }
    }

    static List<HttpResponse<String>> parallelChats(LlmSimulator sim, int n) {
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, n)
                .mapToObj(i -> Http.postAsync(sim, "/v1/chat/completions", chatBody("m", "prompt " + i)))
                .toList();
        return calls.stream().map(CompletableFuture::join).toList();
    }

    private static void awaitInFlight(LlmSimulator sim, long expected) throws InterruptedException {
        for (int i = 0; i < 200 && sim.stats().inFlight() != expected; i++) {
            Thread.sleep(5);
        }
        assertThat(sim.stats().inFlight()).isEqualTo(expected);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
