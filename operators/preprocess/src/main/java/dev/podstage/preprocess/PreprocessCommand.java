package dev.podstage.preprocess;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code preprocess}: one shard of documents into clean, token-sized, deduplicated chunks. Its own
 * options come from {@link PreprocessConfig}.
 */
@TopCommand
@Command(
        name = "preprocess",
        version = "podstage preprocess " + PreprocessStage.VERSION,
        description = "Cleans each document of a shard (optional Markdown/HTML stripping, Unicode normalisation,"
                + " whitespace and control characters), cuts it into chunks of about --chunk-tokens estimated tokens"
                + " (code points / 4) with --chunk-overlap, between words and preferably after sentences, and writes"
                + " {id: <doc_id>#<index>, doc_id, chunk_index, chunk_count, text, tokens, source, metadata}. Empty"
                + " documents, repeated ids and repeated chunk texts are dropped and counted. Exit codes: 0 ok,"
                + " 2 bad configuration, 3 bad input, 75 transient (retry), 1 other.",
        footer = {
            "",
            "XCom adds tokens_total and projected_cost_usd: what infer would cost on these chunks at the"
                    + " given prices.",
            "Services by environment: PODSTAGE_DB_URL + PODSTAGE_DB_PASSWORD (ledger),"
                    + " PODSTAGE_STATSD_HOST/PORT (metrics), PODSTAGE_XCOM_PATH (default"
                    + " /airflow/xcom/return.json)."
        })
public class PreprocessCommand extends StageCommand {

    @Option(
            names = "--input",
            descriptionKey = "podstage.input",
            paramLabel = "URI",
            order = StageOptions.BEFORE_STAGE_SETTINGS,
            description = "Input JSON Lines (a shard of {id, text, …}).")
    String input;

    @Option(
            names = "--output",
            descriptionKey = "podstage.output",
            paramLabel = "URI",
            order = StageOptions.BEFORE_STAGE_SETTINGS,
            description = "Output JSON Lines of chunks; rejects go to <output>.rejects.jsonl.")
    String output;

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
