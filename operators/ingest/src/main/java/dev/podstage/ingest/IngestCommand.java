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
 * for Airflow's dynamic task mapping.
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
            description = "A file, a directory (every file below it, sorted by path) or an http(s) URL; repeatable."
                    + " Env PODSTAGE_INPUT (comma-separated).")
    List<String> input;

    @Option(
            names = "--output",
            descriptionKey = "podstage.output",
            paramLabel = "DIR",
            description = "Output directory of the shards; rejects go to <DIR>.rejects.jsonl. Env PODSTAGE_OUTPUT.")
    String output;

    @Option(
            names = "--shards",
            descriptionKey = "podstage.ingest.shards",
            paramLabel = "N",
            description = "Exactly N shards (then --shard-size is not used). Env PODSTAGE_INGEST_SHARDS.")
    String shards;

    @Option(
            names = "--shard-size",
            descriptionKey = "podstage.ingest.shard-size",
            paramLabel = "M",
            description = "About M records per shard: N = ceil(records / M). Env PODSTAGE_INGEST_SHARD_SIZE."
                    + " Default: ${DEFAULT-VALUE}.")
    String shardSize;

    @Option(
            names = "--max-map-length",
            descriptionKey = "podstage.ingest.max-map-length",
            paramLabel = "N",
            description = "Airflow's [core] max_map_length: more shards than this is an error (exit 2)."
                    + " Env PODSTAGE_INGEST_MAX_MAP_LENGTH. Default: ${DEFAULT-VALUE}.")
    String maxMapLength;

    @Option(
            names = "--id-field",
            descriptionKey = "podstage.ingest.id-field",
            paramLabel = "FIELD",
            description = "Field/column of the id (default: id, generated when missing; when set, a CSV must have it)."
                    + " Env PODSTAGE_INGEST_ID_FIELD.")
    String idField;

    @Option(
            names = "--text-field",
            descriptionKey = "podstage.ingest.text-field",
            paramLabel = "FIELD",
            description = "Field/column of the text. Env PODSTAGE_INGEST_TEXT_FIELD. Default: ${DEFAULT-VALUE}.")
    String textField;

    @Option(
            names = "--format",
            descriptionKey = "podstage.ingest.format",
            description = "auto | jsonl | csv | tsv | text | markdown | html; auto goes by extension (and Content-Type"
                    + " for URLs). Env PODSTAGE_INGEST_FORMAT. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--csv-delimiter",
            descriptionKey = "podstage.ingest.csv-delimiter",
            paramLabel = "CHAR",
            description = "CSV field separator ('tab' for a tab). Env PODSTAGE_INGEST_CSV_DELIMITER."
                    + " Default: ${DEFAULT-VALUE}.")
    String csvDelimiter;

    @Option(
            names = "--fetch-timeout",
            descriptionKey = "podstage.ingest.fetch-timeout",
            paramLabel = "DURATION",
            description =
                    "Per download attempt of a URL. Env PODSTAGE_INGEST_FETCH_TIMEOUT." + " Default: ${DEFAULT-VALUE}.")
    String fetchTimeout;

    @Option(
            names = "--fetch-retries",
            descriptionKey = "podstage.ingest.fetch-retries",
            paramLabel = "N",
            description = "Retries of a download (429, 5xx, broken connection). Env PODSTAGE_INGEST_FETCH_RETRIES."
                    + " Default: ${DEFAULT-VALUE}.")
    String fetchRetries;

    @Option(
            names = "--fetch-backoff-initial",
            descriptionKey = "podstage.ingest.fetch-backoff-initial",
            paramLabel = "DURATION",
            description = "First retry delay, doubled each retry (Retry-After wins when"
                    + " longer). Env PODSTAGE_INGEST_FETCH_BACKOFF_INITIAL. Default: ${DEFAULT-VALUE}.")
    String fetchBackoffInitial;

    @Option(
            names = "--fetch-backoff-max",
            descriptionKey = "podstage.ingest.fetch-backoff-max",
            paramLabel = "DURATION",
            description = "Longest retry delay. Env PODSTAGE_INGEST_FETCH_BACKOFF_MAX." + " Default: ${DEFAULT-VALUE}.")
    String fetchBackoffMax;

    @Option(
            names = "--max-reject-ratio",
            descriptionKey = "podstage.max-reject-ratio",
            paramLabel = "R",
            description = "Rejected/input records above which the stage fails (exit 3). Env PODSTAGE_MAX_REJECT_RATIO."
                    + " Default: ${DEFAULT-VALUE}.")
    String maxRejectRatio;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
