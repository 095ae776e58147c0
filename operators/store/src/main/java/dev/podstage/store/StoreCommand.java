package dev.podstage.store;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code store}: idempotent, batched upserts of embed's chunks and infer's results into PostgreSQL. Its
 * own options come from {@link StoreConfig}.
 */
@TopCommand
@Command(
        name = "store",
        version = "podstage store " + StoreStage.VERSION,
        description =
                "Upserts chunks with embeddings (into podstage_documents and podstage_chunks) and inference results"
                        + " (into podstage_results, keyed by id, variant and model) in batches, one transaction each; a rerun"
                        + " leaves one row per key. Creates and versions its tables itself. Exit codes: 0 ok, 2 bad"
                        + " configuration, 3 bad input, 75 transient (retry), 1 other.",
        footer = {
            "",
            "Services by environment: PODSTAGE_DB_URL (required: postgresql://host:port/db) + PODSTAGE_DB_USER"
                    + " + PODSTAGE_DB_PASSWORD, PODSTAGE_STATSD_HOST/PORT (metrics), PODSTAGE_XCOM_PATH (default"
                    + " /airflow/xcom/return.json). The run is recorded in podstage_runs from AIRFLOW_CTX_*."
        })
public class StoreCommand extends StageCommand {

    @Option(
            names = "--input",
            descriptionKey = "podstage.input",
            paramLabel = "URI",
            order = StageOptions.BEFORE_STAGE_SETTINGS,
            description = "Input JSON Lines (file:// URI or path), repeatable: embed's chunks or infer's results.")
    List<String> input;

    @Option(
            names = "--output",
            descriptionKey = "podstage.output",
            paramLabel = "URI",
            order = StageOptions.BEFORE_STAGE_SETTINGS,
            description = "Receipt: one JSON line per table with its counts; rejects go to <output>.rejects.jsonl.")
    String output;

    @Option(
            names = "--variant",
            descriptionKey = "podstage.variant",
            order = StageOptions.AFTER_STAGE_SETTINGS,
            description = "A/B variant of result records that name none, and of --errors rows (default: \"\").")
    String variant;

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
