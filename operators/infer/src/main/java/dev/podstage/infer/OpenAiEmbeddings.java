package dev.podstage.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.resilience.RemoteCallException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OpenAI-compatible {@code /v1/embeddings}: a batch of inputs per request. */
final class OpenAiEmbeddings implements WireFormat {

    private final String model;

    OpenAiEmbeddings(String model) {
        this.model = model;
    }

    @Override
    public String url(String endpoint) {
        return WireFormat.openAiUrl(endpoint, "embeddings");
    }

    @Override
    public int batchLimit(int configured) {
        return configured;
    }

    @Override
    public ObjectNode request(List<String> inputs) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        var input = body.putArray("input");
        inputs.forEach(input::add);
        return body;
    }

    @Override
    public List<ItemAnswer> answers(String url, JsonNode body, List<String> inputs) {
        JsonNode data = body.path("data");
        if (!data.isArray() || data.size() != inputs.size()) {
            throw RemoteCallException.malformed(url, "expected data[] with " + inputs.size() + " embeddings");
        }
        JsonNode[] byIndex = new JsonNode[inputs.size()];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            if (index < 0 || index >= byIndex.length || !item.path("embedding").isArray()) {
                throw RemoteCallException.malformed(url, "embedding without a valid index");
            }
            byIndex[index] = item.get("embedding");
        }
        long[] tokens = splitUsage(body.path("usage").path("prompt_tokens"), inputs);
        List<ItemAnswer> answers = new ArrayList<>(inputs.size());
        boolean estimated = !body.path("usage").path("prompt_tokens").isNumber();
        for (int i = 0; i < byIndex.length; i++) {
            if (byIndex[i] == null) {
                throw RemoteCallException.malformed(url, "embedding " + i + " missing");
            }
            answers.add(new ItemAnswer(byIndex[i], tokens[i], 0, estimated));
        }
        return answers;
    }

    /** The endpoint reports tokens per request; records get shares proportional to their length. */
    static long[] splitUsage(JsonNode reported, List<String> inputs) {
        long[] estimates =
                inputs.stream().mapToLong(s -> Math.max(1, s.length())).toArray();
        long sum = java.util.Arrays.stream(estimates).sum();
        if (!reported.isNumber()) {
            return inputs.stream().mapToLong(WireFormat::estimateTokens).toArray();
        }
        long total = reported.asLong();
        long[] shares = new long[estimates.length];
        long assigned = 0;
        for (int i = 0; i < shares.length; i++) {
            shares[i] = i == shares.length - 1 ? total - assigned : total * estimates[i] / sum;
            assigned += shares[i];
        }
        return shares;
    }

    @Override
    public Object cacheIdentity(String input) {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("protocol", "openai-embeddings");
        id.put("model", model);
        id.put("input", input);
        return id;
    }

    @Override
    public long maxOutputTokens() {
        return 0;
    }
}
