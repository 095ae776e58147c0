package dev.podstage.store;

import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageJob;
import dev.podstage.runtime.stage.StageOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One prepared {@code store} run; the work itself is a {@link StoreRun}. */
final class StoreJob implements StageJob {

    private final StoreSettings settings;
    private final Map<String, Object> answerConfig;
    private final StoreSchema schema;
    private final Upserts upserts;
    private final RunLog runLog;

    StoreJob(
            StoreSettings settings,
            Map<String, Object> answerConfig,
            StoreSchema schema,
            Upserts upserts,
            RunLog runLog) {
        this.settings = settings;
        this.answerConfig = answerConfig;
        this.schema = schema;
        this.upserts = upserts;
        this.runLog = runLog;
    }

    @Override
    public Object answerConfig() {
        return answerConfig;
    }

    /** The inputs and the rejects files that exist: all of them are part of the job key. */
    @Override
    public List<Path> inputs() {
        List<Path> all = new ArrayList<>(settings.inputs());
        all.addAll(settings.errors());
        return all;
    }

    @Override
    public List<Path> outputs() {
        return List.of(settings.output());
    }

    @Override
    public StageOutcome run(StageContext context) {
        return new StoreRun(settings, context, schema, upserts, runLog).execute();
    }
}
