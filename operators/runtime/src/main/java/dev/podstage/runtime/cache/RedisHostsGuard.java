package dev.podstage.runtime.cache;

import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.ServiceSettings;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Quarkus creates the Redis client as the application starts, from {@code PODSTAGE_REDIS_URL}, and a URL it
 * cannot parse ends the start with a stack trace and exit 1, before the stage can say which setting is wrong.
 * This source hands the client a placeholder instead of a malformed URL (above microprofile-config.properties,
 * below the environment): nothing connects to it, as the stage's own check ({@link ServiceSettings}) stops the
 * run first with exit 2, naming the key, the URL with its password masked and what is allowed.
 */
public class RedisHostsGuard implements ConfigSource {

    private static final String KEY = "quarkus.redis.hosts";
    private static final String PLACEHOLDER = "redis://127.0.0.1:6379";

    @Override
    public Set<String> getPropertyNames() {
        return malformed() ? Set.of(KEY) : Set.of();
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) && malformed() ? PLACEHOLDER : null;
    }

    @Override
    public Map<String, String> getProperties() {
        return malformed() ? Map.of(KEY, PLACEHOLDER) : Map.of();
    }

    static boolean malformed() {
        String url = System.getProperty("podstage.redis-url", System.getenv("PODSTAGE_REDIS_URL"));
        if (url == null || url.isBlank()) {
            return false;
        }
        try {
            ServiceSettings.redisUrl(url);
            return false;
        } catch (ConfigProblem e) {
            return true;
        }
    }

    @Override
    public int getOrdinal() {
        return 150;
    }

    @Override
    public String getName() {
        return "podstage-redis-hosts-guard";
    }
}
