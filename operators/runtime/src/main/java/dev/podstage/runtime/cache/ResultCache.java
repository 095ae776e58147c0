package dev.podstage.runtime.cache;

import java.util.List;
import java.util.Map;

/**
 * A cache of answers that cost money or time. Keys come from {@link CacheKeys}; values are JSON
 * text. Implementations never throw: a cache that fails is a cache that misses.
 */
public interface ResultCache extends AutoCloseable {

    /** Values of the keys found; keys missing from the map were misses. */
    Map<String, String> getAll(List<String> keys);

    void putAll(Map<String, String> entries);

    /** False when not configured, disabled, or lost during the run. */
    boolean available();

    @Override
    void close();

    ResultCache NONE = new ResultCache() {
        @Override
        public Map<String, String> getAll(List<String> keys) {
            return Map.of();
        }

        @Override
        public void putAll(Map<String, String> entries) {
        }

        @Override
        public boolean available() {
            return false;
        }

        @Override
        public void close() {
        }
    };
}
