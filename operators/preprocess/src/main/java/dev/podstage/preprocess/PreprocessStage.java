package dev.podstage.preprocess;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.SingleFileIo;
import dev.podstage.runtime.stage.SingleFileJob;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code preprocess} stage: validates its configuration into a job that is a {@link PreprocessRun}. */
@ApplicationScoped
public class PreprocessStage extends ConfiguredStage<PreprocessConfig> {

    /** Bump when the chunks for the same input and configuration change. */
    static final String VERSION = "1";

    public PreprocessStage() {
        super("preprocess", VERSION, PreprocessConfig.class, PreprocessConfig.PREFIX);
    }

    @Override
    protected StageJob prepareJob(PreprocessConfig c, SharedConfig shared) {
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
        TextPipeline pipeline = new TextPipeline(strip.contains("markdown"), strip.contains("html"), c.unicodeForm());
        PreprocessSettings settings = new PreprocessSettings(
                io.input(),
                io.output(),
                textField,
                pipeline,
                c.chunkTokens(),
                c.chunkOverlap(),
                c.dedupe(),
                new CostProjection(c.priceInputPer1k(), c.priceOutputPer1k(), c.expectedOutputTokens()));
        return new SingleFileJob(io, answerConfig(settings), context -> new PreprocessRun(settings, context).execute());
    }

    /** Everything that shapes the chunks and the summary (prices too: the stored XCom carries the projection). */
    private static Map<String, Object> answerConfig(PreprocessSettings settings) {
        Map<String, Object> config = new LinkedHashMap<>();
        TextPipeline pipeline = settings.pipeline();
        config.put("text_field", settings.textField());
        config.put("strip_markdown", pipeline.stripMarkdown());
        config.put("strip_html", pipeline.stripHtml());
        config.put("unicode_form", pipeline.unicodeForm().name());
        config.put("chunk_tokens", settings.chunkTokens());
        config.put("chunk_overlap", settings.chunkOverlap());
        config.put("dedupe", settings.dedupe());
        config.put("price_input_per_1k", settings.projection().priceInputPer1k());
        config.put("price_output_per_1k", settings.projection().priceOutputPer1k());
        config.put("expected_output_tokens", settings.projection().expectedOutputTokens());
        config.put("output", DataUri.toUri(settings.output()));
        return config;
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
