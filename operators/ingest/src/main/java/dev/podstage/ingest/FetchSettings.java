package dev.podstage.ingest;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.resilience.GuardSettings;
import java.time.Duration;

/**
 * How http(s) inputs are downloaded: per-attempt timeout, retries and their backoff. The keys are
 * ingest's own ({@code fetch-…}, not infer's {@code GuardConfig} names, which DAGs would have to
 * change to); the guard they make is the runtime's.
 */
record FetchSettings(Duration timeout, int retries, Duration backoffInitial, Duration backoffMax) {

    /** Checks the {@code fetch-…} keys: the first bad one is a {@code ConfigProblem}. */
    static FetchSettings from(IngestConfig c) {
        String p = IngestConfig.PREFIX + ".";
        Checks.positive(p + "fetch-timeout", c.fetchTimeout());
        Checks.atLeast(p + "fetch-retries", c.fetchRetries(), 0);
        Checks.positive(p + "fetch-backoff-initial", c.fetchBackoffInitial());
        Checks.positive(p + "fetch-backoff-max", c.fetchBackoffMax());
        return new FetchSettings(c.fetchTimeout(), c.fetchRetries(), c.fetchBackoffInitial(), c.fetchBackoffMax());
    }

    /**
     * The runtime's guard for one download. The breaker is sized above the retries (it must not open
     * inside one call's own retries) and a download is one request at a time.
     */
    GuardSettings guard() {
        return new GuardSettings(
                timeout,
                retries,
                backoffInitial,
                backoffMax,
                0.5,
                Math.max(20, 2 * (retries + 1)),
                1.0,
                Duration.ofSeconds(10),
                1);
    }
}
