package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.podstage.runtime.metrics.StageMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferTallyTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InferTally tally = new InferTally(StageMetrics.into(registry), "m");

    private static ItemAnswer answer(long in, long out) {
        return new ItemAnswer(TextNode.valueOf("x"), in, out, false);
    }

    @Test
    void theXComMetricsCarryTheRunsCountsInTheirDocumentedOrder() {
        tally.cacheHit();
        tally.cacheMiss();
        tally.cacheMiss();
        tally.deduplicated();
        tally.requestEnded(40);
        tally.requestEnded(10);
        tally.requestEnded(30);
        tally.answered("a:1", List.of(answer(10, 2), answer(5, 1)), 0.25);
        tally.answered("b:2", List.of(answer(1, 1)), 0.125);
        tally.answered("a:1", List.of(answer(1, 1)), 0);

        ObjectNode m = tally.metrics(3, 4, 1, true, 6, 1.5);

        assertThat(m.fieldNames())
                .toIterable()
                .containsExactly(
                        "requests",
                        "retries",
                        "failovers",
                        "cache_hits",
                        "cache_misses",
                        "cache_available",
                        "deduplicated",
                        "resumed",
                        "tokens_in",
                        "tokens_out",
                        "cost_usd",
                        "cost_usd_total",
                        "latency_p50_ms",
                        "latency_p95_ms",
                        "requests_by_endpoint");
        assertThat(m.get("requests").asLong()).isEqualTo(3);
        assertThat(m.get("retries").asLong()).isEqualTo(4);
        assertThat(m.get("cache_hits").asLong()).isEqualTo(1);
        assertThat(m.get("cache_misses").asLong()).isEqualTo(2);
        assertThat(m.get("deduplicated").asLong()).isEqualTo(1);
        assertThat(m.get("resumed").asLong()).isEqualTo(6);
        assertThat(m.get("tokens_in").asLong()).isEqualTo(17);
        assertThat(m.get("tokens_out").asLong()).isEqualTo(5);
        assertThat(m.get("cost_usd").asDouble()).isEqualTo(0.375);
        assertThat(m.get("cost_usd_total").asDouble()).isEqualTo(1.5);
        assertThat(m.get("latency_p50_ms").asLong()).isEqualTo(30);
        assertThat(m.get("latency_p95_ms").asLong()).isEqualTo(40);
        assertThat(m.get("requests_by_endpoint").toString()).isEqualTo("{\"a:1\":2,\"b:2\":1}");
    }

    @Test
    void feedsEachMeterAsItCounts() {
        tally.cacheHit();
        tally.cacheMiss();
        tally.requestSent(16);
        tally.requestFailed();
        tally.answered("a:1", List.of(answer(10, 2)), 0.001);

        assertThat(registry.get("cache.hits")
                        .tag("namespace", "infer")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("cache.misses")
                        .tag("namespace", "infer")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("infer.batch.size").summary().totalAmount()).isEqualTo(16);
        assertThat(registry.get("infer.requests.failed").counter().count()).isEqualTo(1);
        assertThat(registry.get("infer.tokens")
                        .tag("direction", "input")
                        .tag("model", "m")
                        .counter()
                        .count())
                .isEqualTo(10);
        assertThat(registry.get("infer.cost_microusd")
                        .tag("model", "m")
                        .counter()
                        .count())
                .isEqualTo(1000);
    }

    @Test
    void linesTheReaderRejectedCountAsInput() {
        tally.recordRead();
        tally.recordRead();
        tally.rejectedAfterReading(); // one of the two read: an empty field
        tally.countReaderRejects(3); // that one and two lines the reader never handed over
        assertThat(tally.recordsIn()).isEqualTo(4);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertThat(InferTally.percentile(sorted, 0.5)).isEqualTo(50);
        assertThat(InferTally.percentile(sorted, 0.95)).isEqualTo(100);
        assertThat(InferTally.percentile(new long[0], 0.95)).isZero();
    }
}
