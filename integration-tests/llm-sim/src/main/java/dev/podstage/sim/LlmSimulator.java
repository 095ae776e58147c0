package dev.podstage.sim;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-process LLM endpoint simulator on its own Vert.x instance:
 * OpenAI chat completions and embeddings, and TGI/KServe-style {@code /generate}.
 * <pre>
 * try (LlmSimulator sim = LlmSimulator.start(SimConfig.defaults().latencyMs(5))) {
 *     sim.failNext("429", 2);
 *     ... call sim.baseUrl() ...
 *     assertThat(sim.stats().count("429")).isEqualTo(2);
 * }
 * </pre>
 */
public final class LlmSimulator implements AutoCloseable {

    private static final long TIMEOUT_S = 10;

    private final Vertx vertx;
    private final HttpServer server;
    private final SimConfig config;
    private final StatsRecorder stats;
    private final FailureInjector failures;

    private LlmSimulator(
            Vertx vertx, HttpServer server, SimConfig config, StatsRecorder stats, FailureInjector failures) {
        this.vertx = vertx;
        this.server = server;
        this.config = config;
        this.stats = stats;
        this.failures = failures;
    }

    public static LlmSimulator start() {
        return start(SimConfig.defaults());
    }

    /** Starts listening and returns once the port is bound. Must not be called on a Vert.x event loop. */
    public static LlmSimulator start(SimConfig config) {
        // One event loop is plenty (latency is timers, not threads) and keeps request handling single-threaded;
        // no file cache, so embedding the simulator leaves no .vertx directory behind. Epoll where Netty's native
        // transport loads (Linux): its timers fire to the microsecond (timerfd), NIO's up to a millisecond late.
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)));
        StatsRecorder stats = new StatsRecorder();
        Dice dice = new Dice(config);
        FailureInjector failures = new FailureInjector(config, dice);
        ApiHandler api = new ApiHandler(vertx, config, stats, failures, dice);
        AdminApi admin = new AdminApi(config, stats, failures);
        // HTTP/1.1 only, like the uvicorn/TGI servers it stands in for; a reset then hits exactly one request.
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(config.host())
                        .setPort(config.port())
                        .setHttp2ClearTextEnabled(false)
                        .setTcpNoDelay(true))
                .requestHandler(request -> {
                    if (AdminApi.handles(request.path())) {
                        admin.handle(request);
                    } else {
                        api.handle(request);
                    }
                })
                // Clients vanishing (timeouts, resets) are part of the job, not errors worth a log line.
                .exceptionHandler(ignored -> {});
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            throw new IllegalStateException("interrupted while starting llm-sim", e);
        } catch (ExecutionException | TimeoutException e) {
            vertx.close();
            throw new IllegalStateException(
                    "llm-sim could not listen on " + config.host() + ":" + config.port(), e.getCause());
        }
        return new LlmSimulator(vertx, server, config, stats, failures);
    }

    /** The bound port (the real one when the port knob was 0). */
    public int port() {
        return server.actualPort();
    }

    /** Where clients reach the simulator, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        String host = switch (config.host()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::" -> "::1";
            default -> config.host();
        };
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** {@code epoll} where Netty's native transport loaded, else {@code nio}. */
    public String transport() {
        return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
    }

    /** The live configuration: setters take effect with the next request. */
    public SimConfig config() {
        return config;
    }

    /**
     * The next {@code count} requests fail with {@code type} (an HTTP status, hang, malformed or reset, or {@code pass}:
     * served), after those scripted before; -1 = until cleared.
     */
    public void failNext(String type, int count) {
        failures.failNext(type, count);
    }

    public void clearFailures() {
        failures.clear();
    }

    public SimStats stats() {
        return stats.snapshot();
    }

    public void resetStats() {
        stats.reset();
    }

    /** Closes the server, its connections (hanging ones included) and the Vert.x instance. */
    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("llm-sim did not close cleanly", e);
        }
    }
}
