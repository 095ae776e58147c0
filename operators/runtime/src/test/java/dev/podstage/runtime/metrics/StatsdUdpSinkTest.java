package dev.podstage.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink against a real UDP socket standing in for the agent: what arrives, in which datagrams. */
class StatsdUdpSinkTest {

    private static final Duration NEVER = Duration.ofHours(1);

    private DatagramSocket agent;

    @BeforeEach
    void listen() throws IOException {
        agent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        agent.setSoTimeout(2_000);
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    @Test
    void linesArePackedIntoDatagramsThatFitAndTheRestGoesAtClose() throws IOException {
        StatsdUdpSink sink = new StatsdUdpSink("127.0.0.1", agent.getLocalPort(), 40, NEVER);
        sink.accept("a.count:1|c"); // 11 bytes
        sink.accept("b.count:2|c"); // + 1 + 11 = 23
        sink.accept("c.count:3|c"); // + 1 + 11 = 35
        sink.accept("d.count:4|c"); // would make 47 > 40: the first three leave together

        assertThat(receive()).isEqualTo("a.count:1|c\nb.count:2|c\nc.count:3|c");
        sink.close();
        assertThat(receive()).isEqualTo("d.count:4|c");
    }

    @Test
    void bufferedLinesLeaveWithinTheFlushIntervalWithoutAClose() throws IOException {
        try (StatsdUdpSink sink = new StatsdUdpSink("127.0.0.1", agent.getLocalPort(), 1400, Duration.ofMillis(50))) {
            sink.accept("x.timer:12|ms");

            assertThat(receive()).isEqualTo("x.timer:12|ms");
        }
    }

    @Test
    void aLineLongerThanAPacketLeavesAlone() throws IOException {
        String longLine = "l.count:1|c|#tag:" + "v".repeat(60);
        try (StatsdUdpSink sink = new StatsdUdpSink("127.0.0.1", agent.getLocalPort(), 40, NEVER)) {
            sink.accept("a.count:1|c");
            sink.accept(longLine);

            assertThat(List.of(receive(), receive())).containsExactly("a.count:1|c", longLine);
        }
    }

    @Test
    void nothingListeningIsNotTheStagesProblem() throws IOException {
        int closedPort = agent.getLocalPort();
        agent.close();
        StatsdUdpSink sink = new StatsdUdpSink("127.0.0.1", closedPort, 40, NEVER);

        assertThatCode(() -> {
                    for (int i = 0; i < 20; i++) {
                        sink.accept("a.count:" + i + "|c");
                    }
                    sink.close();
                })
                .doesNotThrowAnyException();
    }

    @Test
    void linesAfterCloseAreDropped() throws IOException {
        StatsdUdpSink sink = new StatsdUdpSink("127.0.0.1", agent.getLocalPort(), 1400, NEVER);
        sink.close();
        sink.accept("late.count:1|c");
        sink.close();

        agent.setSoTimeout(200);
        List<String> got = new ArrayList<>();
        try {
            got.add(receive());
        } catch (SocketTimeoutException expected) {
            // nothing came
        }
        assertThat(got).isEmpty();
    }

    private String receive() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        agent.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
