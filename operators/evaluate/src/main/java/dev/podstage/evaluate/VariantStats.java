package dev.podstage.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;

/**
 * One variant's numbers. {@code records} = answered + errors. Cost is per answered record; latency
 * percentiles cover the requests actually sent (not cached or deduplicated answers, whose latency is
 * the cache's); the cache hit ratio is over answered records. Quality covers the answered records
 * that have a reference ({@code compared}); null when none do.
 */
public record VariantStats(
        String name,
        long records,
        long errors,
        double costUsd,
        long cacheHits,
        long latencySamples,
        Long latencyP50Ms,
        Long latencyP95Ms,
        long compared,
        Double exactMatch,
        Double similarity) {

    long answered() {
        return records - errors;
    }

    double errorRate() {
        return records == 0 ? 0 : (double) errors / records;
    }

    /**
     * It sent requests, yet they cost nothing: infer ran without prices ("pricing": "missing" in its XCom),
     * so its cost is unknown, not zero. Cached and deduplicated answers cost nothing and send no request.
     */
    boolean unpriced() {
        return latencySamples > 0 && costUsd == 0;
    }

    Double costPerRecord() {
        return answered() == 0 ? null : costUsd / answered();
    }

    Double cacheHitRatio() {
        return answered() == 0 ? null : (double) cacheHits / answered();
    }

    /** Embedding similarity when computed, else the exact-match rate. */
    Double quality() {
        return similarity != null ? similarity : exactMatch;
    }

    VariantStats withQuality(long compared, Double exactMatch, Double similarity) {
        return new VariantStats(
                name,
                records,
                errors,
                costUsd,
                cacheHits,
                latencySamples,
                latencyP50Ms,
                latencyP95Ms,
                compared,
                exactMatch,
                similarity);
    }

    ObjectNode toJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("name", name);
        json.put("records", records);
        json.put("answered", answered());
        json.put("errors", errors);
        json.put("error_rate", round(errorRate()));
        json.put("cost_usd", round(costUsd));
        json.put("cost_per_record_usd", costPerRecord() == null ? null : round(costPerRecord()));
        json.put("cache_hits", cacheHits);
        json.put("cache_hit_ratio", cacheHitRatio() == null ? null : round(cacheHitRatio()));
        json.put("latency_samples", latencySamples);
        json.put("latency_p50_ms", latencyP50Ms);
        json.put("latency_p95_ms", latencyP95Ms);
        json.put("compared", compared);
        json.put("exact_match", exactMatch == null ? null : round(exactMatch));
        json.put("similarity", similarity == null ? null : round(similarity));
        json.put("quality", quality() == null ? null : round(quality()));
        return json;
    }

    private static double round(double value) {
        return Math.round(value * 1e9) / 1e9;
    }
}
