package dev.podstage.evaluate;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** {@code podstage.evaluate.*}: every key settable as {@code PODSTAGE_EVALUATE_…} or as the option of the same name. */
@ConfigMapping(prefix = "podstage.evaluate")
public interface EvaluateConfig {

    String PREFIX = "podstage.evaluate";

    Optional<String> variantA();

    Optional<String> variantB();

    /** Only rows last stored by this Airflow run ({@code podstage_results.run_id}); unset: every run. */
    Optional<String> runId();

    /** Only rows of this model; unset: every model. */
    Optional<String> model();

    /** JSON Lines {@code {id, reference}}: the expected answers that quality is measured against. */
    Optional<String> references();

    /** {@code none} or {@code minilm}; unset: minilm when there are references. */
    Optional<SimilarityMethod> similarity();

    /** Criteria in order: the first that tells the variants apart (beyond its tolerance) decides. */
    @WithDefault("quality,cost,latency")
    List<Criterion> rule();

    /** Records each variant needs for a verdict; below it: {@code insufficient_data}. */
    @WithDefault("30")
    int minSamples();

    /** Quality scores closer than this (absolute, 0..1) are a tie. */
    @WithDefault("0.02")
    double qualityTolerance();

    /** Error rates closer than this (absolute, 0..1) are a tie. */
    @WithDefault("0.01")
    double errorTolerance();

    /** Cost and latency closer than this fraction of the larger one are a tie. */
    @WithDefault("0.05")
    double relativeTolerance();
}
