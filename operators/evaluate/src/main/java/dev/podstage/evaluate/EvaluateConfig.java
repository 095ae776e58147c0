package dev.podstage.evaluate;

import dev.podstage.runtime.config.Setting;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * {@code podstage.evaluate.*}: every key settable as {@code PODSTAGE_EVALUATE_…} or as the option of the
 * same name ({@link Setting}). Read by reflection for the options, also natively.
 */
@ConfigMapping(prefix = "podstage.evaluate")
@RegisterForReflection(methods = true)
public interface EvaluateConfig {

    String PREFIX = "podstage.evaluate";

    @Setting(order = 1, label = "NAME", help = "First variant (podstage_results.variant).")
    Optional<String> variantA();

    @Setting(order = 2, label = "NAME", help = "Second variant.")
    Optional<String> variantB();

    /** Only rows last stored by this Airflow run ({@code podstage_results.run_id}); unset: every run. */
    @Setting(order = 3, label = "RUN_ID", help = "Only results stored by this Airflow run (default: every run).")
    Optional<String> runId();

    /** Only rows of this model; unset: every model. */
    @Setting(order = 4, help = "Only results of this model (default: every model).")
    Optional<String> model();

    /** JSON Lines {@code {id, reference}}: the expected answers that quality is measured against. */
    @Setting(
            order = 5,
            label = "URI",
            help = "Expected answers, JSON Lines {id, reference}: enables exact match and similarity.")
    Optional<String> references();

    /** {@code none} or {@code minilm}; unset: minilm when there are references. */
    @Setting(
            order = 6,
            help = "none | minilm (mean cosine of all-MiniLM-L6-v2 embeddings of output and reference)."
                    + " Default: minilm with --references, else none.")
    Optional<SimilarityMethod> similarity();

    /** Criteria in order: the first that tells the variants apart (beyond its tolerance) decides. */
    @WithDefault("quality,cost,latency")
    @Setting(
            order = 7,
            label = "CRITERIA",
            help = "Comma-separated, in order: quality, errors, cost, latency; the first that differs beyond its"
                    + " tolerance decides.")
    List<Criterion> rule();

    /** Records each variant needs for a verdict; below it: {@code insufficient_data}. */
    @WithDefault("30")
    @Setting(
            order = 8,
            label = "N",
            help = "Records each variant needs for a verdict; below: insufficient_data, no winner.")
    int minSamples();

    /** Quality scores closer than this (absolute, 0..1) are a tie. */
    @WithDefault("0.02")
    @Setting(order = 9, label = "D", help = "Quality scores this close (absolute) tie.")
    double qualityTolerance();

    /** Error rates closer than this (absolute, 0..1) are a tie. */
    @WithDefault("0.01")
    @Setting(order = 10, label = "D", help = "Error rates this close (absolute) tie.")
    double errorTolerance();

    /** Cost and latency closer than this fraction of the larger one are a tie. */
    @WithDefault("0.05")
    @Setting(order = 11, label = "R", help = "Cost or latency within this fraction of the larger tie.")
    double relativeTolerance();
}
