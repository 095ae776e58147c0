package dev.podstage.infer;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code infer}: batched, concurrent, cached, fault-tolerant and cost-aware LLM inference. */
@TopCommand
@Command(
        name = "infer",
        version = "podstage infer " + InferStage.VERSION,
        description =
                "Sends records to an LLM endpoint (OpenAI chat or embeddings, or TGI/KServe {\"inputs\"}) and writes"
                        + " one answer per record. Exit codes: 0 ok, 2 bad configuration, 3 bad input, 4 budget reached,"
                        + " 75 transient (retry), 1 other.",
        footer = {
            "",
            "Services by environment: PODSTAGE_REDIS_URL (cache), PODSTAGE_DB_URL + PODSTAGE_DB_PASSWORD"
                    + " (ledger), PODSTAGE_STATSD_HOST/PORT (metrics), PODSTAGE_INFER_API_KEY (API key, never on the"
                    + " command line), PODSTAGE_XCOM_PATH (default /airflow/xcom/return.json)."
        })
public class InferCommand extends StageCommand {

    @Mixin
    StageOptions.JsonLinesInputOutput inputOutput;

    @Option(
            names = "--endpoint",
            descriptionKey = "podstage.infer.endpoint",
            paramLabel = "URL",
            description = "Endpoint base URL, repeatable: primary first, then fallbacks. Env PODSTAGE_INFER_ENDPOINT"
                    + " (comma-separated).")
    List<String> endpoint;

    @Option(
            names = "--protocol",
            descriptionKey = "podstage.infer.protocol",
            description =
                    "openai-chat | openai-embeddings | inputs. Env PODSTAGE_INFER_PROTOCOL. Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(
            names = "--model",
            descriptionKey = "podstage.infer.model",
            description = "Model name sent to the endpoint. Env PODSTAGE_INFER_MODEL.")
    String model;

    @Option(
            names = "--batch-size",
            descriptionKey = "podstage.infer.batch-size",
            paramLabel = "N",
            description =
                    "Inputs per request (batched protocols). Env PODSTAGE_INFER_BATCH_SIZE. Default: ${DEFAULT-VALUE}.")
    String batchSize;

    @Option(
            names = "--max-in-flight",
            descriptionKey = "podstage.infer.max-in-flight",
            paramLabel = "N",
            description = "Requests in flight at once. Env PODSTAGE_INFER_MAX_IN_FLIGHT. Default: ${DEFAULT-VALUE}.")
    String maxInFlight;

    @Option(
            names = "--timeout",
            descriptionKey = "podstage.infer.timeout",
            paramLabel = "DURATION",
            description = "Per request attempt, e.g. 5s. Env PODSTAGE_INFER_TIMEOUT. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(
            names = "--max-cost-usd",
            descriptionKey = "podstage.infer.max-cost-usd",
            paramLabel = "USD",
            description = "Budget: stop before crossing it, keep what is done, exit 4; needs the prices."
                    + " Env PODSTAGE_INFER_MAX_COST_USD.")
    String maxCostUsd;

    @Option(
            names = "--price-input-per-1k",
            descriptionKey = "podstage.infer.price-input-per-1k",
            paramLabel = "USD",
            description = "Price per 1,000 input tokens (unset: calls count as $0, said in a warning and in the"
                    + " XCom). Env PODSTAGE_INFER_PRICE_INPUT_PER_1K.")
    String priceInput;

    @Option(
            names = "--price-output-per-1k",
            descriptionKey = "podstage.infer.price-output-per-1k",
            paramLabel = "USD",
            description = "Price per 1,000 output tokens. Env PODSTAGE_INFER_PRICE_OUTPUT_PER_1K.")
    String priceOutput;

    @Option(
            names = "--max-tokens",
            descriptionKey = "podstage.infer.max-tokens",
            paramLabel = "N",
            description = "Output token limit per input. Env PODSTAGE_INFER_MAX_TOKENS. Default: ${DEFAULT-VALUE}.")
    String maxTokens;

    @Option(
            names = "--temperature",
            descriptionKey = "podstage.infer.temperature",
            description = "Sampling temperature (chat). Env PODSTAGE_INFER_TEMPERATURE.")
    String temperature;

    @Option(
            names = "--input-field",
            descriptionKey = "podstage.infer.input-field",
            paramLabel = "FIELD",
            description = "Record field holding the text. Env PODSTAGE_INFER_INPUT_FIELD. Default: ${DEFAULT-VALUE}.")
    String inputField;

    @Option(
            names = "--prompt-template",
            descriptionKey = "podstage.infer.prompt-template",
            paramLabel = "TEMPLATE",
            description = "e.g. 'Summarise: {text}'. Env PODSTAGE_INFER_PROMPT_TEMPLATE.")
    String promptTemplate;

    @Option(
            names = "--system-prompt",
            descriptionKey = "podstage.infer.system-prompt",
            paramLabel = "TEXT",
            description = "System message (chat). Env PODSTAGE_INFER_SYSTEM_PROMPT.")
    String systemPrompt;

    @Option(
            names = "--dedupe",
            descriptionKey = "podstage.infer.dedupe",
            paramLabel = "BOOL",
            description = "Send identical inputs once per run. Env PODSTAGE_INFER_DEDUPE. Default: ${DEFAULT-VALUE}.")
    String dedupe;

    @Option(
            names = "--max-retries",
            descriptionKey = "podstage.infer.max-retries",
            paramLabel = "N",
            description = "Retries per endpoint. Env PODSTAGE_INFER_MAX_RETRIES. Default: ${DEFAULT-VALUE}.")
    String maxRetries;

    @Option(
            names = "--backoff-initial",
            descriptionKey = "podstage.infer.backoff-initial",
            paramLabel = "DURATION",
            description = "First retry delay, doubled each retry (Retry-After wins when longer)."
                    + " Env PODSTAGE_INFER_BACKOFF_INITIAL. Default: ${DEFAULT-VALUE}.")
    String backoffInitial;

    @Option(
            names = "--backoff-max",
            descriptionKey = "podstage.infer.backoff-max",
            paramLabel = "DURATION",
            description = "Longest retry delay. Env PODSTAGE_INFER_BACKOFF_MAX. Default: ${DEFAULT-VALUE}.")
    String backoffMax;

    @Option(
            names = "--circuit-volume",
            descriptionKey = "podstage.infer.circuit-volume",
            paramLabel = "N",
            description = "Calls the breaker looks at. Env PODSTAGE_INFER_CIRCUIT_VOLUME. Default: ${DEFAULT-VALUE}.")
    String circuitVolume;

    @Option(
            names = "--circuit-failure-ratio",
            descriptionKey = "podstage.infer.circuit-failure-ratio",
            paramLabel = "R",
            description =
                    "Failure ratio that opens it. Env PODSTAGE_INFER_CIRCUIT_FAILURE_RATIO. Default: ${DEFAULT-VALUE}.")
    String circuitFailureRatio;

    @Option(
            names = "--circuit-delay",
            descriptionKey = "podstage.infer.circuit-delay",
            paramLabel = "DURATION",
            description = "How long it stays open. Env PODSTAGE_INFER_CIRCUIT_DELAY. Default: ${DEFAULT-VALUE}.")
    String circuitDelay;

    @Option(
            names = "--max-outage",
            descriptionKey = "podstage.infer.max-outage",
            paramLabel = "DURATION",
            description = "How long a request waits for an endpoint to come back when every one is down (breakers"
                    + " open, retries spent) before the run stops with exit 75, answers saved; 0s stops at once."
                    + " Env PODSTAGE_INFER_MAX_OUTAGE. Default: ${DEFAULT-VALUE}.")
    String maxOutage;

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;

    @Mixin
    StageOptions.Variant variant;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
