package dev.podstage.evaluate;

import java.util.Locale;

/** How outputs and references are compared beyond exact match: not at all, or by MiniLM embeddings. */
public enum SimilarityMethod {
    NONE,
    MINILM;

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
