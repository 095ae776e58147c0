package dev.podstage.infer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** {@code podstage.infer.*}: every key settable as {@code PODSTAGE_INFER_…} or as the option of the same name. */
@ConfigMapping(prefix = "podstage.infer")
public interface InferConfig {

    String PREFIX = "podstage.infer";

    /** Base URLs in order of preference: primary first, then fallbacks (e.g. other regions). */
    Optional<List<String>> endpoint();

    @WithDefault("openai-chat")
    Protocol protocol();

    Optional<String> model();

    /** Inputs per request for batched protocols; chat sends one prompt per request. */
    @WithDefault("16")
    int batchSize();

    @WithDefault("16")
    int maxInFlight();

    /** Per request attempt. */
    @WithDefault("30s")
    Duration timeout();

    OptionalDouble maxCostUsd();

    /** USD per 1,000 input tokens; unset, calls are counted at $0 and the run says so. */
    @WithName("price-input-per-1k")
    OptionalDouble priceInputPer1k();

    @WithName("price-output-per-1k")
    OptionalDouble priceOutputPer1k();

    @WithDefault("256")
    int maxTokens();

    OptionalDouble temperature();

    /** The record field holding the text to send. */
    @WithDefault("text")
    String inputField();

    /** e.g. {@code Summarise: {text}}; {@code {text}} is replaced by the input field. */
    Optional<String> promptTemplate();

    Optional<String> systemPrompt();

    /** Identical inputs within a run are sent once. */
    @WithDefault("true")
    boolean dedupe();

    /** From the environment only ({@code PODSTAGE_INFER_API_KEY}, a Kubernetes Secret); never logged. */
    Optional<String> apiKey();

    @WithDefault("3")
    int maxRetries();

    @WithDefault("200ms")
    Duration backoffInitial();

    @WithDefault("10s")
    Duration backoffMax();

    @WithDefault("0.5")
    double backoffJitter();

    @WithDefault("20")
    int circuitVolume();

    @WithDefault("0.5")
    double circuitFailureRatio();

    @WithDefault("10s")
    Duration circuitDelay();

    /**
     * How long a request waits out an outage of every endpoint (breakers open, retries spent) before the
     * run stops with exit 75, its answers saved; 0 stops at the first request every endpoint failed.
     */
    @WithDefault("5m")
    Duration maxOutage();

    /** After SIGTERM, how long in-flight requests may still finish before they are abandoned. */
    @WithDefault("20s")
    Duration shutdownGrace();
}
