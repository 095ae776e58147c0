package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.Services;
import dev.podstage.testkit.StageProcess;

class InferCacheIT extends InferTestBase {

    @BeforeAll
    static void redisIsUp() {
        Services.requireRedis();
    }

    @Test
    void cachedRerunMakesNoEndpointCalls() {
        JsonLines.texts(input(), 60, "cache me");
        StageProcess.Result cold = infer("--protocol", "inputs", "--batch-size", "8")
                .env("PODSTAGE_REDIS_URL", Services.redisUrl()).run();
        assertThat(cold.exitCode()).as(cold.toString()).isZero();
        assertThat(sim.stats().items()).isEqualTo(60);
        var coldRecords = JsonLines.read(output());
        sim.resetStats();

        // Ledger off: the rerun really processes the input, answering from Redis.
        StageProcess.Result warm = infer("--protocol", "inputs", "--batch-size", "8")
                .env("PODSTAGE_REDIS_URL", Services.redisUrl()).run();

        assertThat(warm.exitCode()).as(warm.toString()).isZero();
        assertThat(sim.stats().requests()).isZero();
        var warmRecords = JsonLines.read(output());
        assertThat(warmRecords).hasSize(60).allSatisfy(r -> assertThat(r.path("cached").asBoolean()).isTrue());
        assertThat(warmRecords.stream().map(r -> r.path("output")).toList())
                .containsExactlyInAnyOrderElementsOf(coldRecords.stream().map(r -> r.path("output")).toList());
        assertThat(warm.xcom().path("metrics").path("cache_hits").asLong()).isEqualTo(60);
        assertThat(warm.xcom().path("metrics").path("cost_usd").asDouble()).isZero();
    }

    @Test
    void unreachableRedisMeansUncachedNotFailed() {
        JsonLines.texts(input(), 30, "no redis");

        StageProcess.Result run = infer("--protocol", "inputs", "--batch-size", "8")
                .env("PODSTAGE_REDIS_URL", "redis://127.0.0.1:1").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output())).hasSize(30);
        assertThat(run.logs().split("cache unavailable", -1)).as("said once").hasSize(2);
        assertThat(run.xcom().path("metrics").path("cache_available").asBoolean(true)).isFalse();
    }
}
