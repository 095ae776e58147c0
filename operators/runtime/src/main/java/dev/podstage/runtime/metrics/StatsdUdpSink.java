package dev.podstage.runtime.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * StatsD lines to the agent over UDP, packed into datagrams of at most {@code maxPacketBytes}:
 * sent when the next line would not fit, every {@code flushInterval}, and at {@link #close()}.
 *
 * <p>Why not Micrometer's own UDP client: it connects asynchronously and drops every line recorded
 * before it has (seen in a stage that reached its first cache miss before the client had
 * connected). Here the registry hands each line over synchronously, and the channel exists
 * before the first one. Metrics are best effort: a send that fails (no agent, an unresolvable
 * host) is logged once at debug level and the stage goes on.
 */
final class StatsdUdpSink implements Consumer<String>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StatsdUdpSink.class);

    private final InetSocketAddress agent;
    private final DatagramChannel channel;
    private final ByteBuffer packet;
    private final Thread flusher;
    private boolean failed;
    private boolean closed;

    StatsdUdpSink(String host, int port, int maxPacketBytes, Duration flushInterval) throws IOException {
        this.agent = new InetSocketAddress(host, port);
        this.channel = DatagramChannel.open();
        this.packet = ByteBuffer.allocate(maxPacketBytes);
        this.flusher = new Thread(() -> flushEvery(flushInterval), "statsd-flush");
        flusher.setDaemon(true);
        flusher.start();
    }

    @Override
    public synchronized void accept(String line) {
        if (closed) {
            return;
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        int needed = bytes.length + (packet.position() > 0 ? 1 : 0);
        if (needed > packet.remaining()) {
            send();
        }
        if (bytes.length > packet.capacity()) {
            transmit(ByteBuffer.wrap(bytes)); // longer than a packet: alone, and the agent may truncate it
            return;
        }
        if (packet.position() > 0) {
            packet.put((byte) '\n');
        }
        packet.put(bytes);
    }

    /** Sends what is buffered now. */
    synchronized void flush() {
        send();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            send();
            closed = true;
        }
        flusher.interrupt();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debugf("closing the StatsD channel: %s", e);
        }
    }

    private void flushEvery(Duration interval) {
        try {
            while (true) {
                TimeUnit.MILLISECONDS.sleep(interval.toMillis());
                flush();
            }
        } catch (InterruptedException closing) {
            // close() sends the rest
        }
    }

    private void send() {
        if (packet.position() == 0) {
            return;
        }
        packet.flip();
        transmit(packet);
        packet.clear();
    }

    private void transmit(ByteBuffer datagram) {
        try {
            if (agent.isUnresolved()) {
                throw new IOException("cannot resolve " + agent.getHostString());
            }
            channel.send(datagram, agent);
        } catch (IOException e) {
            if (!failed) {
                failed = true;
                LOG.debugf("StatsD lines to %s are being lost: %s", agent, e);
            }
        }
    }
}
