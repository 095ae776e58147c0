package dev.podstage.runtime.resilience;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter that honours the server's {@code Retry-After}: the delay is the
 * larger of the two, capped at {@code max}. One instance per guarded call (SmallRye creates it
 * through the supplier), so the attempt count is the call's own.
 */
final class Backoff implements CustomBackoffStrategy {

    private final long initialMillis;
    private final long maxMillis;
    private final double jitterFactor;
    private int attempt;

    Backoff(Duration initial, Duration max, double jitterFactor) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
        this.jitterFactor = jitterFactor;
    }

    @Override
    public long nextDelayInMillis(Throwable failure) {
        long exponential = initialMillis << Math.min(attempt++, 30);
        long capped = Math.min(maxMillis, exponential);
        // Spread retries of concurrent calls so they do not hit a recovering server in lockstep.
        long delay = capped + (long) ((ThreadLocalRandom.current().nextDouble() - 0.5) * capped * jitterFactor);
        long serverAsked = retryAfterMillis(failure);
        return Math.min(maxMillis, Math.max(delay, serverAsked));
    }

    private static long retryAfterMillis(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RemoteCallException remote && remote.retryAfter().isPresent()) {
                return remote.retryAfter().get().toMillis();
            }
        }
        return 0;
    }
}
