package dev.podstage.ingest;

import dev.podstage.runtime.resilience.GuardSettings;
import java.time.Duration;

/** How http(s) inputs are downloaded: per-attempt timeout, retries and their backoff. */
record FetchSettings(Duration timeout, int retries, Duration backoffInitial, Duration backoffMax) {

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
