package dev.podstage.infer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.podstage.runtime.io.Json;

/**
 * An input's answer as the cache keeps it and identical inputs reuse it:
 * {@code {"output":…,"input_tokens":N,"output_tokens":N[,"estimated_usage":true],"endpoint":"…","latency_ms":N}}.
 * Read as a stream, not as a tree: a fully cached run reads one per record (the tree was a quarter
 * of its main thread).
 */
record StoredAnswer(JsonNode output, long inputTokens, long outputTokens, boolean estimatedUsage, String endpoint,
        long latencyMs) {

    /** Reads one value in the middle of the entry: what follows it is the rest of the entry, not trailing garbage. */
    private static final ObjectReader VALUE_READER = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static StoredAnswer of(ItemAnswer answer, String endpoint, long latencyMs) {
        return new StoredAnswer(answer.output(), answer.inputTokens(), answer.outputTokens(), answer.estimatedUsage(),
                endpoint, latencyMs);
    }

    /** The cache entry. */
    String toJson() {
        StringWriter text = new StringWriter(64);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(text)) {
            json.writeStartObject();
            json.writeFieldName("output");
            Json.MAPPER.writeTree(json, output);
            json.writeNumberField("input_tokens", inputTokens);
            json.writeNumberField("output_tokens", outputTokens);
            if (estimatedUsage) {
                json.writeBooleanField("estimated_usage", true);
            }
            json.writeStringField("endpoint", endpoint);
            json.writeNumberField("latency_ms", latencyMs);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a string writer does not fail
        }
        return text.toString();
    }

    /** A cache entry read back, or null when it is not one (unreadable, another shape): then it counts as a miss. */
    static StoredAnswer parse(String entry) {
        try (JsonParser parser = Json.MAPPER.createParser(entry)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode output = null;
            long inputTokens = 0;
            long outputTokens = 0;
            boolean estimated = false;
            String endpoint = "";
            long latencyMs = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "output" -> output = VALUE_READER.readTree(parser);
                    case "input_tokens" -> inputTokens = parser.getValueAsLong();
                    case "output_tokens" -> outputTokens = parser.getValueAsLong();
                    case "estimated_usage" -> estimated = value == JsonToken.VALUE_TRUE;
                    case "endpoint" -> endpoint = parser.getValueAsString("");
                    case "latency_ms" -> latencyMs = parser.getValueAsLong();
                    default -> parser.skipChildren();
                }
            }
            if (output == null || parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null;
            }
            return new StoredAnswer(output, inputTokens, outputTokens, estimated, endpoint, latencyMs);
        } catch (IOException e) {
            return null;
        }
    }
}
