package dev.podstage.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.io.Json;

/**
 * Reads infer's rejects ({@code {line, reason, raw}}) as errors of the records they stand for. The
 * record id is found, in order: in {@code raw} when it is the record's JSON with a string
 * {@code id}; as {@code raw} itself when the endpoint refused the request (infer writes the id
 * there); else {@code line:<n>}, the line of infer's input — an input line that never became a
 * record still counts as an error of the variant that was given it.
 */
final class InferRejects {

    static final String ENDPOINT_REFUSAL = "endpoint rejected";

    private InferRejects() {}

    static String recordId(long line, String reason, String raw) {
        if (raw != null && raw.startsWith("{")) {
            try {
                JsonNode id = Json.MAPPER.readTree(raw).get("id");
                if (id != null && id.isTextual() && !id.textValue().isEmpty()) {
                    return id.textValue();
                }
            } catch (java.io.IOException notJson) {
                // a line infer could not parse either: fall through to its line number
            }
        }
        if (reason != null && reason.startsWith(ENDPOINT_REFUSAL) && raw != null && !raw.isBlank()) {
            return raw;
        }
        return "line:" + line;
    }
}
