package dev.podstage.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shared settings that address services (the Redis and PostgreSQL URLs, the StatsD port), checked
 * before any work: a malformed one is exit 2 naming the key, the value with its password masked, and what
 * is allowed, instead of a stack trace from the client that would have met it first.
 */
public final class ServiceSettings {

    static final String REDIS = "redis://[user:password@]host[:port][/database number]";
    static final String POSTGRES = "postgresql://host[:port]/database[?parameters]";
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    private ServiceSettings() {}

    public static void check(SharedConfig shared) {
        int port = shared.statsdPort();
        if (port < 1 || port > 65535) {
            throw new ConfigProblem("podstage.statsd-port", port, "a port from 1 to 65535");
        }
        shared.redisUrl().filter(url -> !url.isBlank()).ifPresent(ServiceSettings::redisUrl);
        shared.dbUrl()
                .filter(url -> !url.isBlank())
                .ifPresent(url -> url("podstage.db-url", url, Set.of("postgresql", "postgres"), POSTGRES, "/[^/]+"));
    }

    /** Checks a Redis URL as the shared check does (also before Quarkus creates the client with it). */
    public static void redisUrl(String url) {
        url("podstage.redis-url", url, Set.of("redis", "rediss"), REDIS, "/?[0-9]*");
    }

    /** {@code url} parsed and checked: scheme, host, port and a path matching {@code path}. */
    static void url(String key, String url, Set<String> schemes, String allowed, String path) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigProblem(key, masked(url), allowed + "; " + e.getReason());
        }
        String problem = uri.getScheme() == null || !schemes.contains(uri.getScheme())
                ? "the scheme " + schemes
                : uri.getHost() == null && !namedHost(uri)
                        ? "a host"
                        : uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)
                                ? "a port from 1 to 65535"
                                : !(uri.getRawPath() == null ? "" : uri.getRawPath()).matches(path)
                                        ? "the path " + path
                                        : null;
        if (problem != null) {
            throw new ConfigProblem(key, masked(url), allowed + "; needs " + problem);
        }
    }

    /** A host name java.net.URI leaves unparsed (one with an underscore, as some service names have). */
    private static boolean namedHost(URI uri) {
        String authority = uri.getRawAuthority();
        String host = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
        return !host.isBlank() && !host.startsWith(":");
    }

    /** The URL with the password of its user info replaced: configuration errors are logged. */
    static String masked(String url) {
        return USER_INFO_PASSWORD.matcher(url).replaceFirst("$1***@");
    }
}
