package dev.podstage.infer;

import dev.podstage.runtime.stage.StageCommand;
import dev.podstage.runtime.stage.StageOptions;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code infer}: batched, concurrent, cached, fault-tolerant and cost-aware LLM inference. Its own
 * options come from {@link InferConfig}.
 */
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

    @Mixin
    StageOptions.MaxRejectRatio maxRejectRatio;

    @Mixin
    StageOptions.Variant variant;

    @Mixin
    StageOptions.ProgressInterval progressInterval;
}
