package dev.podstage.runtime.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.io.Json;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * POSTs JSON and turns every way a remote call can go wrong into a {@link RemoteCallException}
 * (status, retryability, {@code Retry-After}). Non-blocking (Vert.x): thousands of requests can be
 * in flight on one event loop. The API key travels only in the Authorization header.
 *
 * <p>On Vert.x's core HTTP client rather than its web client: one request is one future chain
 * instead of the web client's interceptor phases and Mutiny wrappers, which a short run executes
 * mostly interpreted, on the event loop every answer waits for.
 */
public final class JsonHttp implements AutoCloseable {

    private static final int MAX_ERROR_DETAIL = 200;

    private final HttpClient client;
    /**
     * The one context (event loop) every request is made on, whichever thread asks: connections,
     * answers and the next requests stay on one loop (spreading them over two measured no faster).
     */
    private final Context context;
    /** The API key, null when there is none; and the Authorization header made of it once. */
    private final String bearerToken;

    private final String authorization;
    /** Connections opened ahead that closed (a server's keep-alive timeout): the pool drops them, no post uses them. */
    private final AtomicInteger closedAhead = new AtomicInteger();

    public JsonHttp(Vertx vertx, int maxConnectionsPerHost, String bearerToken) {
        this.context = vertx.getDelegate().getOrCreateContext();
        this.client = vertx.getDelegate()
                .createHttpClient(new HttpClientOptions()
                        .setMaxPoolSize(maxConnectionsPerHost)
                        .setKeepAlive(true)
                        .setConnectTimeout(10_000)
                        .setDecompressionSupported(true));
        this.bearerToken = bearerToken == null || bearerToken.isEmpty() ? null : bearerToken;
        this.authorization = this.bearerToken == null ? null : "Bearer " + this.bearerToken;
    }

    /**
     * Opens a connection to {@code url} now, on the event loop, while the caller prepares its first
     * request: the first connection of a JVM runs Vert.x's connection and codec set-up for the first
     * time, in front of the first request (docs/adr/0016). Nothing is sent:
     * the request that opened it is reset unsent, which hands the connection to the pool as an
     * idle keep-alive one, for the next {@link #post} (or evicted like any other if the server
     * closes it). A failure is ignored here: the post opens its own connection, inside its guard.
     */
    public void connectAhead(String url) {
        onContext(() -> {
            try {
                client.request(options(url)).onSuccess(this::releaseUnsent);
            } catch (IllegalStateException closedAlready) {
                // the run had nothing to ask (an empty input) and closed the client before this ran
            }
        });
    }

    /** POSTs {@code body}, JSON already encoded (by the caller's thread, not by the event loop that sends it). */
    public Uni<JsonNode> post(String url, byte[] body, Duration timeout) {
        Buffer payload = Buffer.buffer(body);
        // The guard's timeout decides; this one frees the connection of a request nobody waits for.
        RequestOptions request = options(url).setIdleTimeout(timeout.toMillis() + 1_000);
        // Lazy, as a Uni should be: each subscription (each attempt of the guard) sends its own request.
        return Uni.createFrom()
                .emitter(emitter -> onContext(() -> client.request(request)
                        .compose(sent -> sent.send(payload))
                        .compose(response -> response.body().map(bytes -> parse(url, response, bytes)))
                        .onComplete(done -> {
                            if (done.succeeded()) {
                                emitter.complete(done.result());
                            } else {
                                Throwable t = done.cause();
                                emitter.fail(
                                        t instanceof RemoteCallException ? t : RemoteCallException.transport(url, t));
                            }
                        })));
    }

    /**
     * Resets a request that sent nothing, which returns its connection to the pool. The reset is
     * reported to the request's exception handler: without one, Vert.x logs it as an error.
     */
    private void releaseUnsent(HttpClientRequest request) {
        request.exceptionHandler(expected -> {});
        request.connection().closeHandler(closed -> closedAhead.incrementAndGet());
        request.reset();
    }

    /** How many connections opened ahead have closed since (seen by the client, so no post can take them). */
    int connectionsAheadClosed() {
        return closedAhead.get();
    }

    /** Runs {@code action} on the client's context: at once when already there (an answer launching the next request). */
    private void onContext(Runnable action) {
        if (io.vertx.core.Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }

    private RequestOptions options(String url) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, "application/json")
                .putHeader(HttpHeaders.USER_AGENT, "podstage");
        if (authorization != null) {
            request.putHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        return request;
    }

    private JsonNode parse(String url, HttpClientResponse response, Buffer body) {
        int status = response.statusCode();
        if (status / 100 != 2) {
            Duration retryAfter = RetryAfter.parse(response.getHeader("Retry-After"), Instant.now());
            throw RemoteCallException.ofStatus(url, status, retryAfter, detail(body));
        }
        if (body == null || body.length() == 0) {
            throw RemoteCallException.malformed(url, "empty body");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            throw RemoteCallException.malformed(url, "not JSON (" + body.length() + " bytes)");
        }
        // Some gateways answer a failed generation with 200 and the error as the body (OpenAI's and TGI's
        // shape alike); no answer of theirs has a top-level "error", so it is the server failing, said plainly.
        if (json.has("error")) {
            throw RemoteCallException.malformed(url, "an error inside a 200: " + detail(body));
        }
        return json;
    }

    /** The start of an error body: enough to diagnose, short enough for a log line, never the key. */
    private String detail(Buffer body) {
        if (body == null) {
            return "";
        }
        String text = body.toString().replaceAll("\\s+", " ").trim();
        if (bearerToken != null) {
            text = text.replace(bearerToken, "****"); // some servers quote the key they refused
        }
        return text.length() > MAX_ERROR_DETAIL ? text.substring(0, MAX_ERROR_DETAIL) + "…" : text;
    }

    @Override
    public void close() {
        client.close();
    }
}
