package dev.podstage.infer;

import dev.podstage.runtime.metrics.StageMetrics;
import dev.podstage.runtime.resilience.CredentialsRefusedException;
import dev.podstage.runtime.resilience.RemoteCallException;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code infer.request.duration}: one sample per request attempt, retries included, by endpoint (host:port)
 * and outcome, so an error rate over it counts failed attempts, not only the requests every retry lost.
 * Outcomes: {@code ok}, {@code rate_limited} (429), {@code server_error} (5xx, 408), {@code auth_error}
 * (401, 403), {@code rejected} (other 4xx), {@code malformed} (a 200 that is no answer), {@code unreachable}
 * (no HTTP answer), {@code timeout} (the attempt's timeout ended it). Recorded on the event loop: timers
 * are looked up once per endpoint and outcome, then shared.
 */
final class AttemptMeter {

    private final StageMetrics metrics;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    AttemptMeter(StageMetrics metrics) {
        this.metrics = metrics;
    }

    void record(String url, String outcome, long startNanos) {
        timers.computeIfAbsent(
                        endpointTag(url) + ' ' + outcome,
                        k -> metrics.timer("infer.request.duration", "endpoint", endpointTag(url), "outcome", outcome))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    static String outcome(Throwable failure) {
        if (failure instanceof RemoteCallException remote) {
            int status = remote.status();
            if (status == 0) {
                return "unreachable";
            }
            if (status == 200) {
                return "malformed";
            }
            if (status == 429) {
                return "rate_limited";
            }
            if (remote instanceof CredentialsRefusedException) {
                return "auth_error";
            }
            return status >= 500 || status == 408 ? "server_error" : "rejected";
        }
        return "unreachable";
    }

    /** host:port of an endpoint URL: the label stays the same for every path of one server. */
    static String endpointTag(String endpoint) {
        try {
            URI uri = URI.create(endpoint);
            return uri.getHost() == null ? endpoint : uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "unknown";
        }
    }
}
