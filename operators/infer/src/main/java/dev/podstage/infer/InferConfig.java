package dev.podstage.infer;

import dev.podstage.runtime.config.Setting;
import dev.podstage.runtime.resilience.GuardConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code podstage.infer.*}: every key settable as {@code PODSTAGE_INFER_…}, and as the option of the same
 * name where it declares one ({@link Setting}). Read by reflection for the options, also natively.
 */
@ConfigMapping(prefix = "podstage.infer")
@RegisterForReflection(methods = true)
public interface InferConfig {

    String PREFIX = "podstage.infer";

    /** Base URLs in order of preference: primary first, then fallbacks (e.g. other regions). */
    @Setting(
            order = 1,
            label = "URL",
            repeatable = true,
            help = "Endpoint base URL, repeatable: primary first, then fallbacks.")
    Optional<List<String>> endpoint();

    @WithDefault("openai-chat")
    @Setting(order = 2, help = "openai-chat | openai-embeddings | inputs.")
    Protocol protocol();

    @Setting(order = 3, help = "Model name sent to the endpoint.")
    Optional<String> model();

    /** Inputs per request for batched protocols; chat sends one prompt per request. */
    @WithDefault("16")
    @Setting(order = 4, label = "N", help = "Inputs per request (batched protocols).")
    int batchSize();

    @WithDefault("16")
    @Setting(order = 5, label = "N", help = "Requests in flight at once.")
    int maxInFlight();

    /** Per request attempt; also the guard's timeout, listed here with the other request settings. */
    @WithDefault("30s")
    @Setting(order = 6, label = "DURATION", help = "Per request attempt, e.g. 5s.")
    Duration timeout();

    @Setting(
            order = 7,
            label = "USD",
            help = "Budget: stop before crossing it, keep what is done, exit 4; needs the prices.")
    OptionalDouble maxCostUsd();

    /** USD per 1,000 input tokens; unset, calls are counted at $0 and the run says so. */
    @WithName("price-input-per-1k")
    @Setting(
            order = 8,
            label = "USD",
            help = "Price per 1,000 input tokens (unset: calls count as $0, said in a warning and in the XCom).")
    OptionalDouble priceInputPer1k();

    @WithName("price-output-per-1k")
    @Setting(order = 9, label = "USD", help = "Price per 1,000 output tokens.")
    OptionalDouble priceOutputPer1k();

    @WithDefault("256")
    @Setting(order = 10, label = "N", help = "Output token limit per input.")
    int maxTokens();

    @Setting(order = 11, help = "Sampling temperature (chat).")
    OptionalDouble temperature();

    /** The record field holding the text to send. */
    @WithDefault("text")
    @Setting(order = 12, label = "FIELD", help = "Record field holding the text.")
    String inputField();

    /** e.g. {@code Summarise: {text}}; {@code {text}} is replaced by the input field. */
    @Setting(order = 13, label = "TEMPLATE", help = "e.g. 'Summarise: {text}'.")
    Optional<String> promptTemplate();

    @Setting(order = 14, label = "TEXT", help = "System message (chat).")
    Optional<String> systemPrompt();

    /** Identical inputs within a run are sent once. */
    @WithDefault("true")
    @Setting(order = 15, label = "BOOL", help = "Send identical inputs once per run.")
    boolean dedupe();

    /** Retries, backoff and circuit breaker: {@code podstage.infer.max-retries} and the rest. */
    @WithParentName
    @Setting.Group(order = 16)
    GuardConfig guard();

    /**
     * How long a request waits out an outage of every endpoint (breakers open, retries spent) before the
     * run stops with exit 75, its answers saved; 0 stops at the first request every endpoint failed. The
     * stage's failover rule, not one endpoint's guard: so not in {@link GuardConfig}.
     */
    @WithDefault("5m")
    @Setting(
            order = 17,
            label = "DURATION",
            help = "How long a request waits for an endpoint to come back when every one is down (breakers"
                    + " open, retries spent) before the run stops with exit 75, answers saved; 0s stops at once.")
    Duration maxOutage();

    /** A Kubernetes Secret: never on a command line, where a process list would show it; never logged. */
    @Setting.EnvOnly
    Optional<String> apiKey();

    /** After SIGTERM, how long in-flight requests may still finish before they are abandoned. */
    @WithDefault("20s")
    @Setting.EnvOnly
    Duration shutdownGrace();
}
