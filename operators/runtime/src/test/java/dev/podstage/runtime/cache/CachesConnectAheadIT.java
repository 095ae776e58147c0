package dev.podstage.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.testkit.Services;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.Command;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection a stage opens to Redis as it starts, against the real Redis. */
class CachesConnectAheadIT {

    private Vertx vertx;
    private Redis redis;

    @BeforeEach
    void open() {
        Services.requireRedis();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close() {
        if (redis != null) {
            redis.close();
        }
        vertx.closeAndAwait();
    }

    @Test
    void opensAConnectionAndPingsWithoutAnyoneWaiting() throws InterruptedException {
        Set<String> before = clientIds(clients());
        redis = Redis.createClient(vertx, Services.redisUrl());

        Thread connector =
                Caches.connectAhead(() -> new ReactiveRedisDataSourceImpl(vertx, redis, RedisAPI.api(redis)));
        connector.join(5_000);

        assertThat(connector.isAlive())
                .as("the connector only starts the PING, it does not wait for it")
                .isFalse();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> fresh;
        do {
            fresh = clients().stream()
                    .filter(c -> !before.contains(id(c)))
                    .filter(c -> c.contains(" cmd=ping "))
                    .toList();
        } while (fresh.isEmpty() && System.nanoTime() < deadline);
        assertThat(fresh).as("a new connection whose last command was the PING").hasSize(1);
    }

    @Test
    void anUnreachableRedisIsLeftToTheFirstRealUse() throws InterruptedException {
        redis = Redis.createClient(vertx, "redis://127.0.0.1:1"); // nothing listens on port 1

        Thread connector =
                Caches.connectAhead(() -> new ReactiveRedisDataSourceImpl(vertx, redis, RedisAPI.api(redis)));
        connector.join(5_000);

        assertThat(connector.isAlive()).isFalse(); // no exception escapes, nothing is retried
    }

    @Test
    void connectsOnlyWhenAUrlIsSetAndTheCacheIsNotSwitchedOff() {
        assertThat(Caches.cacheConfigured("redis://cache:6379", null)).isTrue();
        assertThat(Caches.cacheConfigured("redis://cache:6379", "true")).isTrue();
        // A bad value is the stage's validation to report (exit 2, naming the key): connecting costs nothing.
        assertThat(Caches.cacheConfigured("redis://cache:6379", "maybe")).isTrue();
        assertThat(Caches.cacheConfigured("redis://cache:6379", " FALSE ")).isFalse();
        assertThat(Caches.cacheConfigured(null, "true")).isFalse();
        assertThat(Caches.cacheConfigured("  ", null)).isFalse();
    }

    /** CLIENT LIST, one line per connection ({@code id=… addr=… cmd=…}). */
    private static List<String> clients() {
        return Arrays.stream(Services.redis(Command.CLIENT, "LIST").get(0).split("\n"))
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .map(line -> line + " ")
                .toList();
    }

    private static Set<String> clientIds(List<String> clients) {
        return clients.stream().map(CachesConnectAheadIT::id).collect(Collectors.toSet());
    }

    private static String id(String client) {
        return client.substring(0, client.indexOf(' '));
    }
}
