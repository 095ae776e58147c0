package dev.podstage.evaluate;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code evaluate} stage: validates its configuration into an {@link EvaluateJob}. */
@ApplicationScoped
public class EvaluateStage extends ConfiguredStage<EvaluateConfig> {

    /** Bump when the verdict or report for the same data and configuration changes. */
    static final String VERSION = "1";

    @Inject
    EvaluateSchema schema;

    @Inject
    ResultsReader results;

    @Inject
    AbResults abResults;

    public EvaluateStage() {
        super("evaluate", VERSION, EvaluateConfig.class, EvaluateConfig.PREFIX);
    }

    @Override
    protected StageJob prepareJob(EvaluateConfig c, SharedConfig shared) {
        EvaluateSettings settings = EvaluateSettings.from(c, shared);
        return new EvaluateJob(settings, answerConfig(settings), schema, results, abResults);
    }

    /** What determines the verdict and report, besides the stored rows (their fingerprint is added by the job). */
    private static Map<String, Object> answerConfig(EvaluateSettings s) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("variant_a", s.variantA());
        config.put("variant_b", s.variantB());
        config.put("run_id", s.scope().runId());
        config.put("model", s.scope().model());
        config.put("similarity", s.similarity().configName());
        config.put("rule", s.rule().stream().map(Criterion::configName).toList());
        config.put("min_samples", s.minSamples());
        config.put(
                "tolerances",
                List.of(
                        s.tolerances().quality(),
                        s.tolerances().errors(),
                        s.tolerances().relative()));
        config.put("output", DataUri.toUri(s.output()));
        return config;
    }
}
