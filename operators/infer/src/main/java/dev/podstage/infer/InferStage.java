package dev.podstage.infer;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.resilience.GuardSettings;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.SingleFileIo;
import dev.podstage.runtime.stage.SingleFileJob;
import dev.podstage.runtime.stage.StageJob;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The {@code infer} stage: validates its configuration into a job that is an {@link InferRun}. */
@ApplicationScoped
public class InferStage extends ConfiguredStage<InferConfig> {

    /** Bump when the output for the same input and configuration changes. */
    static final String VERSION = "1";

    @Inject
    Vertx vertx;

    public InferStage() {
        super("infer", VERSION, InferConfig.class, InferConfig.PREFIX);
    }

    @Override
    protected StageJob prepareJob(InferConfig c, SharedConfig shared) {
        String p = InferConfig.PREFIX + ".";
        List<String> endpoints = Checks.requiredList(p + "endpoint", c.endpoint(), "one or more http(s) base URLs");
        endpoints.forEach(e -> checkUrl(p + "endpoint", e));
        String model = c.protocol() == Protocol.INPUTS
                ? c.model().orElse("default")
                : Checks.required(p + "model", c.model(), "a model name, e.g. gpt-4o-mini");
        Checks.positive(p + "batch-size", c.batchSize());
        Checks.positive(p + "max-in-flight", c.maxInFlight());
        Checks.positive(p + "max-tokens", c.maxTokens());
        GuardSettings guard = GuardSettings.from(c.guard(), InferConfig.PREFIX, c.timeout(), c.maxInFlight());
        c.priceInputPer1k().ifPresent(v -> Checks.nonNegative(p + "price-input-per-1k", v));
        c.priceOutputPer1k().ifPresent(v -> Checks.nonNegative(p + "price-output-per-1k", v));
        Pricing pricing = Pricing.of(c.priceInputPer1k(), c.priceOutputPer1k());
        c.maxCostUsd().ifPresent(v -> Checks.nonNegative(p + "max-cost-usd", v));
        if (c.maxCostUsd().isPresent() && !pricing.given()) {
            throw new ConfigProblem(
                    p + "max-cost-usd",
                    c.maxCostUsd().getAsDouble(),
                    "a budget with the prices to count"
                            + " against it: set podstage.infer.price-input-per-1k and price-output-per-1k (USD per 1k tokens;"
                            + " on Airflow the connection's price fields), or no budget");
        }
        c.temperature().ifPresent(v -> Checks.between(p + "temperature", v, 0, 2));
        if (c.maxOutage().isNegative()) {
            throw new ConfigProblem(p + "max-outage", c.maxOutage(), "a duration of 0s or more, such as 5m");
        }
        if (c.timeout().isZero() || c.timeout().isNegative()) {
            throw new ConfigProblem(p + "timeout", c.timeout(), "a positive duration such as 30s");
        }
        c.promptTemplate().filter(t -> !t.contains("{text}")).ifPresent(t -> {
            throw new ConfigProblem(p + "prompt-template", t, "a template containing {text}");
        });
        SingleFileIo io = SingleFileIo.of(shared, name());
        WireFormat wire = switch (c.protocol()) {
            case OPENAI_CHAT ->
                new OpenAiChat(
                        model,
                        c.maxTokens(),
                        c.temperature().isPresent() ? c.temperature().getAsDouble() : null,
                        c.systemPrompt().orElse(null));
            case OPENAI_EMBEDDINGS -> new OpenAiEmbeddings(model);
            case INPUTS -> new InputsBatch(model, c.maxTokens());
        };
        InferSettings settings = new InferSettings(
                io.input(),
                io.output(),
                List.copyOf(endpoints),
                c.protocol(),
                wire,
                model,
                c.batchSize(),
                c.maxInFlight(),
                c.timeout(),
                c.maxCostUsd(),
                pricing,
                c.inputField(),
                c.promptTemplate().orElse(null),
                c.dedupe(),
                c.apiKey().orElse(null),
                guard,
                c.shutdownGrace(),
                c.maxOutage(),
                shared.variant().orElse(null));
        // Built on a side thread while the run starts (EndpointClient).
        CompletableFuture<EndpointClient> client = EndpointClient.buildAhead(vertx, settings);
        // The job key is asked for once every request slot is busy (InferRun.markPartial), not before.
        return new SingleFileJob(
                io, answerConfig(settings, c), context -> new InferRun(settings, context, client).execute(), true);
    }

    /** What determines the answers: not endpoints (where), not budget or concurrency (how), never the key. */
    private static Map<String, Object> answerConfig(InferSettings s, InferConfig c) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("protocol", s.protocol().configName());
        config.put("model", s.model());
        config.put("max_tokens", c.maxTokens());
        config.put("temperature", c.temperature().isPresent() ? c.temperature().getAsDouble() : null);
        config.put("system_prompt", c.systemPrompt().orElse(null));
        config.put("prompt_template", s.promptTemplate());
        config.put("input_field", s.inputField());
        config.put("output", DataUri.toUri(s.output()));
        config.put("variant", s.variant());
        return config;
    }

    private static void checkUrl(String key, String value) {
        try {
            URI uri = URI.create(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigProblem(key, value, "an http:// or https:// URL with a host");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(key, value, "an http:// or https:// URL with a host");
        }
    }
}
