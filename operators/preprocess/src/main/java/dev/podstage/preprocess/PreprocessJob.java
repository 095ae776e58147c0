package dev.podstage.preprocess;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageJob;
import dev.podstage.runtime.stage.StageOutcome;

/** One prepared {@code preprocess} run; the work itself is a {@link PreprocessRun}. */
final class PreprocessJob implements StageJob {

    private final PreprocessSettings settings;

    PreprocessJob(PreprocessSettings settings) {
        this.settings = settings;
    }

    /** Everything that shapes the chunks and the summary (prices too: the stored XCom carries the projection). */
    @Override
    public Object answerConfig() {
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

    @Override
    public List<Path> inputs() {
        return List.of(settings.input());
    }

    @Override
    public List<Path> outputs() {
        return List.of(settings.output());
    }

    @Override
    public StageOutcome run(StageContext context) throws Exception {
        return new PreprocessRun(settings, context).execute();
    }
}
