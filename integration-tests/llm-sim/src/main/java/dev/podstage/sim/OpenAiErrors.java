package dev.podstage.sim;

import io.vertx.core.json.JsonObject;

/** OpenAI-shaped error bodies: {@code {"error":{"message":..,"type":..}}}. */
final class OpenAiErrors {

    private OpenAiErrors() {}

    static String body(String message, String type) {
        return new JsonObject()
                .put("error", new JsonObject().put("message", message).put("type", type))
                .encode();
    }

    /** The body a simulated failure with this status answers with. */
    static String forStatus(int status) {
        return switch (status) {
            case 401 -> body("invalid api key", "authentication_error");
            case 429 -> body("Rate limit reached (simulated by llm-sim)", "rate_limit_error");
            case 503 -> body("The server is overloaded (simulated by llm-sim)", "server_error");
            default ->
                status >= 500
                        ? body("The server had an error processing the request (simulated by llm-sim)", "server_error")
                        : body("Request rejected (simulated by llm-sim)", "invalid_request_error");
        };
    }
}
