package dev.podstage.infer;

import dev.podstage.runtime.cache.ResultCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The run's cache look-ups: inputs are buffered and asked for in chunks (one MGET each) without
 * waiting, at most {@link #MAX_IN_FLIGHT} at a time; each answer comes back to the main thread as a
 * {@link RunEvent.LookedUp} and is settled into hits and misses there. With the cache unavailable
 * every input is a miss at once.
 */
final class CacheLookups {

    /** Enough to keep the cache busy while the main thread settles the previous chunk. */
    static final int MAX_IN_FLIGHT = 2;

    private final ResultCache cache;
    private final Consumer<RunEvent> events;
    private final int largestChunk;
    private final List<Pending> buffer = new ArrayList<>();
    private int chunk;
    private int inFlight;

    /**
     * Keys per MGET: one request's worth at first, so the first request leaves as soon as possible
     * (the slot it starts finishes first and takes the run's last, odd request: its start is the
     * run's critical path, the other slots have a round trip to follow it), then doubling up to
     * enough to keep every slot fed twice over (512 to 2048).
     */
    CacheLookups(ResultCache cache, int batchLimit, int maxInFlight, Consumer<RunEvent> events) {
        this.cache = cache;
        this.events = events;
        this.chunk = batchLimit;
        this.largestChunk = Math.max(512, Math.min(2048, 2 * batchLimit * maxInFlight));
    }

    /** Buffers the input; a full chunk goes out. Returns the inputs that are misses already (cache unavailable). */
    List<Pending> add(Pending pending) {
        buffer.add(pending);
        return buffer.size() >= Math.min(chunk, largestChunk) ? flush() : List.of();
    }

    /** Asks the cache about the buffered inputs; returns them as misses at once when it is unavailable. */
    List<Pending> flush() {
        if (buffer.isEmpty()) {
            return List.of();
        }
        List<Pending> sent = List.copyOf(buffer);
        buffer.clear();
        chunk = 2 * sent.size();
        if (!cache.available()) {
            return sent;
        }
        inFlight++;
        // Entries are decoded where Redis answers (the event loop), not on the main thread that
        // reads, keys and writes: decoding is a large share of a fully cached run's main thread.
        // Without dedupe a key may repeat: MGET answers each occurrence, the map of hits keeps one.
        cache.lookup(sent.stream().map(p -> p.key).toList())
                .map(CacheLookups::readable)
                .subscribe()
                .with(
                        hits -> events.accept(new RunEvent.LookedUp(sent, hits)),
                        failure -> events.accept(
                                new RunEvent.LookedUp(sent, Map.of()))); // lookup never fails; if it did, all miss
        return List.of();
    }

    /** Hands each hit of a returned lookup to {@code hit}, then returns the chunk's misses in input order. */
    List<Pending> settle(RunEvent.LookedUp lookedUp, BiConsumer<Pending, StoredAnswer> hit) {
        inFlight--;
        Map<String, StoredAnswer> hits = lookedUp.hits();
        if (hits.isEmpty()) {
            return lookedUp.chunk();
        }
        List<Pending> misses = new ArrayList<>();
        for (Pending pending : lookedUp.chunk()) {
            StoredAnswer cached = hits.get(pending.key);
            if (cached != null) {
                hit.accept(pending, cached);
                pending.answered = true;
            }
        }
        for (Pending pending : lookedUp.chunk()) {
            if (!pending.answered) {
                misses.add(pending);
            }
        }
        return misses;
    }

    /** Lookups sent whose answer the main thread has not settled yet. */
    int inFlight() {
        return inFlight;
    }

    boolean full() {
        return inFlight >= MAX_IN_FLIGHT;
    }

    /** The entries that are stored answers; an unreadable one is a miss, and the fresh answer overwrites it. */
    private static Map<String, StoredAnswer> readable(Map<String, String> entries) {
        Map<String, StoredAnswer> answers = new HashMap<>(entries.size() * 4 / 3 + 1);
        entries.forEach((key, entry) -> {
            StoredAnswer answer = StoredAnswer.parse(entry);
            if (answer != null) {
                answers.put(key, answer);
            }
        });
        return answers;
    }
}
