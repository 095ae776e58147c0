package dev.podstage.sim;

import java.util.ArrayDeque;
import java.util.Deque;

/** Decides whether a request fails: scripted failures first, in order, then the random failure rate. */
final class FailureInjector {

    private final SimConfig config;
    private final Dice dice;
    private final Deque<Scripted> script = new ArrayDeque<>();

    /** The scripted "failure" that serves the request. */
    static final String PASS = "pass";

    FailureInjector(SimConfig config, Dice dice) {
        this.config = config;
        this.dice = dice;
    }

    /**
     * The next {@code count} requests fail with {@code type}; -1 means every request until {@link #clear()}.
     * {@value #PASS} scripts requests that are served: "pass 5, then hang 1" holds a client at its sixth request.
     */
    synchronized void failNext(String type, int count) {
        if (count == 0 || count < -1) {
            throw new IllegalArgumentException("count must be positive or -1 (until cleared), got " + count);
        }
        script.add(new Scripted(PASS.equals(type) ? null : Failure.parse(type), count));
    }

    synchronized void clear() {
        script.clear();
    }

    /** The failure for the request being answered, or null to serve it. */
    synchronized Failure next() {
        Scripted head = script.peek();
        if (head != null) { // a scripted pass has no failure: served, and the rate is not drawn
            if (head.remaining > 0 && --head.remaining == 0) {
                script.poll();
            }
            return head.failure;
        }
        double rate = config.failureRate();
        // No draw at rate 0, so jitter keeps the same seeded sequence whether or not failures are configured.
        if (rate > 0 && dice.nextDouble() < rate) {
            var types = config.failureTypes();
            return Failure.parse(types.get(dice.nextInt(types.size())));
        }
        return null;
    }

    private static final class Scripted {
        final Failure failure;
        int remaining;

        Scripted(Failure failure, int remaining) {
            this.failure = failure;
            this.remaining = remaining;
        }
    }
}
