package dev.podstage.infer;

import dev.podstage.runtime.resilience.GuardSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/** The validated configuration of one {@code infer} run. */
record InferSettings(
        Path input,
        Path output,
        List<String> endpoints,
        Protocol protocol,
        WireFormat wire,
        String model,
        int batchSize,
        int maxInFlight,
        Duration timeout,
        OptionalDouble maxCostUsd,
        Pricing pricing,
        String inputField,
        String promptTemplate,
        boolean dedupe,
        String apiKey,
        GuardSettings guard,
        Duration shutdownGrace,
        Duration maxOutage,
        String variant) {

    /** The text sent for a record: the input field, through the template when there is one. */
    String prompt(String fieldValue) {
        return promptTemplate == null ? fieldValue : promptTemplate.replace("{text}", fieldValue);
    }
}
