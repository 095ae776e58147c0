package dev.podstage.embed;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embed}: sentence embeddings of JSON Lines chunks with all-MiniLM-L6-v2 on ONNX Runtime. */
@TopCommand
@Command(
        name = "embed",
        version = "podstage embed " + EmbedStage.VERSION,
        description = "Embeds the text field of each record with all-MiniLM-L6-v2 (384 dimensions, L2-normalised) and"
                + " writes the record with embedding, model, dim and cached. Unchanged texts come from the cache."
                + " Exit codes: 0 ok, 2 bad configuration, 3 bad input, 75 transient (retry), 1 other.",
        footer = {
            "",
            "Services by environment: PODSTAGE_REDIS_URL (cache), PODSTAGE_DB_URL + PODSTAGE_DB_PASSWORD"
                    + " (ledger), PODSTAGE_STATSD_HOST/PORT (metrics), PODSTAGE_XCOM_PATH (default /airflow/xcom/return.json)."
                    + " ONNX Runtime unpacks its native library under java.io.tmpdir: it must be writable."
        })
public class EmbedCommand extends StageCommand {

    @Mixin
    StageOptions.JsonLinesInputOutput inputOutput;

    @Option(
            names = "--text-field",
            descriptionKey = "podstage.embed.text-field",
            paramLabel = "FIELD",
            description = "Record field holding the text; other fields pass through. Env PODSTAGE_EMBED_TEXT_FIELD."
                    + " Default: ${DEFAULT-VALUE}.")
    String textField;

    @Option(
            names = "--batch-size",
            descriptionKey = "podstage.embed.batch-size",
            paramLabel = "N",
            description = "Texts per model run (1-1024). Env PODSTAGE_EMBED_BATCH_SIZE. Default: ${DEFAULT-VALUE}.")
    String batchSize;

    @Option(
            names = "--threads",
            descriptionKey = "podstage.embed.threads",
            paramLabel = "N",
            description = "Batches encoded at once. Env PODSTAGE_EMBED_THREADS. Default: the pod's cores.")
    String threads;

    @Option(
            names = "--intra-op-threads",
            descriptionKey = "podstage.embed.intra-op-threads",
            paramLabel = "N",
            description = "Threads inside one batch. Env PODSTAGE_EMBED_INTRA_OP_THREADS. Default: cores / threads.")
    String intraOpThreads;

    @Option(
            names = "--device",
            descriptionKey = "podstage.embed.device",
            description = "cpu | cuda (cuda: image built with -Pgpu, on a GPU node). Env PODSTAGE_EMBED_DEVICE."
                    + " Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(
            names = "--work-dir",
            descriptionKey = "podstage.embed.work-dir",
            paramLabel = "DIR",
            description = "Writable directory for the tokenizer's native library and the unpacked model."
                    + " Env PODSTAGE_EMBED_WORK_DIR."
                    + " Default: <java.io.tmpdir>/podstage-embedding.")
    String workDir;

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;

    @Mixin
    StageOptions.Variant variant;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
