package dev.podstage.preprocess;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.stage.SingleFileIo;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The validated configuration of one {@code preprocess} run. */
record PreprocessSettings(
        Path input,
        Path output,
        String textField,
        TextPipeline pipeline,
        int chunkTokens,
        int chunkOverlap,
        boolean dedupe,
        CostProjection projection) {

    /** Checks the configuration, key by key in a fixed order: the first bad one is a {@link ConfigProblem}. */
    static PreprocessSettings from(PreprocessConfig c, SharedConfig shared) {
        String p = PreprocessConfig.PREFIX + ".";
        String textField = Checks.required(p + "text-field", Optional.of(c.textField()), "a field name");
        Set<String> strip = strip(p + "strip", c.strip());
        Checks.positive(p + "chunk-tokens", c.chunkTokens());
        Checks.atLeast(p + "chunk-overlap", c.chunkOverlap(), 0);
        if (c.chunkOverlap() >= c.chunkTokens()) {
            throw new ConfigProblem(
                    p + "chunk-overlap",
                    c.chunkOverlap(),
                    "fewer tokens than " + p + "chunk-tokens=" + c.chunkTokens() + " (half or less is usual)");
        }
        Checks.nonNegative(p + "price-input-per-1k", c.priceInputPer1k());
        Checks.nonNegative(p + "price-output-per-1k", c.priceOutputPer1k());
        Checks.atLeast(p + "expected-output-tokens", c.expectedOutputTokens(), 0);

        SingleFileIo io = SingleFileIo.of(
                shared,
                "one input URI (--input): a shard",
                "exactly one input URI for preprocess (map the task over shards to process several)");
        return new PreprocessSettings(
                io.input(),
                io.output(),
                textField,
                new TextPipeline(strip.contains("markdown"), strip.contains("html"), c.unicodeForm()),
                c.chunkTokens(),
                c.chunkOverlap(),
                c.dedupe(),
                new CostProjection(c.priceInputPer1k(), c.priceOutputPer1k(), c.expectedOutputTokens()));
    }

    SingleFileIo io() {
        return new SingleFileIo(input, output);
    }

    private static Set<String> strip(String key, List<String> values) {
        Set<String> kinds = new LinkedHashSet<>();
        for (String value : values) {
            String kind = value.trim().toLowerCase(Locale.ROOT);
            if (!kind.equals("html") && !kind.equals("markdown") && !kind.equals("none")) {
                throw new ConfigProblem(key, String.join(",", values), "html, markdown, both (html,markdown) or none");
            }
            if (!kind.equals("none")) {
                kinds.add(kind);
            }
        }
        return kinds;
    }
}
