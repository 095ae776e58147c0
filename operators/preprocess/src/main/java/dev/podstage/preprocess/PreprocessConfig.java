package dev.podstage.preprocess;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;

/** {@code podstage.preprocess.*}: each key settable as {@code PODSTAGE_PREPROCESS_…} or by its option. */
@ConfigMapping(prefix = "podstage.preprocess")
public interface PreprocessConfig {

    String PREFIX = "podstage.preprocess";

    /** The record field holding the document's text. */
    @WithDefault("text")
    String textField();

    /** Markup to strip before cleaning: {@code html}, {@code markdown}, both, or {@code none}. */
    @WithDefault("none")
    List<String> strip();

    @WithDefault("nfc")
    UnicodeForm unicodeForm();

    /** Largest chunk, in estimated tokens (code points / 4). */
    @WithDefault("512")
    int chunkTokens();

    /** Estimated tokens a chunk repeats from the end of the one before it. */
    @WithDefault("64")
    int chunkOverlap();

    /** Drop chunks whose text already occurred in this run. */
    @WithDefault("true")
    boolean dedupe();

    @WithName("price-input-per-1k")
    @WithDefault("0")
    double priceInputPer1k();

    @WithName("price-output-per-1k")
    @WithDefault("0")
    double priceOutputPer1k();

    /** Output tokens infer is expected to produce per chunk; infer's default --max-tokens, the worst case. */
    @WithDefault("256")
    int expectedOutputTokens();
}
