package dev.podstage.evaluate;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code evaluate}: compares two variants' stored results and names a winner by rule. */
@TopCommand
@Command(
        name = "evaluate",
        version = "podstage evaluate " + EvaluateStage.VERSION,
        description = "Reads two variants' results from podstage_results (written by the store stage), computes per"
                + " variant the error rate, latency p50/p95, cost per record, cache hit ratio and — with references —"
                + " exact match and embedding similarity, picks a winner by the rule, writes an HTML report to --output"
                + " and a row to podstage_ab_results. Exit codes: 0 ok (also without a winner), 2 bad configuration,"
                + " 3 bad input, 75 transient (retry), 1 other.",
        footer = {
            "",
            "Services by environment: PODSTAGE_DB_URL (required) + PODSTAGE_DB_USER + PODSTAGE_DB_PASSWORD,"
                    + " PODSTAGE_STATSD_HOST/PORT (metrics), PODSTAGE_XCOM_PATH (default /airflow/xcom/return.json)."
        })
public class EvaluateCommand extends StageCommand {

    @Option(
            names = "--variant-a",
            descriptionKey = "podstage.evaluate.variant-a",
            paramLabel = "NAME",
            description = "First variant (podstage_results.variant). Env PODSTAGE_EVALUATE_VARIANT_A.")
    String variantA;

    @Option(
            names = "--variant-b",
            descriptionKey = "podstage.evaluate.variant-b",
            paramLabel = "NAME",
            description = "Second variant. Env PODSTAGE_EVALUATE_VARIANT_B.")
    String variantB;

    @Option(
            names = "--run-id",
            descriptionKey = "podstage.evaluate.run-id",
            paramLabel = "RUN_ID",
            description = "Only results stored by this Airflow run (default: every run). Env PODSTAGE_EVALUATE_RUN_ID.")
    String runId;

    @Option(
            names = "--model",
            descriptionKey = "podstage.evaluate.model",
            description = "Only results of this model (default: every model). Env PODSTAGE_EVALUATE_MODEL.")
    String model;

    @Option(
            names = "--references",
            descriptionKey = "podstage.evaluate.references",
            paramLabel = "URI",
            description = "Expected answers, JSON Lines {id, reference}: enables exact match and similarity."
                    + " Env PODSTAGE_EVALUATE_REFERENCES.")
    String references;

    @Option(
            names = "--similarity",
            descriptionKey = "podstage.evaluate.similarity",
            description = "none | minilm (mean cosine of all-MiniLM-L6-v2 embeddings of output and reference)."
                    + " Default: minilm with --references, else none. Env PODSTAGE_EVALUATE_SIMILARITY.")
    String similarity;

    @Option(
            names = "--rule",
            descriptionKey = "podstage.evaluate.rule",
            paramLabel = "CRITERIA",
            description = "Comma-separated, in order: quality, errors, cost, latency; the first that differs beyond its"
                    + " tolerance decides. Env PODSTAGE_EVALUATE_RULE. Default: ${DEFAULT-VALUE}.")
    String rule;

    @Option(
            names = "--min-samples",
            descriptionKey = "podstage.evaluate.min-samples",
            paramLabel = "N",
            description = "Records each variant needs for a verdict; below: insufficient_data, no winner."
                    + " Env PODSTAGE_EVALUATE_MIN_SAMPLES. Default: ${DEFAULT-VALUE}.")
    String minSamples;

    @Option(
            names = "--quality-tolerance",
            descriptionKey = "podstage.evaluate.quality-tolerance",
            paramLabel = "D",
            description = "Quality scores this close (absolute) tie. Env PODSTAGE_EVALUATE_QUALITY_TOLERANCE."
                    + " Default: ${DEFAULT-VALUE}.")
    String qualityTolerance;

    @Option(
            names = "--error-tolerance",
            descriptionKey = "podstage.evaluate.error-tolerance",
            paramLabel = "D",
            description = "Error rates this close (absolute) tie. Env PODSTAGE_EVALUATE_ERROR_TOLERANCE."
                    + " Default: ${DEFAULT-VALUE}.")
    String errorTolerance;

    @Option(
            names = "--relative-tolerance",
            descriptionKey = "podstage.evaluate.relative-tolerance",
            paramLabel = "R",
            description =
                    "Cost or latency within this fraction of the larger tie. Env PODSTAGE_EVALUATE_RELATIVE_TOLERANCE."
                            + " Default: ${DEFAULT-VALUE}.")
    String relativeTolerance;

    @Option(
            names = "--output",
            descriptionKey = "podstage.output",
            paramLabel = "URI",
            description =
                    "The HTML report; rejected reference lines go to <output>.rejects.jsonl. Env PODSTAGE_OUTPUT.")
    String output;

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;
}
