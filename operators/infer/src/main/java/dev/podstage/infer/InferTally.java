package dev.podstage.infer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.metrics.MicroDollarCounter;
import dev.podstage.runtime.metrics.StageMetrics;
import dev.podstage.runtime.stage.StageOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an infer run counts: records in and out, cache hits and misses, folded duplicates, tokens,
 * cost and request latencies, each kept for the XCom and fed to its StatsD meter as it happens.
 * Main thread only, like the rest of the run's state.
 */
final class InferTally {

    private long recordsIn;
    private long recordsOut;
    private long rejectedAfterReading;
    private long deduplicated;
    private long cacheHits;
    private long cacheMisses;
    private long tokensIn;
    private long tokensOut;
    private double cost;
    private final List<Long> latencies = new ArrayList<>();
    private final Map<String, Long> requestsByEndpoint = new LinkedHashMap<>();

    private final Counter cacheHitCounter;
    private final Counter cacheMissCounter;
    private final MicroDollarCounter costCounter;
    private final Counter failedRequests;
    private final Counter tokensInCounter;
    private final Counter tokensOutCounter;
    private final DistributionSummary batchSize;

    InferTally(StageMetrics metrics, String model) {
        cacheHitCounter = metrics.counter("cache.hits", "namespace", "infer");
        cacheMissCounter = metrics.counter("cache.misses", "namespace", "infer");
        costCounter = metrics.microDollars("infer.cost_microusd", "model", model);
        failedRequests = metrics.counter("infer.requests.failed");
        tokensInCounter = metrics.counter("infer.tokens", "direction", "input", "model", model);
        tokensOutCounter = metrics.counter("infer.tokens", "direction", "output", "model", model);
        batchSize = metrics.summary("infer.batch.size");
    }

    void recordRead() {
        recordsIn++;
    }

    void recordWritten() {
        recordsOut++;
    }

    /** A record rejected after the reader accepted it (an empty field, a request the endpoint refused). */
    void rejectedAfterReading() {
        rejectedAfterReading++;
    }

    /** Lines the reader rejected were input too: {@code rejects} counts every reject of the run. */
    void countReaderRejects(long rejects) {
        recordsIn += rejects - rejectedAfterReading;
    }

    void deduplicated() {
        deduplicated++;
    }

    void cacheHit() {
        cacheHits++;
        cacheHitCounter.increment();
    }

    void cacheMiss() {
        cacheMisses++;
        cacheMissCounter.increment();
    }

    void requestSent(int inputs) {
        batchSize.record(inputs);
    }

    void requestEnded(long latencyMs) {
        latencies.add(latencyMs);
    }

    void requestFailed() {
        failedRequests.increment();
    }

    /** An answered request: its tokens, and what it cost at the configured prices. */
    void answered(String endpoint, List<ItemAnswer> answers, double requestCost) {
        requestsByEndpoint.merge(endpoint, 1L, Long::sum);
        long in = 0;
        long out = 0;
        for (ItemAnswer answer : answers) {
            in += answer.inputTokens();
            out += answer.outputTokens();
        }
        tokensIn += in;
        tokensOut += out;
        tokensInCounter.increment(in);
        tokensOutCounter.increment(out);
        cost += requestCost;
        costCounter.add(requestCost);
    }

    long recordsIn() {
        return recordsIn;
    }

    long recordsOut() {
        return recordsOut;
    }

    /**
     * The XCom's {@code metrics}: this run's tally beside the figures kept elsewhere (requests
     * launched, the client's retries and failovers, the budget's total across attempts).
     */
    ObjectNode metrics(
            long requests, long retries, long failovers, boolean cacheAvailable, long resumed, double costTotal) {
        ObjectNode m = StageOutcome.object();
        m.put("requests", requests);
        m.put("retries", retries);
        m.put("failovers", failovers);
        m.put("cache_hits", cacheHits);
        m.put("cache_misses", cacheMisses);
        m.put("cache_available", cacheAvailable);
        m.put("deduplicated", deduplicated);
        m.put("resumed", resumed);
        m.put("tokens_in", tokensIn);
        m.put("tokens_out", tokensOut);
        m.put("cost_usd", round(cost));
        m.put("cost_usd_total", round(costTotal));
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        m.put("latency_p50_ms", percentile(sorted, 0.50));
        m.put("latency_p95_ms", percentile(sorted, 0.95));
        ObjectNode byEndpoint = m.putObject("requests_by_endpoint");
        requestsByEndpoint.forEach(byEndpoint::put);
        return m;
    }

    /** Nearest rank. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double usd) {
        return Math.round(usd * 1e9) / 1e9;
    }
}
