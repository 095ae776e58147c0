package dev.podstage.runtime.cache;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/**
 * A cache of answers that cost money or time. Keys come from {@link CacheKeys}; values are JSON
 * text. Implementations never throw: a cache that fails is a cache that misses.
 */
public interface ResultCache extends AutoCloseable {

    /**
     * Values of the keys found, without blocking the caller; keys missing from the map were
     * misses. Never fails: a lookup that fails yields an empty map.
     */
    Uni<Map<String, String>> lookup(List<String> keys);

    /** {@link #lookup}, awaited. */
    default Map<String, String> getAll(List<String> keys) {
        return lookup(keys).await().indefinitely();
    }

    void putAll(Map<String, String> entries);

    /** False when not configured, disabled, or lost during the run. */
    boolean available();

    @Override
    void close();

    ResultCache NONE = new ResultCache() {
        @Override
        public Uni<Map<String, String>> lookup(List<String> keys) {
            return Uni.createFrom().item(Map.of());
        }

        @Override
        public void putAll(Map<String, String> entries) {}

        @Override
        public boolean available() {
            return false;
        }

        @Override
        public void close() {}
    };
}
