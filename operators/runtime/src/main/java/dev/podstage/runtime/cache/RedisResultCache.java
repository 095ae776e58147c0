package dev.podstage.runtime.cache;

import io.micrometer.core.instrument.Counter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

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
    /** Writes not yet answered: a finished one is dropped at once, so a long run holds no request it sent. */
    private final Set<Uni<?>> pendingWrites = new HashSet<>();

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
        // A plain MGET on the client, not the data source's typed mget: no codec per key and value,
        // no ordered map of every key (misses included) copied into the map of hits.
        Request mget = Request.cmd(Command.MGET);
        for (String key : keys) {
            mget.arg(key);
        }
        return redis.getRedis()
                .send(mget)
                .ifNoItem()
                .after(timeout)
                .fail()
                .map(values -> found(keys, values))
                .onFailure()
                .recoverWithItem(e -> {
                    lost(e);
                    return Map.of();
                });
    }

    /** The values MGET found, by key; a nil is a miss. */
    private static Map<String, String> found(List<String> keys, Response values) {
        if (values == null || values.size() != keys.size()) {
            throw new IllegalStateException("MGET of " + keys.size() + " keys answered "
                    + (values == null ? "nil" : values.size() + " values"));
        }
        Map<String, String> found = new HashMap<>(keys.size() * 4 / 3 + 1);
        for (int i = 0; i < keys.size(); i++) {
            Response value = values.get(i);
            if (value != null) {
                found.put(keys.get(i), value.toString());
            }
        }
        return found;
    }

    @Override
    public void putAll(Map<String, String> entries) {
        if (entries.isEmpty() || !available.get()) {
            return;
        }
        List<Request> pipeline = new ArrayList<>(entries.size());
        String seconds = Long.toString(Math.max(1, ttl.toSeconds()));
        entries.forEach((k, v) ->
                pipeline.add(Request.cmd(Command.SET).arg(k).arg(v).arg("EX").arg(seconds)));
        // Writes are not awaited here: they overlap with the next requests; close() waits for them.
        Uni<List<Response>> write = redis.getRedis()
                .batch(pipeline)
                .ifNoItem()
                .after(timeout)
                .fail()
                .onFailure()
                .invoke(this::lost)
                .onFailure()
                .recoverWithNull()
                .memoize()
                .indefinitely();
        synchronized (pendingWrites) {
            pendingWrites.add(write); // before subscribing: the answer may come back on another thread at once
        }
        write.subscribe().with(answered -> written(write)); // failures were recovered above, after lost()
    }

    private void written(Uni<?> write) {
        synchronized (pendingWrites) {
            pendingWrites.remove(write);
        }
    }

    /** Writes sent and not yet answered. */
    int pendingWrites() {
        synchronized (pendingWrites) {
            return pendingWrites.size();
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
