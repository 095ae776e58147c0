package dev.podstage.sim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Live counters. Every outcome is recorded before its response is written, so a client that got
 * its answer always sees it counted.
 */
final class StatsRecorder {

    static final String CANCELLED = "cancelled";

    private final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> byPath = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder items = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong maxInFlight = new AtomicLong();

    void received(String path) {
        requests.increment();
        byPath.computeIfAbsent(path, k -> new LongAdder()).increment();
    }

    void answered(String status) {
        byStatus.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    void served(Reply reply) {
        answered("200");
        items.add(reply.items());
        promptTokens.add(reply.promptTokens());
        completionTokens.add(reply.completionTokens());
    }

    /** A request got a concurrency slot and is being "computed". */
    void enter() {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    void leave() {
        inFlight.decrementAndGet();
    }

    /** Zeroes the counters; in-flight is a gauge of live requests, so it stays and seeds the new maximum. */
    void reset() {
        requests.reset();
        byPath.clear();
        byStatus.clear();
        items.reset();
        promptTokens.reset();
        completionTokens.reset();
        maxInFlight.set(inFlight.get());
    }

    SimStats snapshot() {
        return new SimStats(
                requests.sum(),
                sums(byPath),
                sums(byStatus),
                items.sum(),
                inFlight.get(),
                maxInFlight.get(),
                promptTokens.sum(),
                completionTokens.sum());
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        return counters.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()));
    }
}
