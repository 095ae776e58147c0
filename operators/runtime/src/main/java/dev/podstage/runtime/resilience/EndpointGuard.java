package dev.podstage.runtime.resilience;

import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * The SmallRye Fault Tolerance guard around one endpoint: timeout, retry with exponential backoff
 * and jitter honouring {@code Retry-After}, a circuit breaker and a bulkhead. Built once per
 * endpoint and reused: the breaker's state lives in the instance.
 */
public final class EndpointGuard<T> {

    private static final Logger LOG = Logger.getLogger(EndpointGuard.class);

    private final String endpoint;
    private final TypedGuard<Uni<T>> guard;

    /** {@code type} is a concrete {@code TypeLiteral<Uni<T>>}: SmallRye picks its async strategy from it. */
    public EndpointGuard(TypeLiteral<Uni<T>> type, String endpoint, GuardSettings s, Runnable onRetry) {
        this.endpoint = endpoint;
        this.guard = TypedGuard.create(type)
                .withDescription("endpoint " + endpoint)
                // "Offload" to the calling thread: a call begun on an event loop otherwise queues itself back
                // onto that loop on the way in and again on the way out, each task wrapped for context
                // propagation, while every other answer waits behind it (docs/adr/0016). Retries after a backoff
                // and timeouts now run on SmallRye's timer thread, which hands the request to Vert.x like any
                // other non-loop thread.
                .withThreadOffload(true)
                .withThreadOffloadExecutor(Runnable::run)
                .withTimeout()
                .duration(s.timeout().toMillis(), ChronoUnit.MILLIS)
                .done()
                .withRetry()
                .maxRetries(s.maxRetries())
                .maxDuration(0, ChronoUnit.MILLIS)
                .whenException(EndpointGuard::worthRetrying)
                .withCustomBackoff()
                .strategy(() -> new Backoff(s.backoffInitial(), s.backoffMax(), s.jitterFactor()))
                .done()
                .onRetry(onRetry)
                .done()
                .withCircuitBreaker()
                .name("podstage-" + endpoint)
                .requestVolumeThreshold(s.circuitVolume())
                .failureRatio(s.circuitFailureRatio())
                .delay(s.circuitDelay().toMillis(), ChronoUnit.MILLIS)
                .when(EndpointGuard::endpointAtFault)
                .onStateChange(state -> LOG.infof("circuit breaker of %s is now %s", endpoint, state))
                .done()
                .withBulkhead()
                .limit(s.maxInFlight())
                .queueSize(Math.max(1, s.maxInFlight() * 4))
                .done()
                .build();
        // SmallRye builds the strategy chain at the first call: build it here, where the guard is made
        // (infer makes it on a side thread while the input is scanned), not in the first request, where
        // a profile of a cold run showed it loading classes. The Uni is lazy and never subscribed:
        // nothing runs, the breaker counts nothing.
        guard.get(() -> Uni.createFrom().nothing());
    }

    public String endpoint() {
        return endpoint;
    }

    /** Runs {@code call} (a fresh request per attempt) under the guard. */
    public Uni<T> call(Supplier<Uni<T>> call) {
        return guard.get(call);
    }

    static boolean worthRetrying(Throwable t) {
        if (t instanceof CircuitBreakerOpenException || t instanceof BulkheadException) {
            return false; // the breaker or the bulkhead said no: fail over instead of waiting here
        }
        if (t instanceof RemoteCallException remote) {
            return remote.retryable();
        }
        return t instanceof TimeoutException
                || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
    }

    /**
     * What counts against the breaker. A request the endpoint rejected as malformed says nothing about the
     * endpoint's health, and a 429 is the endpoint asking us to slow down (the retry honours its
     * {@code Retry-After}): opening the breaker on rate limits would stop a healthy endpoint.
     */
    static boolean endpointAtFault(Throwable t) {
        return !(t instanceof RequestRejectedException)
                && !(t instanceof RemoteCallException remote && remote.status() == 429);
    }
}
