package dev.podstage.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class LlmSimulatorTest {

    @Test
    void startsOnARandomLoopbackPortAndCloseReleasesIt() throws IOException {
        LlmSimulator sim = LlmSimulator.start();
        int port = sim.port();

        assertThat(port).isPositive();
        assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(Http.get(sim, "/health").statusCode()).isEqualTo(200);
        sim.close();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void aTakenPortFailsTheStart() {
        try (LlmSimulator first = LlmSimulator.start()) {
            SimConfig sameport = SimConfig.defaults().port(first.port());

            assertThatThrownBy(() -> LlmSimulator.start(sameport))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(Integer.toString(first.port()));
        }
    }

    @Test
    void theTimersComeFromEpoll() {
        // The simulator ships Netty's linux-x86_64 epoll transport (the machines and images here): without it,
        // NIO's whole-millisecond selector wake-ups make every answer up to a millisecond late.
        try (LlmSimulator sim = LlmSimulator.start()) {
            assertThat(sim.transport()).isEqualTo("epoll");
            assertThat(Http.chat(sim, "m", "p").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void resetStatsZeroesTheCounters() {
        try (LlmSimulator sim = LlmSimulator.start()) {
            Http.chat(sim, "m", "p");
            assertThat(sim.stats().requests()).isEqualTo(1);

            sim.resetStats();

            assertThat(sim.stats().requests()).isZero();
            assertThat(sim.stats().count("200")).isZero();
        }
    }
}
