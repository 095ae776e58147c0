package dev.podstage.runtime.resilience;

import java.time.Duration;

/**
 * Every endpoint stayed down (breakers open, retries spent) for as long as a call may wait: the
 * outage outlasted the run's patience, and a later attempt of the task may find them back.
 */
public final class EndpointsDownException extends RuntimeException {

    private final Duration waited;

    public EndpointsDownException(Duration waited, Throwable last) {
        super(
                String.format(
                        java.util.Locale.ROOT,
                        "no endpoint answered for %.1f s; the last failure: %s",
                        waited.toMillis() / 1000.0,
                        describe(last)),
                last,
                false,
                false);
        this.waited = waited;
    }

    public Duration waited() {
        return waited;
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
