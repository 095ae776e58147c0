package dev.podstage.sim;

import static dev.podstage.sim.Http.chat;
import static dev.podstage.sim.Http.json;
import static dev.podstage.sim.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolsTest extends SharedSimulator {

    @BeforeEach
    void defaults() {
        sim.config().outputTokens(16).dim(32);
    }

    @Test
    void chatCompletionIsOpenAiShaped() {
        String body = new JsonObject()
                .put("model", "gpt-sim")
                .put("temperature", 0.2)
                .put(
                        "messages",
                        new JsonArray()
                                .add(new JsonObject().put("role", "system").put("content", "abcd")) // 1 token
                                .add(new JsonObject().put("role", "user").put("content", "hello world!"))) // 12 cp: 3
                .encode();
        HttpResponse<String> response = post(sim, "/v1/chat/completions", body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonObject json = json(response);
        assertThat(json.fieldNames()).containsExactly("id", "object", "created", "model", "choices", "usage");
        assertThat(json.getString("id")).matches("chatcmpl-[0-9a-f]+");
        assertThat(json.getString("object")).isEqualTo("chat.completion");
        assertThat(json.getLong("created"))
                .isBetween(System.currentTimeMillis() / 1000 - 5, System.currentTimeMillis() / 1000 + 5);
        assertThat(json.getString("model")).isEqualTo("gpt-sim");
        JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
        assertThat(json.getJsonArray("choices")).hasSize(1);
        assertThat(choice.getInteger("index")).isZero();
        assertThat(choice.getString("finish_reason")).isEqualTo("stop");
        assertThat(choice.getJsonObject("message").getString("role")).isEqualTo("assistant");
        String content = choice.getJsonObject("message").getString("content");
        assertThat(content).startsWith("sim ");
        assertThat(content.split(" ")).hasSize(16);
        assertThat(json.getJsonObject("usage"))
                .isEqualTo(new JsonObject()
                        .put("prompt_tokens", 4)
                        .put("completion_tokens", 16)
                        .put("total_tokens", 20));
    }

    @Test
    void chatContentDependsOnModelAndLastUserMessageOnly() {
        String content = content(chat(sim, "m1", "what is 2+2?"));

        assertThat(content(chat(sim, "m1", "what is 2+2?"))).isEqualTo(content);
        assertThat(content(chat(sim, "m1", "what is 2+3?"))).isNotEqualTo(content);
        assertThat(content(chat(sim, "m2", "what is 2+2?"))).isNotEqualTo(content);
        String withHistory = new JsonObject()
                .put("model", "m1")
                .put(
                        "messages",
                        new JsonArray()
                                .add(new JsonObject().put("role", "user").put("content", "earlier question"))
                                .add(new JsonObject().put("role", "assistant").put("content", "earlier answer"))
                                .add(new JsonObject().put("role", "user").put("content", "what is 2+2?")))
                .encode();
        assertThat(content(post(sim, "/v1/chat/completions", withHistory))).isEqualTo(content);
    }

    @Test
    void maxTokensCapsTheOutputKnob() {
        String body =
                new JsonObject(Http.chatBody("m", "x")).put("max_tokens", 5).encode();
        JsonObject json = json(post(sim, "/v1/chat/completions", body));

        assertThat(json.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(5);
        assertThat(content(json).split(" ")).hasSize(5);

        sim.config().outputTokens(3);
        assertThat(content(chat(sim, "m", "x")).split(" ")).hasSize(3);
    }

    @Test
    void embeddingsAreBatchedUnitLengthAndDeterministic() {
        String body = new JsonObject()
                .put("model", "emb")
                .put("input", new JsonArray().add("alpha").add("beta").add("alpha"))
                .encode();
        HttpResponse<String> response = post(sim, "/v1/embeddings", body);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject json = json(response);
        assertThat(json.getString("object")).isEqualTo("list");
        assertThat(json.getString("model")).isEqualTo("emb");
        assertThat(json.getJsonObject("usage"))
                .isEqualTo(new JsonObject().put("prompt_tokens", 5).put("total_tokens", 5));
        JsonArray data = json.getJsonArray("data");
        assertThat(data).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonObject item = data.getJsonObject(i);
            assertThat(item.getString("object")).isEqualTo("embedding");
            assertThat(item.getInteger("index")).isEqualTo(i);
            assertThat(item.getJsonArray("embedding")).hasSize(32);
            assertThat(norm(item.getJsonArray("embedding"))).isCloseTo(1.0, offset(1e-5));
        }
        assertThat(vector(data, 0)).isEqualTo(vector(data, 2)).isNotEqualTo(vector(data, 1));
        assertThat(vector(json(post(sim, "/v1/embeddings", body)).getJsonArray("data"), 1))
                .isEqualTo(vector(data, 1));
        String otherModel =
                new JsonObject().put("model", "emb2").put("input", "alpha").encode();
        assertThat(vector(json(post(sim, "/v1/embeddings", otherModel)).getJsonArray("data"), 0))
                .isNotEqualTo(vector(data, 0));
    }

    @Test
    void embeddingsAcceptOneStringAndFollowTheDimKnob() {
        sim.config().dim(8);
        JsonObject json = json(post(
                sim,
                "/v1/embeddings",
                new JsonObject().put("model", "e").put("input", "hi").encode()));

        assertThat(json.getJsonArray("data")).hasSize(1);
        assertThat(json.getJsonArray("data").getJsonObject(0).getJsonArray("embedding"))
                .hasSize(8);
    }

    @Test
    void generateAnswersAListWithAnArrayAndAStringWithAnObject() {
        String list = new JsonObject()
                .put("inputs", new JsonArray().add("first").add("second"))
                .put("parameters", new JsonObject().put("max_new_tokens", 4))
                .encode();
        JsonArray results = new JsonArray(post(sim, "/generate", list).body());

        assertThat(results).hasSize(2);
        JsonObject first = results.getJsonObject(0);
        assertThat(first.getString("generated_text").split(" ")).hasSize(4);
        assertThat(first.getJsonObject("details"))
                .isEqualTo(new JsonObject().put("generated_tokens", 4).put("prompt_tokens", 2));
        assertThat(results.getJsonObject(1).getString("generated_text"))
                .isNotEqualTo(first.getString("generated_text"));

        String single = new JsonObject()
                .put("inputs", "first")
                .put("parameters", new JsonObject().put("max_new_tokens", 4))
                .encode();
        HttpResponse<String> response = post(sim, "/generate", single);
        assertThat(response.body()).startsWith("{");
        assertThat(json(response)).isEqualTo(first);
        assertThat(post(sim, "/", single).body()).isEqualTo(response.body());
    }

    @Test
    void generateUsesTheSameTextAsChatForModelTgi() {
        String generated = json(post(
                        sim,
                        "/generate",
                        new JsonObject().put("inputs", "same prompt").encode()))
                .getString("generated_text");

        assertThat(generated).isEqualTo(content(chat(sim, "tgi", "same prompt")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/v1/chat/completions | not json",
                "/v1/chat/completions | []",
                "/v1/chat/completions | {\"model\":\"m\"}",
                "/v1/chat/completions | {\"model\":\"m\",\"messages\":[]}",
                "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}",
                "/v1/chat/completions | {\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}",
                "/v1/embeddings       | {\"model\":\"m\",\"input\":[1,2]}",
                "/v1/embeddings       | {\"input\":\"x\"}",
                "/generate            | {\"inputs\":[]}",
                "/generate            | {\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":\"many\"}}",
            })
    void badBodiesGetAnOpenAiStyle400(String path, String body) {
        HttpResponse<String> response = post(sim, path, body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonObject error = json(response).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("message")).isNotBlank();
    }

    @Test
    void unknownPathsAndMethodsAreRejected() {
        assertThat(post(sim, "/v1/completions", "{}").statusCode()).isEqualTo(404);
        assertThat(Http.get(sim, "/v1/chat/completions").statusCode()).isEqualTo(405);
    }

    private static String content(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        return content(json(response));
    }

    private static String content(JsonObject completion) {
        return completion
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content");
    }

    private static List<Object> vector(JsonArray data, int index) {
        return data.getJsonObject(index).getJsonArray("embedding").getList();
    }

    private static double norm(JsonArray vector) {
        double sum = 0;
        for (int i = 0; i < vector.size(); i++) {
            sum += vector.getDouble(i) * vector.getDouble(i);
        }
        return Math.sqrt(sum);
    }
}
