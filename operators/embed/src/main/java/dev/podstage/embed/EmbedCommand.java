package dev.podstage.embed;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code embed}: sentence embeddings of JSON Lines chunks with all-MiniLM-L6-v2 on ONNX Runtime. Its own
 * options come from {@link EmbedConfig}.
 */
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

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;

    @Mixin
    StageOptions.Variant variant;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
