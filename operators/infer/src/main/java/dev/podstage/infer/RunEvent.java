package dev.podstage.infer;

import java.util.List;
import java.util.Map;

/**
 * What the event loop hands the main thread of an {@link InferRun}: a finished cache lookup or a
 * finished request. Only the main thread handles them, so the run's state needs no locks.
 */
sealed interface RunEvent {

    /** The cache's answer for a chunk of inputs: the readable entries found (the rest are misses). */
    record LookedUp(List<Pending> chunk, Map<String, StoredAnswer> hits) implements RunEvent {}

    /** How a request ended. */
    sealed interface Completion extends RunEvent {
        List<Pending> batch();

        double estimate();

        /** From sending to the answer arriving on the event loop, retries included. */
        long latencyMs();
    }

    record Answered(List<Pending> batch, double estimate, long latencyMs, List<ItemAnswer> answers, String endpoint)
            implements Completion {}

    record Failed(List<Pending> batch, double estimate, long latencyMs, Throwable error) implements Completion {}
}
