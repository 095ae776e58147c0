package dev.podstage.evaluate;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;

/** The validated configuration of one {@code evaluate} run; {@code references} is null without one. */
record EvaluateSettings(
        String variantA,
        String variantB,
        Scope scope,
        Path references,
        SimilarityMethod similarity,
        List<Criterion> rule,
        int minSamples,
        Tolerances tolerances,
        Path output) {

    /** Checks the configuration, key by key in a fixed order: the first bad one is a {@link ConfigProblem}. */
    static EvaluateSettings from(EvaluateConfig c, SharedConfig shared) {
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
        return new EvaluateSettings(
                a,
                b,
                new Scope(c.runId().orElse("").trim(), c.model().orElse("").trim()),
                references,
                similarity,
                List.copyOf(rule),
                c.minSamples(),
                new Tolerances(c.qualityTolerance(), c.errorTolerance(), c.relativeTolerance()),
                output);
    }
}
