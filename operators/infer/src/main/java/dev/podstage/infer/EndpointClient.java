package dev.podstage.infer;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.resilience.EndpointGuard;
import dev.podstage.runtime.resilience.Failover;
import dev.podstage.runtime.resilience.JsonHttp;
import io.micrometer.core.instrument.Counter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.util.TypeLiteral;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The HTTP client and the guarded, failing-over path to the endpoints, with counts of retries and
 * failovers. Building it loads and links a good part of Vert.x's web client and of SmallRye Fault
 * Tolerance, a sizeable part of a cold start (docs/adr/0016), so {@link #buildAhead} builds it on another thread
 * while the stage starts: the ledger's claim (with its input scan) when there is one, else the first
 * records read, keyed and looked up in the cache.
 */
final class EndpointClient implements AutoCloseable {

    private static final TypeLiteral<Uni<List<ItemAnswer>>> ANSWERS = new TypeLiteral<>() {};

    private final JsonHttp http;
    private final Failover<List<ItemAnswer>> failover;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failovers = new AtomicLong();
    /** Bound by the run once its metrics exist; no request, hence no retry, comes before that. */
    private volatile Counter retryMeter;

    private volatile Counter failoverMeter;
    private volatile AttemptMeter attempts;

    EndpointClient(Vertx vertx, InferSettings s) {
        this.http = new JsonHttp(vertx, s.maxInFlight(), s.apiKey());
        this.failover = new Failover<>(
                s.endpoints().stream()
                        .map(endpoint -> new EndpointGuard<>(ANSWERS, endpoint, s.guard(), this::retried))
                        .toList(),
                this::failedOver,
                s.maxOutage(),
                probeInterval(s.guard().circuitDelay()));
    }

    /**
     * How often a request waiting out an outage tries again: often enough to be among the first through
     * a breaker that half-opens after {@code circuitDelay}, and at most once a second, so a long outage
     * costs a few refused calls that never leave the process.
     */
    static Duration probeInterval(Duration circuitDelay) {
        Duration second = Duration.ofSeconds(1);
        return circuitDelay.compareTo(second) < 0 ? circuitDelay : second;
    }

    /**
     * Starts building the client on a daemon thread; the run joins it when it launches its first
     * request. The builder also opens a connection to the first endpoint and encodes a request
     * body once (Jackson's first write sets up its serializers), both otherwise in front of the
     * first request.
     */
    static CompletableFuture<EndpointClient> buildAhead(Vertx vertx, InferSettings settings) {
        CompletableFuture<EndpointClient> client = new CompletableFuture<>();
        Thread builder = new Thread(
                () -> {
                    try {
                        EndpointClient built = new EndpointClient(vertx, settings);
                        built.http.connectAhead(
                                settings.wire().url(settings.endpoints().get(0)));
                        body(settings, List.of(""));
                        client.complete(built);
                    } catch (Throwable t) {
                        client.completeExceptionally(t);
                    }
                },
                "infer-client-builder");
        builder.setDaemon(true);
        builder.start();
        return client;
    }

    /** The request body for {@code prompts} in the wire format of the run. */
    static byte[] body(InferSettings s, List<String> prompts) {
        try {
            return Json.MAPPER.writeValueAsBytes(s.wire().request(prompts));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always writes
        }
    }

    /**
     * Sends {@code body} (made by {@link #body} of {@code prompts}) to the first endpoint that answers,
     * waiting out an outage of all of them unless {@code stopWaiting} says the run is ending.
     */
    Uni<Failover.Answer<List<ItemAnswer>>> send(
            InferSettings s, List<String> prompts, byte[] body, BooleanSupplier stopWaiting) {
        return failover.call(
                endpoint -> {
                    String url = s.wire().url(endpoint);
                    return timed(
                            url,
                            http.post(url, body, s.timeout())
                                    .map(json -> s.wire().answers(url, json, prompts)));
                },
                stopWaiting);
    }

    /** One attempt, timed by its outcome; the guard's timeout shows as a cancellation of the attempt. */
    private <T> Uni<T> timed(String url, Uni<T> attempt) {
        AttemptMeter meter = attempts;
        if (meter == null) {
            return attempt;
        }
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return attempt.onItem()
                    .invoke(answer -> meter.record(url, "ok", start))
                    .onFailure()
                    .invoke(failure -> meter.record(url, AttemptMeter.outcome(failure), start))
                    .onCancellation()
                    .invoke(() -> meter.record(url, "timeout", start));
        });
    }

    void meterInto(Counter retries, Counter failovers, AttemptMeter attempts) {
        this.retryMeter = retries;
        this.failoverMeter = failovers;
        this.attempts = attempts;
    }

    private void retried() {
        retries.incrementAndGet();
        Counter meter = retryMeter;
        if (meter != null) {
            meter.increment();
        }
    }

    private void failedOver() {
        failovers.incrementAndGet();
        Counter meter = failoverMeter;
        if (meter != null) {
            meter.increment();
        }
    }

    long retries() {
        return retries.get();
    }

    long failovers() {
        return failovers.get();
    }

    @Override
    public void close() {
        http.close();
    }
}
