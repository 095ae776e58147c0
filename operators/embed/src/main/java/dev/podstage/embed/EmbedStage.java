package dev.podstage.embed;

import dev.podstage.embedding.SentenceEncoder;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.SingleFileJob;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code embed} stage: validates its configuration into a job that is an {@link EmbedRun}. */
@ApplicationScoped
public class EmbedStage extends ConfiguredStage<EmbedConfig> {

    static final String NAME = "embed";

    /** Bump when the output for the same input and configuration changes. */
    static final String VERSION = "1";

    public EmbedStage() {
        super(NAME, VERSION, EmbedConfig.class, EmbedConfig.PREFIX);
    }

    @Override
    protected StageJob prepareJob(EmbedConfig c, SharedConfig shared) {
        EmbedSettings settings = EmbedSettings.from(c, shared);
        return new SingleFileJob(
                settings.io(), answerConfig(settings), context -> new EmbedRun(settings, context).execute());
    }

    /** What determines the vectors: the model and what is read, not how many threads or which device compute them. */
    private static Map<String, Object> answerConfig(EmbedSettings s) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", SentenceEncoder.MODEL_NAME);
        config.put("dim", SentenceEncoder.DIMENSION);
        config.put("max_tokens", SentenceEncoder.MAX_TOKENS);
        config.put("text_field", s.textField());
        config.put("output", DataUri.toUri(s.output()));
        config.put("variant", s.variant());
        return config;
    }
}
