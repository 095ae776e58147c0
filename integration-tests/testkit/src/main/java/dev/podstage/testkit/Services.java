package dev.podstage.testkit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Redis and PostgreSQL that {@code scripts/services.sh start} runs on loopback. Tests
 * fail (never skip) when they are down, with the command that starts them.
 */
public final class Services {

    private static final String HINT = " — start them with scripts/services.sh start";

    private Services() {}

    public static String redisUrl() {
        return env("PODSTAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    }

    public static String dbUrl() {
        return env("PODSTAGE_TEST_DB_URL", "postgresql://127.0.0.1:5432/podstage");
    }

    public static String dbUser() {
        return env("PODSTAGE_TEST_DB_USER", "podstage");
    }

    public static String dbPassword() {
        return env("PODSTAGE_TEST_DB_PASSWORD", "podstage");
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value;
    }

    public static Connection jdbc() {
        try {
            return DriverManager.getConnection("jdbc:" + dbUrl(), dbUser(), dbPassword());
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL at " + dbUrl() + " is not reachable" + HINT, e);
        }
    }

    /** Runs Redis commands synchronously; for assertions, not for speed. */
    public static List<String> redis(Command command, String... args) {
        Vertx vertx = Vertx.vertx();
        try {
            Redis client = Redis.createClient(vertx, redisUrl());
            Request request = Request.cmd(command);
            for (String arg : args) {
                request.arg(arg);
            }
            Response response = client.send(request)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            List<String> values = new ArrayList<>();
            if (response == null) {
                return values;
            }
            if (response.type() == io.vertx.redis.client.ResponseType.MULTI) {
                response.forEach(r -> values.add(r == null ? null : r.toString()));
            } else {
                values.add(response.toString());
            }
            client.close();
            return values;
        } catch (Exception e) {
            throw new AssertionError("Redis at " + redisUrl() + " is not reachable" + HINT, e);
        } finally {
            vertx.close();
        }
    }

    public static void requireRedis() {
        redis(Command.PING);
    }

    /** Every key under a prefix with its value. */
    public static Map<String, String> redisEntries(String pattern) {
        List<String> keys = redis(Command.KEYS, pattern);
        Map<String, String> entries = new java.util.LinkedHashMap<>();
        if (keys.isEmpty()) {
            return entries;
        }
        List<String> values = redis(Command.MGET, keys.toArray(String[]::new));
        for (int i = 0; i < keys.size(); i++) {
            entries.put(keys.get(i), values.get(i));
        }
        return entries;
    }
}
