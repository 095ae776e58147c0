package dev.podstage.embed;

import dev.podstage.embedding.SentenceEncoder;
import dev.podstage.runtime.cache.KeyTemplate;
import java.util.Map;

/**
 * Cache keys by content: {@code podstage:embed:} + sha256 of the canonical JSON of the model, how it
 * reads and pools, and the text — {@code CacheKeys.of("embed", identity(text))}, through a
 * {@link KeyTemplate} because it is computed for every record, cached reruns included.
 */
final class EmbedKeys {

    static final String NAMESPACE = "embed";
    static final String POOLING = "mean+l2";

    private EmbedKeys() {}

    /** Keys for one thread. */
    static KeyTemplate template() {
        return KeyTemplate.of(NAMESPACE, EmbedKeys::identity);
    }

    /** Everything that determines a vector. */
    static Map<String, Object> identity(String text) {
        return Map.of(
                "model",
                SentenceEncoder.MODEL_NAME,
                "max_tokens",
                SentenceEncoder.MAX_TOKENS,
                "pooling",
                POOLING,
                "text",
                text);
    }
}
