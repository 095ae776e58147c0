package dev.podstage.runtime.resilience;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import dev.podstage.runtime.io.Json;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * POSTs JSON and turns every way a remote call can go wrong into a {@link RemoteCallException}
 * (status, retryability, {@code Retry-After}). Non-blocking (Vert.x): thousands of requests can be
 * in flight on one event loop. The API key travels only in the Authorization header.
 */
public final class JsonHttp implements AutoCloseable {

    private static final int MAX_ERROR_DETAIL = 200;

    private final WebClient client;
    private final String bearerToken;

    public JsonHttp(Vertx vertx, int maxConnectionsPerHost, String bearerToken) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setMaxPoolSize(maxConnectionsPerHost)
                .setKeepAlive(true)
                .setConnectTimeout(10_000)
                .setTryUseCompression(true)
                .setUserAgent("podstage"));
        this.bearerToken = bearerToken;
    }

    public Uni<JsonNode> post(String url, JsonNode body, Duration timeout) {
        var request = client.postAbs(url)
                .timeout(timeout.toMillis() + 1_000) // the guard's timeout decides; this one frees the connection
                .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
                .putHeader(HttpHeaders.ACCEPT.toString(), "application/json");
        if (bearerToken != null && !bearerToken.isEmpty()) {
            request.putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + bearerToken);
        }
        Buffer payload;
        try {
            payload = Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            return Uni.createFrom().failure(e);
        }
        return request.sendBuffer(payload)
                .onFailure().transform(t -> t instanceof RemoteCallException ? t : RemoteCallException.transport(url, t))
                .map(response -> parse(url, response));
    }

    private JsonNode parse(String url, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status / 100 != 2) {
            Duration retryAfter = RetryAfter.parse(response.getHeader("Retry-After"), Instant.now());
            throw RemoteCallException.ofStatus(url, status, retryAfter, detail(response));
        }
        Buffer body = response.body();
        if (body == null || body.length() == 0) {
            throw RemoteCallException.malformed(url, "empty body");
        }
        try {
            return Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            throw RemoteCallException.malformed(url, "not JSON (" + body.length() + " bytes)");
        }
    }

    /** The start of an error body: enough to diagnose, short enough for a log line, never the key. */
    private String detail(HttpResponse<Buffer> response) {
        Buffer body = response.body();
        if (body == null) {
            return "";
        }
        String text = body.toString().replaceAll("\\s+", " ").trim();
        if (bearerToken != null && !bearerToken.isEmpty()) {
            text = text.replace(bearerToken, "****"); // some servers quote the key they refused
        }
        return text.length() > MAX_ERROR_DETAIL ? text.substring(0, MAX_ERROR_DETAIL) + "…" : text;
    }

    @Override
    public void close() {
        client.close();
    }
}
