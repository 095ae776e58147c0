package dev.podstage.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.resilience.RemoteCallException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batched {@code {"inputs": [...], "parameters": {...}}} style of Hugging Face TGI / KServe:
 * the answer is an array with one {@code generated_text} per input. The URL is used as given
 * (its path names the route, e.g. {@code /generate}); a bare host gets {@code /generate}.
 */
final class InputsBatch implements WireFormat {

    private final String model;
    private final int maxNewTokens;

    InputsBatch(String model, int maxNewTokens) {
        this.model = model;
        this.maxNewTokens = maxNewTokens;
    }

    @Override
    public String url(String endpoint) {
        String path = java.net.URI.create(endpoint).getPath();
        return path == null || path.isEmpty() || path.equals("/")
                ? WireFormat.joinPath(endpoint, "/generate")
                : endpoint;
    }

    @Override
    public int batchLimit(int configured) {
        return configured;
    }

    @Override
    public ObjectNode request(List<String> inputs) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        var array = body.putArray("inputs");
        inputs.forEach(array::add);
        body.putObject("parameters").put("max_new_tokens", maxNewTokens);
        return body;
    }

    @Override
    public List<ItemAnswer> answers(String url, JsonNode body, List<String> inputs) {
        if (!body.isArray() || body.size() != inputs.size()) {
            throw RemoteCallException.malformed(url, "expected an array of " + inputs.size() + " answers");
        }
        List<ItemAnswer> answers = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode item = body.get(i);
            if (item.isArray() && item.size() == 1) {
                item = item.get(0); // the HF Inference API wraps each answer in a list
            }
            JsonNode text = item.path("generated_text");
            if (!text.isTextual()) {
                throw RemoteCallException.malformed(url, "answer " + i + " has no generated_text");
            }
            JsonNode details = item.path("details");
            boolean reported = details.path("generated_tokens").isNumber();
            long in = details.path("prompt_tokens").isNumber()
                    ? details.path("prompt_tokens").asLong()
                    : WireFormat.estimateTokens(inputs.get(i));
            long out =
                    reported ? details.path("generated_tokens").asLong() : WireFormat.estimateTokens(text.textValue());
            answers.add(new ItemAnswer(text, in, out, !reported));
        }
        return answers;
    }

    @Override
    public Object cacheIdentity(String input) {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("protocol", "inputs");
        id.put("model", model);
        id.put("max_new_tokens", maxNewTokens);
        id.put("input", input);
        return id;
    }

    @Override
    public long maxOutputTokens() {
        return maxNewTokens;
    }
}
