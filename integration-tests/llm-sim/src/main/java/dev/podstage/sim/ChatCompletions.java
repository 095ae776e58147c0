package dev.podstage.sim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** OpenAI {@code POST /v1/chat/completions}: one prompt, one choice. */
final class ChatCompletions implements Protocol {

    private final SimConfig config;

    ChatCompletions(SimConfig config) {
        this.config = config;
    }

    @Override
    public Reply answer(Buffer body) {
        JsonObject request = JsonRequests.object(body);
        String model = JsonRequests.string(request, "model");
        if (Boolean.TRUE.equals(request.getValue("stream"))) {
            throw new BadRequest("'stream' is not supported by llm-sim");
        }
        if (!(request.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            throw new BadRequest("'messages' must be a non-empty array");
        }
        long promptTokens = 0;
        String lastUser = null;
        String last = null;
        for (Object m : messages) {
            if (!(m instanceof JsonObject message)) {
                throw new BadRequest("every message must be an object");
            }
            String role = JsonRequests.string(message, "role");
            last = content(message);
            promptTokens += Synth.tokens(last);
            if (role.equals("user")) {
                lastUser = last;
            }
        }
        // max_completion_tokens is the newer name of the same cap.
        int cap = JsonRequests.positiveInt(
                request, "max_completion_tokens", JsonRequests.positiveInt(request, "max_tokens", Integer.MAX_VALUE));
        Generation generation = Generation.of(config, model, lastUser != null ? lastUser : last, cap);
        JsonObject usage = new JsonObject()
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", generation.billedTokens())
                .put("total_tokens", promptTokens + generation.billedTokens());
        if (generation.reasoningTokens() > 0) {
            usage.put(
                    "completion_tokens_details",
                    new JsonObject().put("reasoning_tokens", generation.reasoningTokens()));
        }

        JsonObject response = new JsonObject()
                .put(
                        "id",
                        "chatcmpl-"
                                + HexFormat.of()
                                        .toHexDigits(ThreadLocalRandom.current().nextLong()))
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", model)
                .put(
                        "choices",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("index", 0)
                                        .put(
                                                "message",
                                                new JsonObject()
                                                        .put("role", "assistant")
                                                        .put("content", generation.text()))
                                        .put("finish_reason", "stop")))
                .put("usage", usage);
        return new Reply(
                response.encode(),
                1,
                promptTokens,
                generation.billedTokens(),
                generation.billedTokens(),
                config.latencyMs(model));
    }

    /** A string, or OpenAI's array of content parts whose text parts are concatenated; null (tool calls) is empty. */
    private static String content(JsonObject message) {
        Object content = message.getValue("content");
        if (content == null) {
            return "";
        }
        if (content instanceof String text) {
            return text;
        }
        if (content instanceof JsonArray parts) {
            StringBuilder text = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof JsonObject p && p.getValue("text") instanceof String t) {
                    text.append(t);
                }
            }
            return text.toString();
        }
        throw new BadRequest("message 'content' must be a string or an array of content parts");
    }
}
