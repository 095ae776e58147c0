package dev.podstage.runtime.cache;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.metrics.StageMetrics;
import dev.podstage.runtime.stage.StageContext;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/**
 * Opens the cache for a stage: Redis when {@code PODSTAGE_REDIS_URL} is set and the cache is
 * enabled, otherwise none (said once). The Quarkus Redis client is only touched when used, so a
 * run without Redis starts no connection.
 */
@ApplicationScoped
public class Caches implements StageContext.CacheProvider {

    private static final Logger LOG = Logger.getLogger(Caches.class);

    @Inject
    Instance<ReactiveRedisDataSource> redis;

    /**
     * Starts connecting to Redis in the background (a PING) while the stage reads its inputs, so
     * the first lookup does not pay for the connection. Even creating the client takes a cold JVM
     * 20 ms, so that happens on another thread too. Failures are left to the first real use,
     * which reports them once.
     */
    public void connectAhead(SharedConfig shared) {
        if (!shared.cacheEnabled() || shared.redisUrl().isEmpty()) {
            return;
        }
        Thread connector = new Thread(() -> {
            try {
                redis.get().execute("PING").subscribe().with(pong -> {
                }, failure -> LOG.debugf("early Redis PING failed: %s", failure));
            } catch (RuntimeException e) {
                LOG.debugf("early Redis PING failed: %s", e);
            }
        }, "redis-connect-ahead");
        connector.setDaemon(true);
        connector.start();
    }

    @Override
    public ResultCache open(String namespace, SharedConfig shared, StageMetrics metrics) {
        if (!shared.cacheEnabled()) {
            LOG.info("cache disabled (podstage.cache-enabled=false)");
            return ResultCache.NONE;
        }
        if (shared.redisUrl().isEmpty()) {
            LOG.info("no cache: PODSTAGE_REDIS_URL is not set");
            return ResultCache.NONE;
        }
        return new RedisResultCache(redis.get(), shared.cacheTtl(), shared.cacheTimeout(),
                metrics.counter("cache.errors", "namespace", namespace));
    }
}
