package dev.podstage.runtime.resilience;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * Ordered failover across endpoints (primary first, then fallbacks such as other regions): each
 * endpoint is tried under its own guard; when it gives up, the next one takes the call. A request
 * the endpoint rejected as malformed is not sent elsewhere — no endpoint would accept it.
 *
 * <p>When every endpoint has given up on a call for a reason that passes (breakers open, retries
 * spent on 5xx, timeouts, rate limits), the call waits and goes round again from the primary, for
 * at most {@code maxOutage}: an open breaker lets a probe through after its delay, and an endpoint
 * that answers most requests should finish the run rather than end it. A credentials or request
 * error ends the call at once, and so does the caller's {@code stopWaiting} (a SIGTERM, a budget).
 */
public final class Failover<T> {

    private static final Logger LOG = Logger.getLogger(Failover.class);

    /** The answer and the endpoint that gave it. */
    public record Answer<T>(T value, String endpoint) {}

    private final List<EndpointGuard<T>> guards;
    private final Runnable onFailover;
    private final Duration maxOutage;
    private final Duration probeInterval;

    /**
     * {@code probeInterval}: how often a waiting call tries again, jittered by half either way so calls
     * that gave up together do not come back together; a {@code Retry-After} longer than it wins.
     */
    public Failover(List<EndpointGuard<T>> guards, Runnable onFailover, Duration maxOutage, Duration probeInterval) {
        if (guards.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed");
        }
        this.guards = List.copyOf(guards);
        this.onFailover = onFailover;
        this.maxOutage = maxOutage;
        this.probeInterval =
                probeInterval.isZero() || probeInterval.isNegative() ? Duration.ofMillis(1) : probeInterval;
    }

    /**
     * {@code request} builds the call for a given endpoint URL; it is invoked once per attempt. An outage
     * longer than {@code maxOutage} fails the call with {@link EndpointsDownException}.
     */
    public Uni<Answer<T>> call(Function<String, Uni<T>> request, BooleanSupplier stopWaiting) {
        return round(request, stopWaiting, null);
    }

    /**
     * Since when a call has found every endpoint down, and the last thing an endpoint said (a breaker's
     * refusal says nothing about the endpoint, so the operator is told what made it open).
     */
    private record Outage(long startNanos, Throwable lastFault) {

        Outage after(Throwable failure) {
            boolean refusal = failure instanceof CircuitBreakerOpenException || failure instanceof BulkheadException;
            return new Outage(startNanos, refusal && lastFault != null ? lastFault : failure);
        }
    }

    /** {@code outage}: null until this call first finds every endpoint down. */
    private Uni<Answer<T>> round(Function<String, Uni<T>> request, BooleanSupplier stopWaiting, Outage outage) {
        return attempt(0, request).onFailure(Failover::passes).recoverWithUni(failure -> {
            if (stopWaiting.getAsBoolean()) {
                return Uni.createFrom().failure(failure);
            }
            Outage now = (outage == null ? new Outage(System.nanoTime(), null) : outage).after(failure);
            Duration waited = Duration.ofNanos(System.nanoTime() - now.startNanos());
            Duration left = maxOutage.minus(waited);
            if (left.isNegative() || left.isZero()) {
                return Uni.createFrom().failure(new EndpointsDownException(waited, now.lastFault()));
            }
            Duration pause = pause(failure, left);
            LOG.debugf(
                    "every endpoint down for this call (%s); trying again in %d ms",
                    failure.getMessage(), pause.toMillis());
            return Uni.createFrom()
                    .voidItem()
                    .onItem()
                    .delayIt()
                    .by(pause)
                    .chain(() -> round(request, stopWaiting, now));
        });
    }

    private Uni<Answer<T>> attempt(int index, Function<String, Uni<T>> request) {
        EndpointGuard<T> guard = guards.get(index);
        Uni<Answer<T>> answer =
                guard.call(() -> request.apply(guard.endpoint())).map(value -> new Answer<>(value, guard.endpoint()));
        if (index + 1 == guards.size()) {
            return answer;
        }
        return answer.onFailure(t -> !(t instanceof RequestRejectedException)).recoverWithUni(failure -> {
            onFailover.run();
            LOG.debugf("failing over from %s: %s", guard.endpoint(), failure.getMessage());
            return attempt(index + 1, request);
        });
    }

    /** A failure that time may mend: the guards gave up or refused, but nothing says the request is wrong. */
    static boolean passes(Throwable t) {
        return t instanceof CircuitBreakerOpenException
                || t instanceof BulkheadException
                || EndpointGuard.worthRetrying(t);
    }

    /** The probe interval, jittered, or the server's Retry-After when longer; never past the outage's end. */
    private Duration pause(Throwable failure, Duration left) {
        long interval = probeInterval.toMillis();
        long jittered = Math.max(1, interval / 2 + ThreadLocalRandom.current().nextLong(interval + 1));
        long asked = failure instanceof RemoteCallException r
                ? r.retryAfter().map(Duration::toMillis).orElse(0L)
                : 0;
        Duration pause = Duration.ofMillis(Math.max(jittered, asked));
        return pause.compareTo(left) > 0 ? left : pause;
    }
}
