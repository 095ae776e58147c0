package dev.podstage.sim;

import java.util.Map;

/**
 * Immutable snapshot of the simulator's counters. Statuses are HTTP codes as strings plus the
 * pseudo-statuses "hang", "reset", "malformed" and "cancelled" (the client left before its answer).
 */
public record SimStats(
        long requests,
        Map<String, Long> byPath,
        Map<String, Long> byStatus,
        long items,
        long inFlight,
        long maxInFlight,
        long promptTokens,
        long completionTokens) {

    public SimStats {
        byPath = Map.copyOf(byPath);
        byStatus = Map.copyOf(byStatus);
    }

    /** Requests counted under {@code status}, 0 if none. */
    public long count(String status) {
        return byStatus.getOrDefault(status, 0L);
    }
}
