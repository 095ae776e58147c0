package dev.podstage.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.testkit.Services;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache against the real Redis: what it keeps of its writes while they are out, and what lands. */
class RedisResultCacheIT {

    private final String prefix = "podstage:cache-it:" + UUID.randomUUID() + ":";
    private Vertx vertx;
    private Redis redis;
    private RedisResultCache cache;

    @BeforeEach
    void open() {
        Services.requireRedis();
        vertx = Vertx.vertx();
        // The pool the stages configure (microprofile-config.properties): writes are not awaited, so many wait for a
        // connection.
        redis = Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString(Services.redisUrl())
                        .setMaxPoolSize(8)
                        .setMaxPoolWaiting(1024));
        cache = new RedisResultCache(
                new ReactiveRedisDataSourceImpl(vertx, redis, RedisAPI.api(redis)),
                Duration.ofHours(1),
                Duration.ofSeconds(5),
                new SimpleMeterRegistry().counter("errors"));
    }

    @AfterEach
    void close() {
        redis.close();
        vertx.closeAndAwait();
    }

    @Test
    void answeredWritesAreLetGoWithoutWaitingForClose() throws InterruptedException {
        for (int batch = 0; batch < 50; batch++) {
            cache.putAll(entries(batch, 10));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cache.pendingWrites() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // A long run sends a write per request: holding every answered one grew the heap with the run.
        assertThat(cache.pendingWrites())
                .as("writes still held once Redis answered them all")
                .isZero();
        assertThat(cache.available()).isTrue();
        assertThat(Services.redisEntries(prefix + "*")).hasSize(500).containsAllEntriesOf(entries(49, 10));
    }

    @Test
    void closeWaitsForTheWritesStillOut() {
        for (int batch = 0; batch < 20; batch++) {
            cache.putAll(entries(batch, 25));
        }
        cache.close();
        assertThat(cache.pendingWrites()).isZero();
        Map<String, String> stored = Services.redisEntries(prefix + "*");
        assertThat(stored).hasSize(500).containsAllEntriesOf(entries(0, 25)).containsAllEntriesOf(entries(19, 25));
        long ttl = Long.parseLong(Services.redis(Command.TTL, prefix + "7:3").get(0));
        assertThat(ttl).as("written with the cache's TTL").isBetween(3_000L, 3_600L);
    }

    @Test
    void whatWasWrittenIsFoundAndTheRestIsAMiss() {
        cache.putAll(entries(0, 3));
        cache.close();
        List<String> keys = new ArrayList<>(entries(0, 3).keySet());
        keys.add(prefix + "absent");
        Map<String, String> found = cache.lookup(keys).await().atMost(Duration.ofSeconds(5));
        assertThat(found).isEqualTo(entries(0, 3));
    }

    private Map<String, String> entries(int batch, int size) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            entries.put(prefix + batch + ":" + i, "{\"output\":\"answer " + batch + "/" + i + "\"}");
        }
        return entries;
    }
}
