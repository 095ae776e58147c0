package dev.podstage.runtime.resilience;

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
        int maxInFlight) {}
