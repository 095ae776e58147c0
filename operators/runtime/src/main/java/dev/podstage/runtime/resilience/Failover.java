package dev.podstage.runtime.resilience;

import java.util.List;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * Ordered failover across endpoints (primary first, then fallbacks such as other regions): each
 * endpoint is tried under its own guard; when it gives up, the next one takes the call. A request
 * the endpoint rejected as malformed is not sent elsewhere — no endpoint would accept it.
 */
public final class Failover<T> {

    private static final Logger LOG = Logger.getLogger(Failover.class);

    /** The answer and the endpoint that gave it. */
    public record Answer<T>(T value, String endpoint) {
    }

    private final List<EndpointGuard<T>> guards;
    private final Runnable onFailover;

    public Failover(List<EndpointGuard<T>> guards, Runnable onFailover) {
        if (guards.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed");
        }
        this.guards = List.copyOf(guards);
        this.onFailover = onFailover;
    }

    /** {@code request} builds the call for a given endpoint URL; it is invoked once per attempt. */
    public Uni<Answer<T>> call(Function<String, Uni<T>> request) {
        return attempt(0, request);
    }

    private Uni<Answer<T>> attempt(int index, Function<String, Uni<T>> request) {
        EndpointGuard<T> guard = guards.get(index);
        Uni<Answer<T>> answer = guard.call(() -> request.apply(guard.endpoint()))
                .map(value -> new Answer<>(value, guard.endpoint()));
        if (index + 1 == guards.size()) {
            return answer;
        }
        return answer.onFailure(t -> !(t instanceof RemoteCallException r && r.requestRejected()))
                .recoverWithUni(failure -> {
                    onFailover.run();
                    LOG.debugf("failing over from %s: %s", guard.endpoint(), failure.getMessage());
                    return attempt(index + 1, request);
                });
    }
}
