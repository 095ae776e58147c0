package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.Services;
import dev.podstage.testkit.StageProcess;
import io.vertx.redis.client.Command;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InferCacheIT extends InferTestBase {

    @BeforeAll
    static void redisIsUp() {
        Services.requireRedis();
    }

    @Test
    void cachedRerunMakesNoEndpointCalls() {
        JsonLines.texts(input(), 60, "cache me");
        StageProcess.Result cold = infer("--protocol", "inputs", "--batch-size", "8")
                .env("PODSTAGE_REDIS_URL", Services.redisUrl())
                .run();
        assertThat(cold.exitCode()).as(cold.toString()).isZero();
        assertThat(sim.stats().items()).isEqualTo(60);
        var coldRecords = JsonLines.read(output());
        sim.resetStats();

        // Ledger off: the rerun really processes the input, answering from Redis.
        StageProcess.Result warm = infer("--protocol", "inputs", "--batch-size", "8")
                .env("PODSTAGE_REDIS_URL", Services.redisUrl())
                .run();

        assertThat(warm.exitCode()).as(warm.toString()).isZero();
        assertThat(sim.stats().requests()).isZero();
        var warmRecords = JsonLines.read(output());
        assertThat(warmRecords)
                .hasSize(60)
                .allSatisfy(r -> assertThat(r.path("cached").asBoolean()).isTrue());
        assertThat(warmRecords.stream().map(r -> r.path("output")).toList())
                .containsExactlyInAnyOrderElementsOf(
                        coldRecords.stream().map(r -> r.path("output")).toList());
        assertThat(warm.xcom().path("metrics").path("cache_hits").asLong()).isEqualTo(60);
        assertThat(warm.xcom().path("metrics").path("cost_usd").asDouble()).isZero();
    }

    /** One MGET answers hits, nils and a broken entry together: only the misses and the broken one are asked. */
    @Test
    void aPartlyCachedInputAsksOnlyForWhatTheCacheCannotAnswer() {
        JsonLines.texts(input(), 40, "part");
        StageProcess.Result first = infer("--protocol", "inputs", "--batch-size", "8")
                .env("PODSTAGE_REDIS_URL", Services.redisUrl())
                .run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        Map<String, String> entries = new HashMap<>(Services.redisEntries("podstage:infer:*"));
        entries.values().removeIf(v -> v == null || !v.contains(sim.baseUrl())); // this test's answers only
        assertThat(entries).hasSize(40);
        String broken = entries.keySet().iterator().next();
        Services.redis(Command.SET, broken, "{\"output\": \"cut off");
        sim.resetStats();

        JsonLines.texts(input(), 60, "part"); // the same 40 records, then 20 new ones
        StageProcess.Result second = infer("--protocol", "inputs", "--batch-size", "8")
                .env("PODSTAGE_REDIS_URL", Services.redisUrl())
                .run();

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(sim.stats().items()).isEqualTo(21);
        assertThat(second.xcom().path("metrics").path("cache_hits").asLong()).isEqualTo(39);
        assertThat(second.xcom().path("metrics").path("cache_misses").asLong()).isEqualTo(21);
        var records = JsonLines.read(output());
        assertThat(records).hasSize(60);
        assertThat(records.stream().filter(r -> r.path("cached").asBoolean())).hasSize(39);
        assertThat(Services.redis(Command.GET, broken).get(0))
                .as("the broken entry is answered afresh")
                .startsWith("{\"output\":")
                .contains(sim.baseUrl());
    }

    @Test
    void unreachableRedisMeansUncachedNotFailed() {
        JsonLines.texts(input(), 30, "no redis");

        StageProcess.Result run = infer("--protocol", "inputs", "--batch-size", "8")
                .env("PODSTAGE_REDIS_URL", "redis://127.0.0.1:1")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output())).hasSize(30);
        assertThat(run.logs().split("cache unavailable", -1)).as("said once").hasSize(2);
        assertThat(run.xcom().path("metrics").path("cache_available").asBoolean(true))
                .isFalse();
    }
}
