package dev.podstage.ingest;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ingest}: files, directories and URLs into stable, hash-assigned JSON Lines shards ready
 * for Airflow's dynamic task mapping. Its own options come from {@link IngestConfig}; the shared ones
 * below say what they mean here (directories, records).
 */
@TopCommand
@Command(
        name = "ingest",
        version = "podstage ingest " + IngestStage.VERSION,
        description = "Reads JSON Lines, CSV/TSV (with a header), and text/Markdown/HTML files (one file = one"
                + " document) from files, directories and http(s) URLs, and writes N shards"
                + " shard-0000i-of-0000N.jsonl of {id, text, source, metadata}. A record's shard is the first 8 bytes of sha256(id) mod N:"
                + " the same id lands in the same shard on every run. XCom 'shards' lists the non-empty shard URIs"
                + " for .expand(). Exit codes: 0 ok, 2 bad configuration, 3 bad input, 75 transient (retry), 1 other.",
        footer = {
            "",
            "Records without an id get sha256:<16 hex> of their text and metadata. A repeated id keeps its"
                    + " first occurrence (input order); later ones are dropped and counted (duplicate_ids).",
            "Services by environment: PODSTAGE_DB_URL + PODSTAGE_DB_PASSWORD (ledger), PODSTAGE_STATSD_HOST/PORT"
                    + " (metrics), PODSTAGE_XCOM_PATH (default /airflow/xcom/return.json)."
        })
public class IngestCommand extends StageCommand {

    @Option(
            names = "--input",
            descriptionKey = "podstage.input",
            paramLabel = "URI",
            order = StageOptions.BEFORE_STAGE_SETTINGS,
            description = "A file, a directory (every file below it, sorted by path) or an http(s) URL; repeatable.")
    List<String> input;

    @Option(
            names = "--output",
            descriptionKey = "podstage.output",
            paramLabel = "DIR",
            order = StageOptions.BEFORE_STAGE_SETTINGS,
            description = "Output directory of the shards; rejects go to <DIR>.rejects.jsonl.")
    String output;

    @Option(
            names = "--max-reject-ratio",
            descriptionKey = "podstage.max-reject-ratio",
            paramLabel = "R",
            order = StageOptions.AFTER_STAGE_SETTINGS,
            description = "Rejected/input records above which the stage fails (exit 3).")
    String maxRejectRatio;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
