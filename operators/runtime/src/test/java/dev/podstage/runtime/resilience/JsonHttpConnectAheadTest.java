package dev.podstage.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.mutiny.core.Vertx;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonHttp#connectAhead} over real HTTP: a server on loopback counts the connections it
 * accepts, the ones closed and the requests it answers.
 */
class JsonHttpConnectAheadTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile long closeFirstConnectionAfterMs = -1;
    private Vertx vertx;
    private JsonHttp http;

    @BeforeEach
    void open() {
        vertx = Vertx.vertx();
        http = new JsonHttp(vertx, 4, null);
    }

    @AfterEach
    void close() {
        http.close();
        vertx.closeAndAwait();
    }

    @Test
    void aConnectionOpenedAheadSendsNothingAndCarriesTheNextPost() throws Exception {
        String url = startServer(freePort());
        http.connectAhead(url);
        awaitAtLeast(connections::get, 1);
        Thread.sleep(100);
        assertThat(requests.get())
                .as("requests sent by opening a connection ahead")
                .isZero();

        JsonNode answer =
                http.post(url, "{\"n\":1}".getBytes(), TIMEOUT).await().atMost(TIMEOUT);

        assertThat(answer.get("echo").asInt()).isEqualTo(1);
        assertThat(requests.get()).isEqualTo(1);
        assertThat(connections.get())
                .as("the post went on the connection opened ahead, not on a new one")
                .isEqualTo(1);
    }

    @Test
    void aConnectionOpenedAheadAndNeverUsedIsClosedWithoutARequest() throws Exception {
        String url = startServer(freePort());
        http.connectAhead(url);
        awaitAtLeast(connections::get, 1);

        http.close();

        awaitAtLeast(closed::get, 1);
        assertThat(requests.get()).isZero();
    }

    @Test
    void aConnectionOpenedAheadThatTheServerClosesIsNotUsed() throws Exception {
        closeFirstConnectionAfterMs = 50; // as a server's keep-alive timeout would
        String url = startServer(freePort());
        http.connectAhead(url);
        // Until the client has read the server's FIN, a post could still take the connection and fail: in
        // production that is one retried attempt; here the test waits for the client to see the close.
        awaitAtLeast(http::connectionsAheadClosed, 1);

        JsonNode answer =
                http.post(url, "{\"n\":3}".getBytes(), TIMEOUT).await().atMost(TIMEOUT);

        assertThat(answer.get("echo").asInt()).isEqualTo(3);
        assertThat(connections.get()).as("a new connection for the post").isEqualTo(2);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aFailedConnectAheadIsNotThePostsFailure() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/echo";
        http.connectAhead(url); // nothing listens yet: this connect is refused
        Thread.sleep(200);
        startServer(port);

        JsonNode answer =
                http.post(url, "{\"n\":2}".getBytes(), TIMEOUT).await().atMost(TIMEOUT);

        assertThat(answer.get("echo").asInt()).isEqualTo(2);
        assertThat(requests.get()).isEqualTo(1);
    }

    /** Starts a server answering {"echo": n} for a body {"n": n}; returns its URL. */
    private String startServer(int port) {
        // HTTP/1.1 only: a server that may also speak h2c waits for the first bytes before it
        // reports a connection, and a connection opened ahead sends none.
        HttpServer server = vertx.getDelegate()
                .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .connectionHandler(connection -> {
                    connection.closeHandler(ignored -> closed.incrementAndGet());
                    if (connections.incrementAndGet() == 1 && closeFirstConnectionAfterMs >= 0) {
                        vertx.getDelegate().setTimer(closeFirstConnectionAfterMs, id -> connection.close());
                    }
                })
                .requestHandler(request -> request.body().onSuccess(body -> {
                    requests.incrementAndGet();
                    int n = body.toJsonObject().getInteger("n");
                    request.response()
                            .putHeader("content-type", "application/json")
                            .end("{\"echo\":" + n + "}");
                }));
        server.listen(port, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        return "http://127.0.0.1:" + port + "/echo";
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitAtLeast(IntSupplier value, int wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (value.getAsInt() < wanted && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(value.getAsInt()).isGreaterThanOrEqualTo(wanted);
    }
}
