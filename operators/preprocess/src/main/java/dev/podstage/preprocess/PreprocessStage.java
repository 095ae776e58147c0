package dev.podstage.preprocess;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.SingleFileJob;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

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
        PreprocessSettings settings = PreprocessSettings.from(c, shared);
        return new SingleFileJob(
                settings.io(), answerConfig(settings), context -> new PreprocessRun(settings, context).execute());
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
}
