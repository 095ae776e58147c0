package dev.podstage.sim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** OpenAI {@code POST /v1/embeddings}: one vector per input, batched. */
final class Embeddings implements Protocol {

    private final SimConfig config;

    Embeddings(SimConfig config) {
        this.config = config;
    }

    @Override
    public Reply answer(Buffer body) {
        JsonObject request = JsonRequests.object(body);
        String model = JsonRequests.string(request, "model");
        List<String> inputs = JsonRequests.strings(request, "input");
        int dim = config.dim();
        long promptTokens = 0;
        JsonArray data = new JsonArray();
        for (int i = 0; i < inputs.size(); i++) {
            promptTokens += Synth.tokens(inputs.get(i));
            JsonArray vector = new JsonArray();
            for (float x : Synth.embedding(model, inputs.get(i), dim)) {
                vector.add(x);
            }
            data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vector));
        }
        JsonObject response = new JsonObject()
                .put("object", "list")
                .put("data", data)
                .put("model", model)
                .put(
                        "usage",
                        new JsonObject().put("prompt_tokens", promptTokens).put("total_tokens", promptTokens));
        return new Reply(response.encode(), inputs.size(), promptTokens, 0, 0, config.latencyMs(model));
    }
}
