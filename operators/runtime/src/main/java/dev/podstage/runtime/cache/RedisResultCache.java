package dev.podstage.runtime.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The cache on Redis through the Quarkus Redis client: one MGET per lookup batch, one pipeline of
 * {@code SET key value EX ttl} per write batch. The first failure (Redis absent, lost, too slow)
 * switches the cache off for the rest of the run: logged once, counted, the stage goes on.
 */
public final class RedisResultCache implements ResultCache {

    private static final Logger LOG = Logger.getLogger(RedisResultCache.class);

    private final ReactiveRedisDataSource redis;
    private final Duration ttl;
    private final Duration timeout;
    private final Counter errors;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final List<Uni<?>> pendingWrites = new ArrayList<>();

    public RedisResultCache(ReactiveRedisDataSource redis, Duration ttl, Duration timeout, Counter errors) {
        this.redis = redis;
        this.ttl = ttl;
        this.timeout = timeout;
        this.errors = errors;
    }

    @Override
    public Uni<Map<String, String>> lookup(List<String> keys) {
        if (keys.isEmpty() || !available.get()) {
            return Uni.createFrom().item(Map.of());
        }
        return redis.value(String.class).mget(keys.toArray(String[]::new))
                .ifNoItem().after(timeout).fail()
                .map(RedisResultCache::found)
                .onFailure().recoverWithItem(e -> {
                    lost(e);
                    return Map.of();
                });
    }

    private static Map<String, String> found(Map<String, String> values) {
        Map<String, String> found = new HashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                found.put(k, v);
            }
        });
        return found;
    }

    @Override
    public void putAll(Map<String, String> entries) {
        if (entries.isEmpty() || !available.get()) {
            return;
        }
        List<Request> pipeline = new ArrayList<>(entries.size());
        String seconds = Long.toString(Math.max(1, ttl.toSeconds()));
        entries.forEach((k, v) -> pipeline.add(Request.cmd(Command.SET).arg(k).arg(v).arg("EX").arg(seconds)));
        // Writes are not awaited here: they overlap with the next requests; close() waits for them.
        Uni<List<Response>> write = redis.getRedis().batch(pipeline)
                .ifNoItem().after(timeout).fail()
                .onFailure().invoke(this::lost)
                .onFailure().recoverWithNull()
                .memoize().indefinitely();
        write.subscribe().with(r -> {
        }, this::lost);
        synchronized (pendingWrites) {
            pendingWrites.add(write);
        }
    }

    @Override
    public boolean available() {
        return available.get();
    }

    private void lost(Throwable e) {
        if (available.compareAndSet(true, false)) {
            errors.increment();
            LOG.warnf("cache unavailable (%s): continuing without cache for the rest of this run", describe(e));
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** Waits for the writes still in flight, so a short task leaves its answers in the cache. */
    @Override
    public void close() {
        List<Uni<?>> writes;
        synchronized (pendingWrites) {
            writes = List.copyOf(pendingWrites);
            pendingWrites.clear();
        }
        for (Uni<?> write : writes) {
            try {
                write.await().atMost(timeout.plusSeconds(1));
            } catch (RuntimeException e) {
                lost(e);
            }
        }
    }
}
