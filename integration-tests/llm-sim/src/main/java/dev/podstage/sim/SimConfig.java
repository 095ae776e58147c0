package dev.podstage.sim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's knobs. Every field is volatile and every setter validates and stores a single value,
 * so tests and the admin API can retune a running simulator from any thread.
 * Setters are fluent; the getter of a knob has the same name without argument.
 */
public final class SimConfig {

    private volatile String host = "127.0.0.1";
    private volatile int port;
    private volatile long latencyMs;
    private volatile long perTokenMs;
    private volatile long jitterMs;
    private volatile int maxConcurrency;
    private volatile int outputTokens = 16;
    private volatile int dim = 32;
    private volatile long seed = 42;
    private volatile double failureRate;
    private volatile List<String> failureTypes = List.of("503");
    private volatile int retryAfterSeconds = 1;
    private volatile long slowMs = 5000;
    private volatile String requiredApiKey;
    private volatile Map<String, ModelProfile> modelProfiles = Map.of();
    private volatile Answers answers = Answers.NONE;

    private SimConfig() {}

    public static SimConfig defaults() {
        return new SimConfig();
    }

    /** Interface to bind; read once at start. */
    public SimConfig host(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        this.host = host;
        return this;
    }

    /** Port to bind, 0 for a random free port; read once at start. */
    public SimConfig port(int port) {
        this.port = inRange("port", port, 0, 65535);
        return this;
    }

    public SimConfig latencyMs(long latencyMs) {
        this.latencyMs = notNegative("latencyMs", latencyMs);
        return this;
    }

    /** Extra latency per output token of the longest item in a request. */
    public SimConfig perTokenMs(long perTokenMs) {
        this.perTokenMs = notNegative("perTokenMs", perTokenMs);
        return this;
    }

    /** Upper bound of the uniform random latency added to each successful request. */
    public SimConfig jitterMs(long jitterMs) {
        this.jitterMs = notNegative("jitterMs", jitterMs);
        return this;
    }

    /** Requests served at once; the rest wait in a FIFO queue. 0 means unlimited. */
    public SimConfig maxConcurrency(int maxConcurrency) {
        this.maxConcurrency = (int) notNegative("maxConcurrency", maxConcurrency);
        return this;
    }

    /** Output tokens per generated text, before the request's own cap. */
    public SimConfig outputTokens(int outputTokens) {
        this.outputTokens = inRange("outputTokens", outputTokens, 1, 1_000_000);
        return this;
    }

    /** Embedding dimension. */
    public SimConfig dim(int dim) {
        this.dim = inRange("dim", dim, 1, 1_000_000);
        return this;
    }

    /** Seed of latency jitter and random failures; a new value restarts their sequence. */
    public SimConfig seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Probability (0.0-1.0) that a request fails with one of {@link #failureTypes()}. */
    public SimConfig failureRate(double failureRate) {
        if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
            throw new IllegalArgumentException("failureRate must be within 0.0-1.0, got " + failureRate);
        }
        this.failureRate = failureRate;
        return this;
    }

    /** Failures drawn uniformly by {@link #failureRate()}: any type {@link Failure#parse} knows. */
    public SimConfig failureTypes(List<String> failureTypes) {
        if (failureTypes.isEmpty()) {
            throw new IllegalArgumentException("failureTypes must not be empty");
        }
        failureTypes.forEach(Failure::parse);
        this.failureTypes = List.copyOf(failureTypes);
        return this;
    }

    public SimConfig failureTypes(String... failureTypes) {
        return failureTypes(Arrays.asList(failureTypes));
    }

    /** Value of the Retry-After header sent with 429 and 503. */
    public SimConfig retryAfterSeconds(int retryAfterSeconds) {
        this.retryAfterSeconds = (int) notNegative("retryAfterSeconds", retryAfterSeconds);
        return this;
    }

    /** How much later than its latency a request failing as "slow" is answered. */
    public SimConfig slowMs(long slowMs) {
        this.slowMs = notNegative("slowMs", slowMs);
        return this;
    }

    /** Bearer key every simulated endpoint requires; null disables auth. */
    public SimConfig requiredApiKey(String requiredApiKey) {
        this.requiredApiKey = requiredApiKey;
        return this;
    }

    /** How requests naming {@code model} behave (latency, quality, reasoning tokens); replaces its earlier profile. */
    public SimConfig modelProfile(String model, ModelProfile profile) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a model profile needs a model name");
        }
        Map<String, ModelProfile> profiles = new LinkedHashMap<>(modelProfiles);
        profiles.put(model, profile);
        this.modelProfiles = Map.copyOf(profiles);
        return this;
    }

    /** Replaces every model profile. */
    public SimConfig modelProfiles(Map<String, ModelProfile> profiles) {
        profiles.keySet().forEach(model -> {
            if (model.isBlank()) {
                throw new IllegalArgumentException("a model profile needs a model name");
            }
        });
        this.modelProfiles = Map.copyOf(profiles);
        return this;
    }

    /** The questions models with a profile of quality above 0 may answer with the reference. */
    public SimConfig answers(Answers answers) {
        this.answers = answers == null ? Answers.NONE : answers;
        return this;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public long latencyMs() {
        return latencyMs;
    }

    public long perTokenMs() {
        return perTokenMs;
    }

    public long jitterMs() {
        return jitterMs;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    public int outputTokens() {
        return outputTokens;
    }

    public int dim() {
        return dim;
    }

    public long seed() {
        return seed;
    }

    public double failureRate() {
        return failureRate;
    }

    public List<String> failureTypes() {
        return failureTypes;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public long slowMs() {
        return slowMs;
    }

    public String requiredApiKey() {
        return requiredApiKey;
    }

    public Map<String, ModelProfile> modelProfiles() {
        return modelProfiles;
    }

    /** The profile of {@code model}, {@link ModelProfile#DEFAULT} when it has none. */
    public ModelProfile profile(String model) {
        return modelProfiles.getOrDefault(model, ModelProfile.DEFAULT);
    }

    /** Base latency of a request for {@code model}: its profile's, else {@link #latencyMs()}. */
    public long latencyMs(String model) {
        Long latency = profile(model).latencyMs();
        return latency != null ? latency : latencyMs;
    }

    public Answers answers() {
        return answers;
    }

    private static long notNegative(String knob, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(knob + " must not be negative, got " + value);
        }
        return value;
    }

    private static int inRange(String knob, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(knob + " must be within " + min + "-" + max + ", got " + value);
        }
        return value;
    }
}
