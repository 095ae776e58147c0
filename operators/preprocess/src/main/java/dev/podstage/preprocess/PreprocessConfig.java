package dev.podstage.preprocess;

import dev.podstage.runtime.config.Setting;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;

/**
 * {@code podstage.preprocess.*}: each key settable as {@code PODSTAGE_PREPROCESS_…} or by its option
 * ({@link Setting}). Read by reflection for the options, also natively.
 */
@ConfigMapping(prefix = "podstage.preprocess")
@RegisterForReflection(methods = true)
public interface PreprocessConfig {

    String PREFIX = "podstage.preprocess";

    /** The record field holding the document's text. */
    @WithDefault("text")
    @Setting(order = 1, label = "FIELD", help = "Field holding the text.")
    String textField();

    /** Markup to strip before cleaning: {@code html}, {@code markdown}, both, or {@code none}. */
    @WithDefault("none")
    @Setting(order = 2, label = "KINDS", help = "Markup to strip: html, markdown, html,markdown or none.")
    List<String> strip();

    @WithDefault("nfc")
    @Setting(order = 3, label = "FORM", help = "nfc | nfkc | none.")
    UnicodeForm unicodeForm();

    /** Largest chunk, in estimated tokens (code points / 4). */
    @WithDefault("512")
    @Setting(order = 4, label = "N", help = "Largest chunk in estimated tokens (code points / 4).")
    int chunkTokens();

    /** Estimated tokens a chunk repeats from the end of the one before it. */
    @WithDefault("64")
    @Setting(
            order = 5,
            label = "N",
            help = "Tokens of whole words a chunk repeats from the previous one (< --chunk-tokens).")
    int chunkOverlap();

    /** Drop chunks whose text already occurred in this run. */
    @WithDefault("true")
    @Setting(order = 6, label = "BOOL", help = "Drop chunks whose exact text was already written in this run.")
    boolean dedupe();

    @WithName("price-input-per-1k")
    @WithDefault("0")
    @Setting(order = 7, label = "USD", help = "Infer's price per 1,000 input tokens, for the projection.")
    double priceInputPer1k();

    @WithName("price-output-per-1k")
    @WithDefault("0")
    @Setting(order = 8, label = "USD", help = "Infer's price per 1,000 output tokens.")
    double priceOutputPer1k();

    /** Output tokens infer is expected to produce per chunk; infer's default --max-tokens, the worst case. */
    @WithDefault("256")
    @Setting(
            order = 9,
            label = "N",
            help = "Output tokens per chunk infer is expected to produce (default: infer's --max-tokens default,"
                    + " the worst case).")
    int expectedOutputTokens();
}
