package dev.podstage.runtime.cache;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.metrics.StageMetrics;
import dev.podstage.runtime.stage.StageContext;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Opens the cache for a stage: Redis when {@code PODSTAGE_REDIS_URL} is set and the cache is
 * enabled, otherwise none (said once). The Quarkus Redis client is only touched when Redis is
 * configured, so a run without it starts no connection.
 */
@ApplicationScoped
public class Caches implements StageContext.CacheProvider {

    private static final Logger LOG = Logger.getLogger(Caches.class);

    @Inject
    Instance<ReactiveRedisDataSource> redis;

    /**
     * Starts connecting to Redis as the application starts, before picocli parses the command line
     * and the stage loads its configuration: creating the client and opening the connection are slow in
     * a cold JVM, and the first lookup used to wait for them; now they overlap the parse instead
     * (docs/adr/0008). The URL
     * and the switch come from the environment, as the stage's own configuration reads them; their
     * raw values are read here, so a bad one is left to the stage's validation (exit 2, naming the
     * key) instead of failing the start.
     */
    void connectAtStartup(@Observes StartupEvent started) {
        Config config = ConfigProvider.getConfig();
        if (cacheConfigured(
                config.getConfigValue(SharedConfig.PREFIX + ".redis-url").getValue(),
                config.getConfigValue(SharedConfig.PREFIX + ".cache-enabled").getValue())) {
            connectAhead(redis::get);
        }
    }

    /** Whether a run would use Redis: a URL is set and the cache is not switched off. */
    static boolean cacheConfigured(String redisUrl, String cacheEnabled) {
        return redisUrl != null
                && !redisUrl.isBlank()
                && (cacheEnabled == null || !cacheEnabled.trim().equalsIgnoreCase("false"));
    }

    /**
     * Connects (a PING) on a daemon thread: even creating the client is slow in a cold JVM.
     * Failures are left to the first real use, which reports them once.
     */
    static Thread connectAhead(Supplier<ReactiveRedisDataSource> redis) {
        Thread connector = new Thread(
                () -> {
                    try {
                        redis.get()
                                .execute("PING")
                                .subscribe()
                                .with(pong -> {}, failure -> LOG.debugf("early Redis PING failed: %s", failure));
                    } catch (RuntimeException e) {
                        LOG.debugf("early Redis PING failed: %s", e);
                    }
                },
                "redis-connect-ahead");
        connector.setDaemon(true);
        connector.start();
        return connector;
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
        return new RedisResultCache(
                redis.get(),
                shared.cacheTtl(),
                shared.cacheTimeout(),
                metrics.counter("cache.errors", "namespace", namespace));
    }
}
