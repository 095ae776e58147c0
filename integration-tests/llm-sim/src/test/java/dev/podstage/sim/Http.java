package dev.podstage.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Real HTTP calls against a simulator, the way stage code will talk to it. */
final class Http {

    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {}

    static HttpRequest.Builder request(LlmSimulator sim, String path) {
        return HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(Duration.ofSeconds(10));
    }

    static HttpRequest postRequest(LlmSimulator sim, String path, String json) {
        return request(sim, path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    static HttpResponse<String> post(LlmSimulator sim, String path, String json) {
        return send(postRequest(sim, path, json));
    }

    static HttpResponse<String> get(LlmSimulator sim, String path) {
        return send(request(sim, path).GET().build());
    }

    static CompletableFuture<HttpResponse<String>> postAsync(LlmSimulator sim, String path, String json) {
        return CLIENT.sendAsync(postRequest(sim, path, json), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends and rethrows I/O failures unchecked; tests expecting them use {@link #CLIENT} directly. */
    static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> chat(LlmSimulator sim, String model, String prompt) {
        return post(sim, "/v1/chat/completions", chatBody(model, prompt));
    }

    static String chatBody(String model, String prompt) {
        return new JsonObject()
                .put("model", model)
                .put(
                        "messages",
                        new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
                .encode();
    }

    static JsonObject json(HttpResponse<String> response) {
        return new JsonObject(response.body());
    }
}
