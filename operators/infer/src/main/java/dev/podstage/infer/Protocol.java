package dev.podstage.infer;

/** The wire protocols {@code infer} speaks; config values are the lower-case hyphenated names. */
public enum Protocol {
    OPENAI_CHAT,
    OPENAI_EMBEDDINGS,
    INPUTS;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
