package dev.podstage.evaluate;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: compares two variants' stored results and names a winner by rule. Its own options
 * come from {@link EvaluateConfig}.
 */
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
            names = "--output",
            descriptionKey = "podstage.output",
            paramLabel = "URI",
            order = StageOptions.AFTER_STAGE_SETTINGS,
            description = "The HTML report; rejected reference lines go to <output>.rejects.jsonl.")
    String output;

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;
}
