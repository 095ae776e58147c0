package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.podstage.runtime.cache.RedisResultCache;
import dev.podstage.runtime.cache.ResultCache;
import dev.podstage.testkit.Services;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The run's cache look-ups against the real Redis: chunk sizes, what stays in flight, hits and misses. */
class CacheLookupsIT {

    private final String prefix = "podstage:lookups-it:" + UUID.randomUUID() + ":";
    private final LinkedBlockingQueue<RunEvent> events = new LinkedBlockingQueue<>();
    private Vertx vertx;
    private Redis redis;
    private ResultCache cache;

    @BeforeEach
    void open() {
        Services.requireRedis();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(Services.redisUrl()));
        cache = new RedisResultCache(
                new ReactiveRedisDataSourceImpl(vertx, redis, RedisAPI.api(redis)),
                Duration.ofHours(1),
                Duration.ofSeconds(5),
                new SimpleMeterRegistry().counter("errors"));
    }

    @AfterEach
    void close() {
        cache.close();
        redis.close();
        vertx.closeAndAwait();
    }

    private Pending pending(int i) {
        return new Pending(prefix + i, "prompt " + i, new Pending.Target("r" + i, i));
    }

    private RunEvent.LookedUp next() throws InterruptedException {
        return (RunEvent.LookedUp) events.take();
    }

    /** Chunk sizes in the order the chunks were sent (their answers may come back in any order). */
    private static List<Integer> sizesInSendingOrder(List<RunEvent.LookedUp> settled) {
        return settled.stream()
                .sorted(Comparator.comparingLong(
                        l -> l.chunk().get(0).targets.get(0).line()))
                .map(l -> l.chunk().size())
                .toList();
    }

    @Test
    void theFirstChunkIsOneRequestsWorthThenChunksDouble() throws InterruptedException {
        CacheLookups lookups = new CacheLookups(cache, 4, 2, events::add);
        List<RunEvent.LookedUp> settled = new ArrayList<>();
        for (int i = 0; i < 4 + 8 + 16; i++) {
            assertThat(lookups.add(pending(i))).isEmpty();
        }
        assertThat(lookups.inFlight()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            RunEvent.LookedUp lookedUp = next();
            settled.add(lookedUp);
            lookups.settle(lookedUp, (p, a) -> {});
        }
        assertThat(sizesInSendingOrder(settled)).containsExactly(4, 8, 16);
        assertThat(lookups.inFlight()).isZero();
    }

    @Test
    void chunksStopGrowingAtEnoughToFeedEverySlotTwice() throws InterruptedException {
        CacheLookups lookups = new CacheLookups(cache, 32, 32, events::add); // 2 x 32 x 32 = 2048
        List<RunEvent.LookedUp> settled = new ArrayList<>();
        for (int i = 0; i < 32 + 64 + 128 + 256 + 512 + 1024 + 2048 + 2048; i++) {
            lookups.add(pending(i));
            RunEvent event;
            while ((event = events.poll()) != null) {
                RunEvent.LookedUp lookedUp = (RunEvent.LookedUp) event;
                settled.add(lookedUp);
                lookups.settle(lookedUp, (p, a) -> {});
            }
        }
        while (lookups.inFlight() > 0) {
            RunEvent.LookedUp lookedUp = next();
            settled.add(lookedUp);
            lookups.settle(lookedUp, (p, a) -> {});
        }
        assertThat(sizesInSendingOrder(settled)).containsExactly(32, 64, 128, 256, 512, 1024, 2048, 2048);
    }

    @Test
    void twoLookupsOutFillTheReadAhead() {
        CacheLookups lookups = new CacheLookups(cache, 2, 1, events::add);
        lookups.add(pending(0));
        lookups.add(pending(1));
        assertThat(lookups.full()).isFalse();
        for (int i = 2; i < 6; i++) {
            lookups.add(pending(i));
        }
        assertThat(lookups.inFlight()).isEqualTo(2);
        assertThat(lookups.full()).isTrue();
    }

    @Test
    void settlingHandsOverTheHitsAndReturnsTheMissesInInputOrder() throws InterruptedException {
        StoredAnswer stored = StoredAnswer.of(new ItemAnswer(TextNode.valueOf("four"), 3, 1, false), "http://a", 9);
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(prefix + 1, stored.toJson());
        entries.put(prefix + 3, stored.toJson());
        entries.put(prefix + 4, "{not an answer"); // unreadable: a miss, which the fresh answer overwrites
        cache.putAll(entries);
        close(); // the cache's close waits for its writes
        open();

        CacheLookups lookups = new CacheLookups(cache, 8, 1, events::add);
        List<Pending> chunk = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chunk.add(pending(i));
            lookups.add(chunk.get(i));
        }
        assertThat(lookups.flush()).isEmpty();
        Map<String, StoredAnswer> hits = new LinkedHashMap<>();
        List<Pending> misses = lookups.settle(next(), (p, a) -> hits.put(p.key, a));

        assertThat(hits).containsOnlyKeys(prefix + 1, prefix + 3);
        assertThat(hits.get(prefix + 1).toJson()).isEqualTo(stored.toJson());
        assertThat(misses).containsExactly(chunk.get(0), chunk.get(2), chunk.get(4), chunk.get(5));
        assertThat(chunk.get(1).answered).isTrue();
        assertThat(chunk.get(0).answered).isFalse();
    }

    @Test
    void withoutACacheEveryInputIsAMissAtOnce() {
        CacheLookups lookups = new CacheLookups(ResultCache.NONE, 2, 1, events::add);
        Pending first = pending(0);
        Pending second = pending(1);
        Pending third = pending(2);
        assertThat(lookups.add(first)).isEmpty();
        assertThat(lookups.add(second)).containsExactly(first, second);
        assertThat(lookups.add(third)).isEmpty();
        assertThat(lookups.flush()).containsExactly(third);
        assertThat(lookups.inFlight()).isZero();
        assertThat(events).isEmpty();
    }
}
