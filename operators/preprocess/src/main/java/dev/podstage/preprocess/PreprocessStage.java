package dev.podstage.preprocess;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.Stage;
import dev.podstage.runtime.stage.StageJob;
import io.smallrye.config.SmallRyeConfig;

/** The {@code preprocess} stage: validates its configuration into a {@link PreprocessJob}. */
@ApplicationScoped
public class PreprocessStage implements Stage {

    /** Bump when the chunks for the same input and configuration change. */
    static final String VERSION = "1";

    @Override
    public String name() {
        return "preprocess";
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public StageJob prepare(SmallRyeConfig config, SharedConfig shared) {
        PreprocessConfig c = config.getConfigMapping(PreprocessConfig.class, PreprocessConfig.PREFIX);
        String p = PreprocessConfig.PREFIX + ".";
        String textField = Checks.required(p + "text-field", Optional.of(c.textField()), "a field name");
        Set<String> strip = strip(p + "strip", c.strip());
        Checks.positive(p + "chunk-tokens", c.chunkTokens());
        Checks.atLeast(p + "chunk-overlap", c.chunkOverlap(), 0);
        if (c.chunkOverlap() >= c.chunkTokens()) {
            throw new ConfigProblem(p + "chunk-overlap", c.chunkOverlap(), "fewer tokens than " + p + "chunk-tokens="
                    + c.chunkTokens() + " (half or less is usual)");
        }
        Checks.nonNegative(p + "price-input-per-1k", c.priceInputPer1k());
        Checks.nonNegative(p + "price-output-per-1k", c.priceOutputPer1k());
        Checks.atLeast(p + "expected-output-tokens", c.expectedOutputTokens(), 0);

        List<String> inputs = Checks.requiredList("podstage.input", shared.input(), "one input URI (--input): a shard");
        if (inputs.size() != 1) {
            throw new ConfigProblem("podstage.input", String.join(",", inputs), "exactly one input URI for preprocess"
                    + " (map the task over shards to process several)");
        }
        Path input = DataUri.toPath("podstage.input", inputs.get(0));
        Path output = DataUri.toPath("podstage.output", Checks.required("podstage.output", shared.output(),
                "an output URI (--output)"));
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new ConfigProblem("podstage.output", shared.output().get(), "a file other than the input");
        }
        TextPipeline pipeline = new TextPipeline(strip.contains("markdown"), strip.contains("html"), c.unicodeForm());
        PreprocessSettings settings = new PreprocessSettings(input, output, textField, pipeline, c.chunkTokens(),
                c.chunkOverlap(), c.dedupe(), new CostProjection(c.priceInputPer1k(), c.priceOutputPer1k(),
                        c.expectedOutputTokens()));
        return new PreprocessJob(settings);
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
