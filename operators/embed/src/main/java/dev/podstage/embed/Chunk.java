package dev.podstage.embed;

import dev.podstage.runtime.io.JsonRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * Records read together: looked up in the cache with one MGET, their misses (each distinct text
 * once) cut into batches for the workers, written out in input order once every batch is back.
 */
final class Chunk {

    /** An accepted record, its text and its cache key. */
    record Item(JsonRecord record, String text, String key) {}

    /** Distinct missing texts sent to the model together, and the answer to come. */
    record Batch(List<String> keys, Future<EncoderPool.Encoded> result) {}

    private final List<Item> items = new ArrayList<>();
    private final Map<String, float[]> vectors = new HashMap<>();
    private final Map<String, Boolean> cached = new HashMap<>();
    private final List<Batch> batches = new ArrayList<>();

    void add(JsonRecord record, String text, String key) {
        items.add(new Item(record, text, key));
    }

    int size() {
        return items.size();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    List<Item> items() {
        return items;
    }

    List<String> distinctKeys() {
        return items.stream().map(Item::key).distinct().toList();
    }

    void cachedVector(String key, float[] vector) {
        vectors.put(key, vector);
        cached.put(key, true);
    }

    void computedVector(String key, float[] vector) {
        vectors.put(key, vector);
        cached.put(key, false);
    }

    /** Texts still without a vector, each once, by key, in input order. */
    Map<String, String> missing() {
        Map<String, String> missing = new LinkedHashMap<>();
        for (Item item : items) {
            if (!vectors.containsKey(item.key())) {
                missing.putIfAbsent(item.key(), item.text());
            }
        }
        return missing;
    }

    void addBatch(Batch batch) {
        batches.add(batch);
    }

    List<Batch> batches() {
        return batches;
    }

    float[] vector(String key) {
        return vectors.get(key);
    }

    boolean fromCache(String key) {
        return cached.getOrDefault(key, false);
    }
}
