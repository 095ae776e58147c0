package dev.podstage.infer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An input's answer as the cache keeps it and identical inputs reuse it:
 * {@code {"output":…,"input_tokens":N,"output_tokens":N[,"estimated_usage":true],"endpoint":"…","latency_ms":N}}.
 * The output is kept as its JSON text: a fully cached run reads one entry per record and copies
 * its output into the record as it is (tokenised, so a broken entry is still a miss, but never
 * built into a tree and serialised again: that was a fifth of such a run's main thread).
 */
record StoredAnswer(
        String outputJson,
        long inputTokens,
        long outputTokens,
        boolean estimatedUsage,
        String endpoint,
        long latencyMs) {

    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    static StoredAnswer of(ItemAnswer answer, String endpoint, long latencyMs) {
        JsonNode output = answer.output();
        String json;
        if (output.isTextual()) {
            json = quoted(output.textValue()); // the common answer: no generator per item for one string
        } else {
            try {
                json = Json.MAPPER.writeValueAsString(output);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e); // a tree read from JSON writes back
            }
        }
        return new StoredAnswer(
                json, answer.inputTokens(), answer.outputTokens(), answer.estimatedUsage(), endpoint, latencyMs);
    }

    /**
     * The cache entry, laid out by hand (one per answered input: a generator each was the cold run's
     * busiest allocation); {@link StoredAnswerReader} reads exactly this layout back.
     */
    String toJson() {
        StringBuilder json = new StringBuilder(112 + outputJson.length() + endpoint.length())
                .append("{\"output\":")
                .append(outputJson)
                .append(",\"input_tokens\":")
                .append(inputTokens)
                .append(",\"output_tokens\":")
                .append(outputTokens);
        if (estimatedUsage) {
            json.append(",\"estimated_usage\":true");
        }
        return json.append(",\"endpoint\":")
                .append(quoted(endpoint))
                .append(",\"latency_ms\":")
                .append(latencyMs)
                .append('}')
                .toString();
    }

    /** A JSON string literal, escaped as Jackson's generator escapes it. */
    private static String quoted(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 8).append('"');
        QUOTE.quoteAsString(text, quoted);
        return quoted.append('"').toString();
    }

    /**
     * A cache entry read back, or null when it is not one (unreadable, another shape, anything after
     * it): then it counts as a miss. Fields may come in any order; unknown ones are skipped.
     */
    static StoredAnswer parse(String entry) {
        StoredAnswer written = StoredAnswerReader.read(entry); // the layout toJson writes, without a parser
        return written != null ? written : parseAnyLayout(entry);
    }

    /** {@link #parse} with Jackson: any field order, spaces, unknown fields, any output shape. */
    static StoredAnswer parseAnyLayout(String entry) {
        try (JsonParser parser = Json.MAPPER.createParser(entry)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int outputStart = -1;
            String output = null;
            long inputTokens = 0;
            long outputTokens = 0;
            boolean estimated = false;
            String endpoint = "";
            long latencyMs = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                if (outputStart >= 0 && output == null) {
                    output = valueText(entry, outputStart, tokenStart(parser));
                }
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "output" -> {
                        outputStart = tokenStart(parser);
                        output = null; // a repeated field: the last one counts, as for the others
                        parser.skipChildren();
                        parser.finishToken(); // a string is checked (escapes included), not skipped
                    }
                    case "input_tokens" -> inputTokens = parser.getValueAsLong();
                    case "output_tokens" -> outputTokens = parser.getValueAsLong();
                    case "estimated_usage" -> estimated = value == JsonToken.VALUE_TRUE;
                    case "endpoint" -> endpoint = parser.getValueAsString("");
                    case "latency_ms" -> latencyMs = parser.getValueAsLong();
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || outputStart < 0) {
                return null;
            }
            if (output == null) {
                output = valueText(entry, outputStart, tokenStart(parser));
            }
            if (parser.nextToken() != null) {
                return null;
            }
            return new StoredAnswer(output, inputTokens, outputTokens, estimated, endpoint, latencyMs);
        } catch (IOException e) {
            return null;
        }
    }

    private static int tokenStart(JsonParser parser) {
        return (int) parser.currentTokenLocation().getCharOffset();
    }

    /** The text of a value that starts at {@code start} and ends before the separator and token at {@code next}. */
    private static String valueText(String entry, int start, int next) {
        int end = next;
        while (end > start && Character.isWhitespace(entry.charAt(end - 1))) {
            end--;
        }
        if (end > start && entry.charAt(end - 1) == ',') {
            end--;
            while (end > start && Character.isWhitespace(entry.charAt(end - 1))) {
                end--;
            }
        }
        return entry.substring(start, end);
    }
}
