package dev.podstage.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A UDP socket standing in for the StatsD agent: collects every line it receives. */
public final class StatsdCatcher implements AutoCloseable {

    private final DatagramSocket socket;
    private final List<String> lines = new ArrayList<>();
    private final Thread receiver;

    public StatsdCatcher() {
        try {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        receiver = new Thread(this::receive, "statsd-catcher");
        receiver.setDaemon(true);
        receiver.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void receive() {
        byte[] buffer = new byte[65_536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException closed) {
                return;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            synchronized (lines) {
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        lines.add(line);
                    }
                }
            }
        }
    }

    /** What has arrived so far (datagrams already in the socket buffer are read within milliseconds). */
    public List<String> lines() {
        try {
            Thread.sleep(100); // let the receiver thread drain what the kernel already holds
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
