package dev.podstage.infer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageJob;
import dev.podstage.runtime.stage.StageOutcome;
import io.vertx.mutiny.core.Vertx;

/** One prepared {@code infer} run; the work itself is an {@link InferRun}. */
final class InferJob implements StageJob {

    private final InferSettings settings;
    private final Map<String, Object> answerConfig;
    private final Vertx vertx;

    InferJob(InferSettings settings, Map<String, Object> answerConfig, Vertx vertx) {
        this.settings = settings;
        this.answerConfig = answerConfig;
        this.vertx = vertx;
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
        return new InferRun(settings, context, vertx).execute();
    }
}
