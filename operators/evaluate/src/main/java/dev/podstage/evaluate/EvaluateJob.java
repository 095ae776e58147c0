package dev.podstage.evaluate;

import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageJob;
import dev.podstage.runtime.stage.StageOutcome;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One prepared {@code evaluate} run. Its inputs are the references file and the stored rows: the
 * job key takes the rows' fingerprint (count and last change per variant), so evaluating again after
 * the store wrote more results is new work, not "already done".
 */
final class EvaluateJob implements StageJob {

    private final EvaluateSettings settings;
    private final Map<String, Object> config;
    private final EvaluateSchema schema;
    private final ResultsReader results;
    private final AbResults abResults;
    private Map<String, Object> answerConfig;

    EvaluateJob(
            EvaluateSettings settings,
            Map<String, Object> config,
            EvaluateSchema schema,
            ResultsReader results,
            AbResults abResults) {
        this.settings = settings;
        this.config = config;
        this.schema = schema;
        this.results = results;
        this.abResults = abResults;
    }

    @Override
    public synchronized Object answerConfig() {
        if (answerConfig == null) {
            results.requireResults();
            Map<String, Object> withRows = new LinkedHashMap<>(config);
            withRows.put("rows_a", results.fingerprint(settings.variantA(), settings.scope()));
            withRows.put("rows_b", results.fingerprint(settings.variantB(), settings.scope()));
            answerConfig = withRows;
        }
        return answerConfig;
    }

    @Override
    public List<Path> inputs() {
        return settings.references() == null ? List.of() : List.of(settings.references());
    }

    @Override
    public List<Path> outputs() {
        return List.of(settings.output());
    }

    @Override
    public StageOutcome run(StageContext context) {
        return new EvaluateRun(settings, context, schema, results, abResults).execute();
    }
}
