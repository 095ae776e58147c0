package dev.podstage.store;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code store}: idempotent, batched upserts of embed's chunks and infer's results into PostgreSQL. */
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
            description = "Input JSON Lines (file:// URI or path), repeatable: embed's chunks or infer's results."
                    + " Env PODSTAGE_INPUT (comma-separated).")
    List<String> input;

    @Option(
            names = "--output",
            descriptionKey = "podstage.output",
            paramLabel = "URI",
            description = "Receipt: one JSON line per table with its counts; rejects go to <output>.rejects.jsonl."
                    + " Env PODSTAGE_OUTPUT.")
    String output;

    @Option(
            names = "--kind",
            descriptionKey = "podstage.store.kind",
            description = "auto | chunks | results. auto: per input, from its first record ('embedding' → chunks,"
                    + " 'output' → results). Env PODSTAGE_STORE_KIND. Default: ${DEFAULT-VALUE}.")
    String kind;

    @Option(
            names = "--errors",
            descriptionKey = "podstage.store.errors",
            paramLabel = "URI",
            description = "Infer's rejects file (<output>.rejects.jsonl), repeatable: each line becomes an error row"
                    + " of its record, for evaluate's error rate; a missing file means no errors. Needs --model."
                    + " Env PODSTAGE_STORE_ERRORS.")
    List<String> errors;

    @Option(
            names = "--batch-size",
            descriptionKey = "podstage.store.batch-size",
            paramLabel = "N",
            description = "Records per transaction. Env PODSTAGE_STORE_BATCH_SIZE. Default: ${DEFAULT-VALUE}.")
    String batchSize;

    @Option(
            names = "--dimension",
            descriptionKey = "podstage.store.dimension",
            paramLabel = "N",
            description =
                    "Embedding length every chunk must have. Env PODSTAGE_STORE_DIMENSION. Default: ${DEFAULT-VALUE}.")
    String dimension;

    @Option(
            names = "--vector-type",
            descriptionKey = "podstage.store.vector-type",
            description = "auto | pgvector | array: the embedding column type when the table is created (auto: pgvector"
                    + " when the extension can be had, else real[]). Env PODSTAGE_STORE_VECTOR_TYPE."
                    + " Default: ${DEFAULT-VALUE}.")
    String vectorType;

    @Option(
            names = "--model",
            descriptionKey = "podstage.store.model",
            description = "Model of records that name none, and of --errors rows. Env PODSTAGE_STORE_MODEL.")
    String model;

    @Option(
            names = "--variant",
            descriptionKey = "podstage.variant",
            description = "A/B variant of result records that name none, and of --errors rows (default: \"\")."
                    + " Env PODSTAGE_VARIANT.")
    String variant;

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
