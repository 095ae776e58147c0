package dev.podstage.evaluate;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
        String p = EvaluateConfig.PREFIX + ".";
        Checks.required(
                "podstage.db-url",
                shared.dbUrl(),
                "a postgresql://host:port/database URL (env PODSTAGE_DB_URL): evaluate reads the stored results there");
        String a = Checks.required(p + "variant-a", c.variantA(), "the name of the first variant (--variant-a)");
        String b = Checks.required(p + "variant-b", c.variantB(), "the name of the second variant (--variant-b)");
        if (a.equals(b)) {
            throw new ConfigProblem(p + "variant-b", b, "a variant other than " + p + "variant-a");
        }
        Checks.positive(p + "min-samples", c.minSamples());
        Checks.between(p + "quality-tolerance", c.qualityTolerance(), 0, 1);
        Checks.between(p + "error-tolerance", c.errorTolerance(), 0, 1);
        Checks.between(p + "relative-tolerance", c.relativeTolerance(), 0, 1);
        List<Criterion> rule = c.rule();
        if (rule.isEmpty() || new HashSet<>(rule).size() != rule.size()) {
            throw new ConfigProblem(
                    p + "rule",
                    rule.stream().map(Criterion::configName).collect(Collectors.joining(",")),
                    "one or more of quality, errors, cost, latency, each at most once");
        }
        Path references = c.references()
                .filter(r -> !r.isBlank())
                .map(r -> DataUri.toPath(p + "references", r))
                .orElse(null);
        SimilarityMethod similarity =
                c.similarity().orElse(references == null ? SimilarityMethod.NONE : SimilarityMethod.MINILM);
        if (similarity == SimilarityMethod.MINILM && references == null) {
            throw new ConfigProblem(p + "similarity", "minilm", "none, unless " + p + "references is set");
        }
        Path output = DataUri.toPath(
                "podstage.output",
                Checks.required("podstage.output", shared.output(), "an output URI (--output) for the HTML report"));
        Scope scope =
                new Scope(c.runId().orElse("").trim(), c.model().orElse("").trim());
        EvaluateSettings settings = new EvaluateSettings(
                a,
                b,
                scope,
                references,
                similarity,
                List.copyOf(rule),
                c.minSamples(),
                new Tolerances(c.qualityTolerance(), c.errorTolerance(), c.relativeTolerance()),
                output);
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
