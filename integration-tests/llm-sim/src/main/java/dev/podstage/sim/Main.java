package dev.podstage.sim;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Runs the simulator as a process: {@code java -jar llm-sim.jar --port 8089 --latency-ms 50}. */
public final class Main {

    static final String USAGE = """
            usage: llm-sim [options]
              --port N              port to listen on, 0 = random (default 0)
              --host H              interface to bind (default 127.0.0.1)
              --latency-ms N        base latency of a successful request (default 0)
              --per-token-ms N      extra latency per output token (default 0)
              --jitter-ms N         uniform random extra latency up to N (default 0)
              --max-concurrency N   requests served at once, the rest queue FIFO; 0 = unlimited (default 0)
              --output-tokens N     tokens per generated text before max_tokens caps it (default 16)
              --dim N               embedding dimension (default 32)
              --seed N              seed of jitter and random failures (default 42)
              --failure-rate X      probability 0.0-1.0 that a request fails (default 0)
              --failure-types LIST  comma-separated: HTTP statuses, hang, malformed, reset (default 503)
              --retry-after-s N     Retry-After header of 429 and 503 (default 1)
              --api-key-env VAR     require "Authorization: Bearer <key>", the key read from env var VAR
              --model-profile NAME=latency_ms:N,quality:X,reasoning_tokens:N
                                    how requests for model NAME behave (repeatable): base latency (default
                                    --latency-ms), the share 0.0-1.0 of --answers questions it answers with
                                    the reference (default 0), hidden completion tokens it bills (default 0)
              --answers FILE        JSON Lines {text, reference}: questions the profiled models may know
              --help                show this help
            Admin API: GET /admin/stats, POST /admin/reset, POST /admin/config, POST /admin/fail, GET /health
            """;

    private Main() {}

    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.print(USAGE);
                return;
            }
        }
        SimConfig config;
        try {
            config = parse(args, System::getenv);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("llm-sim: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        LlmSimulator sim;
        try {
            sim = LlmSimulator.start(config);
        } catch (IllegalStateException e) {
            System.err.println("llm-sim: " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "llm-sim-shutdown"));
        // Scripts wait for this exact line; Vert.x's event loop keeps the JVM running.
        System.out.println("llm-sim transport: " + sim.transport());
        System.out.println("llm-sim listening on " + sim.baseUrl());
        System.out.flush();
    }

    /** Options as {@code --name value} or {@code --name=value}; {@code env} resolves --api-key-env. */
    static SimConfig parse(String[] args, UnaryOperator<String> env) {
        SimConfig config = SimConfig.defaults();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            String value;
            int eq = option.indexOf('=');
            if (eq > 0) {
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for " + option);
            }
            try {
                apply(config, option, value, env);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
            }
        }
        return config;
    }

    private static void apply(SimConfig config, String option, String value, UnaryOperator<String> env) {
        switch (option) {
            case "--port" -> config.port(Integer.parseInt(value));
            case "--host" -> config.host(value);
            case "--latency-ms" -> config.latencyMs(Long.parseLong(value));
            case "--per-token-ms" -> config.perTokenMs(Long.parseLong(value));
            case "--jitter-ms" -> config.jitterMs(Long.parseLong(value));
            case "--max-concurrency" -> config.maxConcurrency(Integer.parseInt(value));
            case "--output-tokens" -> config.outputTokens(Integer.parseInt(value));
            case "--dim" -> config.dim(Integer.parseInt(value));
            case "--seed" -> config.seed(Long.parseLong(value));
            case "--failure-rate" -> config.failureRate(Double.parseDouble(value));
            case "--failure-types" -> config.failureTypes(value.split(","));
            case "--retry-after-s" -> config.retryAfterSeconds(Integer.parseInt(value));
            case "--slow-ms" -> config.slowMs(Long.parseLong(value));
            case "--model-profile" -> {
                var profile = ModelProfile.parseNamed(value);
                config.modelProfile(profile.getKey(), profile.getValue());
            }
            case "--answers" -> config.answers(Answers.read(Path.of(value)));
            case "--api-key-env" -> {
                // Only the variable's name ever appears in messages, never its value.
                String key = env.apply(value);
                if (key == null || key.isEmpty()) {
                    throw new IllegalArgumentException("environment variable " + value + " is not set");
                }
                config.requiredApiKey(key);
            }
            default -> throw new IllegalArgumentException("unknown option " + option);
        }
    }
}
