package dev.podstage.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * What an input holds: embed's chunks ({@code embedding}) or infer's results ({@code output}).
 * {@code auto} looks at the first record of each input file, so one run can store both.
 */
public enum InputKind {
    AUTO,
    CHUNKS,
    RESULTS;

    /** The kind of a file whose first record is {@code first}, or null when it looks like neither. */
    static InputKind detect(ObjectNode first) {
        if (first.has("embedding")) {
            return CHUNKS;
        }
        if (first.has("output")) {
            return RESULTS;
        }
        return null;
    }

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
