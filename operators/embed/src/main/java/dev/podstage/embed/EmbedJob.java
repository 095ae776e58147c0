package dev.podstage.embed;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageJob;
import dev.podstage.runtime.stage.StageOutcome;

/** One prepared {@code embed} run; the work itself is an {@link EmbedRun}. */
final class EmbedJob implements StageJob {

    private final EmbedSettings settings;
    private final Map<String, Object> answerConfig;

    EmbedJob(EmbedSettings settings, Map<String, Object> answerConfig) {
        this.settings = settings;
        this.answerConfig = answerConfig;
    }

    @Override
    public Object answerConfig() {
        return answerConfig;
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
    public StageOutcome run(StageContext context) throws InterruptedException {
        return new EmbedRun(settings, context).execute();
    }
}
