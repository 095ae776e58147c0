package dev.podstage.sim;

import static dev.podstage.sim.Http.chat;
import static dev.podstage.sim.Http.get;
import static dev.podstage.sim.Http.json;
import static dev.podstage.sim.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminApiTest extends SharedSimulator {

    @BeforeEach
    void clean() {
        assertThat(post(sim, "/admin/reset", "").statusCode()).isEqualTo(200);
        sim.config().outputTokens(16).dim(32).failureRate(0);
    }

    @Test
    void healthIsOkAndAdminCallsAreNotCounted() {
        HttpResponse<String> health = get(sim, "/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health)).isEqualTo(new JsonObject().put("status", "ok"));
        get(sim, "/admin/stats");
        assertThat(sim.stats().requests()).isZero();
    }

    @Test
    void statsCountRequestsPathsStatusesItemsAndTokens() {
        JsonObject chat = json(chat(sim, "m", "hello"));
        JsonObject embeddings = json(post(
                sim,
                "/v1/embeddings",
                new JsonObject()
                        .put("model", "e")
                        .put("input", new JsonArray().add("a").add("b").add("c"))
                        .encode()));
        JsonArray generated = new JsonArray(post(
                        sim,
                        "/generate",
                        new JsonObject()
                                .put("inputs", new JsonArray().add("x").add("y"))
                                .encode())
                .body());
        assertThat(post(sim, "/v1/embeddings", "{}").statusCode()).isEqualTo(400);
        sim.failNext("503", 1);
        assertThat(chat(sim, "m", "hello").statusCode()).isEqualTo(503);

        JsonObject stats = json(get(sim, "/admin/stats"));

        long promptTokens = chat.getJsonObject("usage").getLong("prompt_tokens")
                + embeddings.getJsonObject("usage").getLong("prompt_tokens")
                + generated.getJsonObject(0).getJsonObject("details").getLong("prompt_tokens")
                + generated.getJsonObject(1).getJsonObject("details").getLong("prompt_tokens");
        assertThat(stats)
                .isEqualTo(new JsonObject()
                        .put("requests", 5)
                        .put(
                                "by_path",
                                new JsonObject()
                                        .put("/generate", 1)
                                        .put("/v1/chat/completions", 2)
                                        .put("/v1/embeddings", 2))
                        .put(
                                "by_status",
                                new JsonObject().put("200", 3).put("400", 1).put("503", 1))
                        .put("items", 1 + 3 + 2)
                        .put("in_flight", 0)
                        .put("max_in_flight", 1)
                        .put("prompt_tokens", promptTokens)
                        .put("completion_tokens", 16 + 0 + 2 * 16));
        SimStats snapshot = sim.stats();
        assertThat(snapshot.requests()).isEqualTo(5);
        assertThat(snapshot.byPath()).containsEntry("/v1/embeddings", 2L);
        assertThat(snapshot.items()).isEqualTo(6);
        assertThat(snapshot.promptTokens()).isEqualTo(promptTokens);
        assertThat(snapshot.completionTokens()).isEqualTo(48);
    }

    @Test
    void resetZeroesCountersAndClearsScriptedFailures() {
        sim.failNext("500", -1);
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(500);

        assertThat(post(sim, "/admin/reset", "").statusCode()).isEqualTo(200);

        assertThat(sim.stats().requests()).isZero();
        assertThat(sim.stats().byStatus()).isEmpty();
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(200);
        assertThat(sim.stats().count("200")).isEqualTo(1);
    }

    @Test
    void configUpdatesKnobsLive() {
        HttpResponse<String> response = post(
                sim,
                "/admin/config",
                new JsonObject()
                        .put("outputTokens", 3)
                        .put("dim", 4)
                        .put("failureTypes", new JsonArray().add("429"))
                        .encode());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).getInteger("outputTokens")).isEqualTo(3);
        assertThat(sim.config().outputTokens()).isEqualTo(3);
        assertThat(sim.config().failureTypes()).containsExactly("429");
        assertThat(json(chat(sim, "m", "p")).getJsonObject("usage").getInteger("completion_tokens"))
                .isEqualTo(3);
        JsonObject embedding = json(post(
                sim,
                "/v1/embeddings",
                new JsonObject().put("model", "e").put("input", "x").encode()));
        assertThat(embedding.getJsonArray("data").getJsonObject(0).getJsonArray("embedding"))
                .hasSize(4);
    }

    @Test
    void badConfigChangesNothing() {
        for (String bad : new String[] {
            "{\"dim\":5,\"noSuchKnob\":1}", "{\"dim\":5,\"failureRate\":2}", "{\"dim\":5,\"port\":1}", "nope"
        }) {
            HttpResponse<String> response = post(sim, "/admin/config", bad);

            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(response).getJsonObject("error").getString("message"))
                    .isNotBlank();
        }
        assertThat(sim.config().dim()).isEqualTo(32);
    }

    @Test
    void failScriptsFailures() {
        assertThat(post(sim, "/admin/fail", "{\"type\":\"429\",\"count\":2}").statusCode())
                .isEqualTo(200);

        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(429);
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(429);
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(200);
        assertThat(post(sim, "/admin/fail", "{\"type\":\"boom\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void deletingTheScriptEndsAnOutageAndKeepsTheCounters() {
        post(sim, "/admin/fail", "{\"type\":\"503\",\"count\":-1}");
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(503);

        var cleared = Http.send(Http.request(sim, "/admin/fail").DELETE().build());

        assertThat(cleared.statusCode()).isEqualTo(200);
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(200);
        assertThat(sim.stats().count("503")).as("counters kept").isEqualTo(1);
        assertThat(sim.stats().count("200")).isEqualTo(1);
    }

    @Test
    void unknownAdminRoutesAre404() {
        assertThat(get(sim, "/admin/nothing").statusCode()).isEqualTo(404);
        assertThat(post(sim, "/admin/stats", "").statusCode()).isEqualTo(404);
    }
}
