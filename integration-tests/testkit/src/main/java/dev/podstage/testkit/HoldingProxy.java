package dev.podstage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that forwards a stage's traffic to a real service and holds it at a chosen point:
 * the client's bytes that carry the {@code n}-th occurrence of a marker (a Redis command name, say) wait,
 * with everything the client sends after them, until the test {@link #release() releases} them. So a test
 * stops a stage exactly where it wants it — in the middle of its work, whatever the machine's speed — and
 * lets it go on when it says so. Markers are counted over all connections, in any letter case (clients
 * spell command names either way); a marker split across two reads is still found.
 */
public final class HoldingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final byte[] marker;
    private final int holdAt;
    private final AtomicInteger seen = new AtomicInteger();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Socket> sockets = new ArrayList<>();

    private HoldingProxy(String upstreamHost, int upstreamPort, String marker, int holdAt) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.marker = marker.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        this.holdAt = holdAt;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "holding-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Forwards to {@code host:port}, holding at the {@code holdAt}-th (1-based) {@code marker} the clients send. */
    public static HoldingProxy to(String host, int port, String marker, int holdAt) {
        try {
            return new HoldingProxy(host, port, marker, holdAt);
        } catch (IOException e) {
            throw new IllegalStateException("could not open the proxy's port", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Waits until a client has sent the held marker (the proxy holds it), at most {@code limit}. */
    public void awaitHolding(Duration limit) throws InterruptedException {
        if (!holding.await(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError(
                    "no client sent marker number " + holdAt + " within " + limit + " (" + seen.get() + " seen)");
        }
    }

    /** Lets the held bytes and everything after them through. */
    public void release() {
        released.countDown();
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
        synchronized (sockets) {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = server.accept();
                Socket upstream = new Socket(upstreamHost, upstreamPort);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(upstream);
                }
                pump(upstream.getInputStream(), client.getOutputStream(), false);
                pump(client.getInputStream(), upstream.getOutputStream(), true);
            }
        } catch (IOException closed) {
            // the proxy was closed
        }
    }

    private void pump(InputStream from, OutputStream to, boolean watch) {
        Thread pump = new Thread(
                () -> {
                    byte[] buffer = new byte[1 << 16];
                    byte[] tail = new byte[0];
                    try {
                        int n;
                        while ((n = from.read(buffer)) > 0) {
                            if (watch) {
                                byte[] window = concat(tail, buffer, n);
                                int found = occurrences(window);
                                int before = found == 0 ? 0 : seen.getAndAdd(found);
                                if (found > 0 && before < holdAt && before + found >= holdAt) {
                                    holding.countDown();
                                    released.await();
                                }
                                int keep = Math.min(marker.length - 1, window.length);
                                tail = java.util.Arrays.copyOfRange(window, window.length - keep, window.length);
                            }
                            to.write(buffer, 0, n);
                            to.flush();
                        }
                    } catch (IOException | InterruptedException ended) {
                        // a side closed: the other pump ends with it
                    } finally {
                        try {
                            to.close();
                        } catch (IOException ignored) {
                            // already closed
                        }
                    }
                },
                "holding-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static byte[] concat(byte[] tail, byte[] buffer, int n) {
        byte[] window = new byte[tail.length + n];
        System.arraycopy(tail, 0, window, 0, tail.length);
        System.arraycopy(buffer, 0, window, tail.length, n);
        return window;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    /** Occurrences of the marker in the window; the kept tail is shorter than the marker, so none is counted twice. */
    private int occurrences(byte[] window) {
        int count = 0;
        outer:
        for (int i = 0; i + marker.length <= window.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (lower(window[i + j]) != marker[j]) {
                    continue outer;
                }
            }
            count++;
        }
        return count;
    }
}
