package dev.podstage.preprocess;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code preprocess}: one shard of documents into clean, token-sized, deduplicated chunks. */
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
            description = "Input JSON Lines (a shard of {id, text, …}). Env PODSTAGE_INPUT.")
    String input;

    @Option(
            names = "--output",
            descriptionKey = "podstage.output",
            paramLabel = "URI",
            description = "Output JSON Lines of chunks; rejects go to <output>.rejects.jsonl. Env PODSTAGE_OUTPUT.")
    String output;

    @Option(
            names = "--text-field",
            descriptionKey = "podstage.preprocess.text-field",
            paramLabel = "FIELD",
            description = "Field holding the text. Env PODSTAGE_PREPROCESS_TEXT_FIELD. Default: ${DEFAULT-VALUE}.")
    String textField;

    @Option(
            names = "--strip",
            descriptionKey = "podstage.preprocess.strip",
            paramLabel = "KINDS",
            description = "Markup to strip: html, markdown, html,markdown or none. Env PODSTAGE_PREPROCESS_STRIP."
                    + " Default: ${DEFAULT-VALUE}.")
    String strip;

    @Option(
            names = "--unicode-form",
            descriptionKey = "podstage.preprocess.unicode-form",
            paramLabel = "FORM",
            description = "nfc | nfkc | none. Env PODSTAGE_PREPROCESS_UNICODE_FORM. Default: ${DEFAULT-VALUE}.")
    String unicodeForm;

    @Option(
            names = "--chunk-tokens",
            descriptionKey = "podstage.preprocess.chunk-tokens",
            paramLabel = "N",
            description = "Largest chunk in estimated tokens (code points / 4). Env PODSTAGE_PREPROCESS_CHUNK_TOKENS."
                    + " Default: ${DEFAULT-VALUE}.")
    String chunkTokens;

    @Option(
            names = "--chunk-overlap",
            descriptionKey = "podstage.preprocess.chunk-overlap",
            paramLabel = "N",
            description = "Tokens of whole words a chunk repeats from the previous one (< --chunk-tokens)."
                    + " Env PODSTAGE_PREPROCESS_CHUNK_OVERLAP. Default: ${DEFAULT-VALUE}.")
    String chunkOverlap;

    @Option(
            names = "--dedupe",
            descriptionKey = "podstage.preprocess.dedupe",
            paramLabel = "BOOL",
            description = "Drop chunks whose exact text was already written in this run."
                    + " Env PODSTAGE_PREPROCESS_DEDUPE. Default: ${DEFAULT-VALUE}.")
    String dedupe;

    @Option(
            names = "--price-input-per-1k",
            descriptionKey = "podstage.preprocess.price-input-per-1k",
            paramLabel = "USD",
            description = "Infer's price per 1,000 input tokens, for the projection. Env"
                    + " PODSTAGE_PREPROCESS_PRICE_INPUT_PER_1K. Default: ${DEFAULT-VALUE}.")
    String priceInput;

    @Option(
            names = "--price-output-per-1k",
            descriptionKey = "podstage.preprocess.price-output-per-1k",
            paramLabel = "USD",
            description = "Infer's price per 1,000 output tokens. Env PODSTAGE_PREPROCESS_PRICE_OUTPUT_PER_1K."
                    + " Default: ${DEFAULT-VALUE}.")
    String priceOutput;

    @Option(
            names = "--expected-output-tokens",
            descriptionKey = "podstage.preprocess.expected-output-tokens",
            paramLabel = "N",
            description = "Output tokens per chunk infer is expected to produce (default: infer's"
                    + " --max-tokens default, the worst case). Env PODSTAGE_PREPROCESS_EXPECTED_OUTPUT_TOKENS."
                    + " Default: ${DEFAULT-VALUE}.")
    String expectedOutputTokens;

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
