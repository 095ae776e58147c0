package dev.podstage.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.resilience.RemoteCallException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OpenAI-compatible {@code /v1/chat/completions}: one prompt per request, many requests in flight. */
final class OpenAiChat implements WireFormat {

    private final String model;
    private final int maxTokens;
    private final Double temperature;
    private final String systemPrompt;

    OpenAiChat(String model, int maxTokens, Double temperature, String systemPrompt) {
        this.model = model;
        this.maxTokens = maxTokens;
        this.temperature = temperature;
        this.systemPrompt = systemPrompt;
    }

    @Override
    public String url(String endpoint) {
        return WireFormat.openAiUrl(endpoint, "chat/completions");
    }

    @Override
    public int batchLimit(int configured) {
        return 1;
    }

    @Override
    public ObjectNode request(List<String> inputs) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        var messages = body.putArray("messages");
        if (systemPrompt != null) {
            messages.addObject().put("role", "system").put("content", systemPrompt);
        }
        messages.addObject().put("role", "user").put("content", inputs.get(0));
        body.put("max_tokens", maxTokens);
        if (temperature != null) {
            body.put("temperature", temperature);
        }
        return body;
    }

    @Override
    public List<ItemAnswer> answers(String url, JsonNode body, List<String> inputs) {
        JsonNode content = body.path("choices").path(0).path("message").path("content");
        if (!content.isTextual()) {
            throw RemoteCallException.malformed(url, "no choices[0].message.content");
        }
        JsonNode usage = body.path("usage");
        boolean reported = usage.path("prompt_tokens").isNumber();
        long in = reported ? usage.path("prompt_tokens").asLong() : WireFormat.estimateTokens(inputs.get(0));
        long out = usage.path("completion_tokens").isNumber()
                ? usage.path("completion_tokens").asLong()
                : WireFormat.estimateTokens(content.textValue());
        return List.of(new ItemAnswer(content, in, out, !reported));
    }

    @Override
    public Object cacheIdentity(String input) {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("protocol", "openai-chat");
        id.put("model", model);
        id.put("max_tokens", maxTokens);
        id.put("temperature", temperature);
        id.put("system", systemPrompt);
        id.put("prompt", input);
        return id;
    }

    @Override
    public long maxOutputTokens() {
        return maxTokens;
    }
}
