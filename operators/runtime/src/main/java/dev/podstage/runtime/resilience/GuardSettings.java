package dev.podstage.runtime.resilience;

import dev.podstage.runtime.config.Checks;
import java.time.Duration;

/** The knobs of one endpoint's guard; stages fill it from their configuration. */
public record GuardSettings(
        Duration timeout,
        int maxRetries,
        Duration backoffInitial,
        Duration backoffMax,
        double jitterFactor,
        int circuitVolume,
        double circuitFailureRatio,
        Duration circuitDelay,
        int maxInFlight) {

    /**
     * The checked settings of a stage's {@link GuardConfig} group (a {@code ConfigProblem} names the key
     * under {@code prefix}), for calls of at most {@code timeout} each, {@code maxInFlight} at a time.
     */
    public static GuardSettings from(GuardConfig config, String prefix, Duration timeout, int maxInFlight) {
        String p = prefix + ".";
        Checks.atLeast(p + "max-retries", config.maxRetries(), 0);
        Checks.positive(p + "circuit-volume", config.circuitVolume());
        Checks.between(p + "circuit-failure-ratio", config.circuitFailureRatio(), 0.01, 1);
        Checks.between(p + "backoff-jitter", config.backoffJitter(), 0, 1);
        return new GuardSettings(
                timeout,
                config.maxRetries(),
                config.backoffInitial(),
                config.backoffMax(),
                config.backoffJitter(),
                config.circuitVolume(),
                config.circuitFailureRatio(),
                config.circuitDelay(),
                maxInFlight);
    }
}
