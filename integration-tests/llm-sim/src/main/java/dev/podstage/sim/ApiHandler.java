package dev.podstage.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The simulated endpoints. A request goes: counted, validated (404/405/401/400), maybe failed,
 * queued for a concurrency slot, delayed by a timer, answered. Runs on the server's single event loop.
 */
final class ApiHandler implements Handler<HttpServerRequest> {

    private static final String JSON = "application/json";

    private final Vertx vertx;
    private final SimConfig config;
    private final StatsRecorder stats;
    private final FailureInjector failures;
    private final Dice dice;
    private final ConcurrencyGate gate;
    private final Map<String, Protocol> protocols;

    ApiHandler(Vertx vertx, SimConfig config, StatsRecorder stats, FailureInjector failures, Dice dice) {
        this.vertx = vertx;
        this.config = config;
        this.stats = stats;
        this.failures = failures;
        this.dice = dice;
        this.gate = new ConcurrencyGate(config::maxConcurrency);
        TgiGenerate generate = new TgiGenerate(config);
        this.protocols = Map.of(
                "/v1/chat/completions",
                new ChatCompletions(config),
                "/v1/embeddings",
                new Embeddings(config),
                "/generate",
                generate,
                "/",
                generate);
    }

    @Override
    public void handle(HttpServerRequest request) {
        long receivedNanos = System.nanoTime();
        stats.received(request.path());
        // Answer only once the whole body is in: an early answer would race the client's upload. The answer is
        // worked out in a task of its own, after the event loop has read (and stamped) every request that came in
        // with this one: computed inline, a burst of 8 requests held the last one's arrival back by the work on
        // the 7 before it, and that wait was added to its latency.
        request.body().onSuccess(body -> vertx.runOnContext(v -> answer(request, body, receivedNanos)));
    }

    private void answer(HttpServerRequest request, Buffer body, long receivedNanos) {
        Protocol protocol = protocols.get(request.path());
        if (protocol == null) {
            sendError(request, 404, OpenAiErrors.body("unknown path " + request.path(), "invalid_request_error"));
            return;
        }
        if (request.method() != HttpMethod.POST) {
            sendError(request, 405, OpenAiErrors.body("use POST", "invalid_request_error"));
            return;
        }
        if (!authorized(request)) {
            sendError(request, 401, OpenAiErrors.forStatus(401));
            return;
        }
        Reply reply;
        try {
            reply = protocol.answer(body);
        } catch (BadRequest e) {
            sendError(request, 400, OpenAiErrors.body(e.getMessage(), "invalid_request_error"));
            return;
        }
        Failure failure = failures.next();
        if (failure == null) {
            new Call(request, reply, receivedNanos).enqueue();
        } else {
            fail(request, failure, reply);
        }
    }

    /** Constant-time comparison; the key and the header are never echoed or logged. */
    private boolean authorized(HttpServerRequest request) {
        String key = config.requiredApiKey();
        if (key == null) {
            return true;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null
                && MessageDigest.isEqual(
                        header.getBytes(StandardCharsets.UTF_8), ("Bearer " + key).getBytes(StandardCharsets.UTF_8));
    }

    /** Failures answer at once, without a slot: an overloaded or broken server fails fast. A slow one answers late. */
    private void fail(HttpServerRequest request, Failure failure, Reply reply) {
        switch (failure.kind()) {
            case HTTP_ERROR -> sendError(request, failure.status(), OpenAiErrors.forStatus(failure.status()));
            case RETRY_AT -> {
                stats.answered(failure.label());
                String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(config.retryAfterSeconds()));
                request.response()
                        .setStatusCode(429)
                        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                        .putHeader(HttpHeaders.RETRY_AFTER, at)
                        .end(OpenAiErrors.forStatus(429));
            }
            case ERROR_IN_200 -> {
                stats.answered(failure.label());
                request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                        .end(OpenAiErrors.body(
                                "The server had an error while processing your request (simulated by llm-sim)",
                                "server_error"));
            }
            case TRUNCATED -> {
                stats.answered(failure.label());
                Buffer whole = Buffer.buffer(reply.body());
                request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(whole.length()))
                        .write(whole.getBuffer(0, whole.length() / 2))
                        .onComplete(written -> request.connection().close());
            }
            case SLOW -> {
                stats.answered(failure.label());
                long late = vertx.setTimer(
                        Math.max(1, config.slowMs()), t -> new Call(request, reply, System.nanoTime()).enqueue());
                request.response().closeHandler(v -> {
                    if (vertx.cancelTimer(late)) {
                        stats.answered(StatsRecorder.CANCELLED); // the client gave up waiting
                    }
                });
            }
            case HANG -> stats.answered(failure.label()); // the connection stays open until the client closes it
            case MALFORMED -> {
                stats.answered(failure.label());
                // Half of a real answer: the object is never closed, so no JSON parser accepts it.
                request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                        .end(reply.body().substring(0, reply.body().length() / 2));
            }
            case RESET -> {
                stats.answered(failure.label());
                reset(request.connection());
            }
        }
    }

    private void sendError(HttpServerRequest request, int status, String body) {
        stats.answered(Integer.toString(status));
        var response = request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
        if (status == 429 || status == 503) {
            response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(config.retryAfterSeconds()));
        }
        response.end(body);
    }

    /**
     * Aborts the TCP connection with an RST (SO_LINGER 0 then close) rather than a FIN, the way a crashed
     * server or a proxy dropping the connection looks to the client.
     */
    private static void reset(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            Channel channel = base.channel();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        } else {
            connection.close();
        }
    }

    /** A request that will succeed: waits for a slot, then for its latency, unless the client leaves first. */
    private final class Call {
        private final HttpServerRequest request;
        private final Reply reply;
        private final long receivedNanos;
        private ConcurrencyGate.Pass pass;
        private ScheduledFuture<?> timer;
        private boolean done;

        Call(HttpServerRequest request, Reply reply, long receivedNanos) {
            this.request = request;
            this.reply = reply;
            this.receivedNanos = receivedNanos;
        }

        void enqueue() {
            request.response().closeHandler(v -> abandon());
            pass = gate.enter(this::start);
        }

        private void start() {
            stats.enter();
            long latencyNanos = TimeUnit.MILLISECONDS.toNanos(
                    reply.latencyMs() + config.perTokenMs() * reply.maxOutputTokens() + dice.upTo(config.jitterMs()));
            // The configured latency is the server's response time: it runs from the request's arrival (the work
            // done since counts toward it), or from the admission when the request had to queue for a slot. A call
            // admitted at once starts inside gate.enter, before its pass is handed back.
            long origin = pass == null ? receivedNanos : System.nanoTime();
            long delayNanos = origin + latencyNanos - System.nanoTime();
            // Scheduled in nanoseconds on the event loop itself: Vert.x timers take whole milliseconds, and the
            // rounding made every answer up to a millisecond late.
            EventLoop loop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
            if (delayNanos > 0) {
                timer = loop.schedule(this::finish, delayNanos, TimeUnit.NANOSECONDS);
            } else {
                // Still asynchronous, so a released slot never admits the next call recursively.
                loop.execute(this::finish);
            }
        }

        private void finish() {
            if (done) {
                return;
            }
            done = true;
            stats.leave();
            stats.served(reply);
            pass.release();
            request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(reply.body());
        }

        private void abandon() {
            if (done) {
                return;
            }
            done = true;
            if (pass.admitted()) {
                if (timer != null) {
                    timer.cancel(false);
                }
                stats.leave();
            }
            stats.answered(StatsRecorder.CANCELLED);
            pass.release();
        }
    }
}
