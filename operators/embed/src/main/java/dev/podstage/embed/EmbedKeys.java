package dev.podstage.embed;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.podstage.embedding.SentenceEncoder;
import dev.podstage.runtime.io.CanonicalJson;
import dev.podstage.runtime.io.Json;

/**
 * Cache keys by content: {@code podstage:embed:} + sha256 of the canonical JSON of the model, how it
 * reads and pools, and the text — the same key {@code CacheKeys.of("embed", identity(text))} gives, built
 * from a fixed prefix because it is computed for every record, cached reruns included.
 */
final class EmbedKeys {

    static final String NAMESPACE = "embed";
    static final String POOLING = "mean+l2";

    /** {@link #identity} without its last field, keys in canonical (sorted) order. */
    private static final String PREFIX = "{\"max_tokens\":" + SentenceEncoder.MAX_TOKENS + ",\"model\":\""
            + SentenceEncoder.MODEL_NAME + "\",\"pooling\":\"" + POOLING + "\",\"text\":";

    private EmbedKeys() {
    }

    static String of(String text) {
        try {
            return "podstage:" + NAMESPACE + ":" + CanonicalJson.sha256Hex(PREFIX + Json.MAPPER.writeValueAsString(text) + "}");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string is always JSON", e);
        }
    }

    /** Everything that determines a vector. */
    static java.util.Map<String, Object> identity(String text) {
        return java.util.Map.of("model", SentenceEncoder.MODEL_NAME, "max_tokens", SentenceEncoder.MAX_TOKENS,
                "pooling", POOLING, "text", text);
    }
}
