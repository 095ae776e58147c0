package dev.podstage.sim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code {"inputs": ...}} style of Hugging Face TGI and KServe: a list of inputs gets an array
 * with one result each, a single string gets that one result.
 */
final class TgiGenerate implements Protocol {

    private final SimConfig config;

    TgiGenerate(SimConfig config) {
        this.config = config;
    }

    @Override
    public Reply answer(Buffer body) {
        JsonObject request = JsonRequests.object(body);
        String model = JsonRequests.string(request, "model", "tgi");
        List<String> inputs = JsonRequests.strings(request, "inputs");
        Object parameters = request.getValue("parameters");
        if (parameters != null && !(parameters instanceof JsonObject)) {
            throw new BadRequest("'parameters' must be an object");
        }
        int cap = parameters == null
                ? Integer.MAX_VALUE
                : JsonRequests.positiveInt((JsonObject) parameters, "max_new_tokens", Integer.MAX_VALUE);
        long promptTokens = 0;
        long completionTokens = 0;
        int longest = 0;
        JsonArray results = new JsonArray();
        for (String input : inputs) {
            int inputTokens = Synth.tokens(input);
            Generation generation = Generation.of(config, model, input, cap);
            promptTokens += inputTokens;
            completionTokens += generation.billedTokens();
            longest = Math.max(longest, generation.billedTokens());
            results.add(new JsonObject()
                    .put("generated_text", generation.text())
                    .put(
                            "details",
                            new JsonObject()
                                    .put("generated_tokens", generation.billedTokens())
                                    .put("prompt_tokens", inputTokens)));
        }
        String encoded = request.getValue("inputs") instanceof String
                ? results.getJsonObject(0).encode()
                : results.encode();
        return new Reply(encoded, inputs.size(), promptTokens, completionTokens, longest, config.latencyMs(model));
    }
}
