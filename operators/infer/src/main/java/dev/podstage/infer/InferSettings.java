package dev.podstage.infer;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.resilience.GuardSettings;
import dev.podstage.runtime.stage.SingleFileIo;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/** The validated configuration of one {@code infer} run. */
record InferSettings(
        Path input,
        Path output,
        List<String> endpoints,
        Protocol protocol,
        WireFormat wire,
        String model,
        int batchSize,
        int maxInFlight,
        Duration timeout,
        OptionalDouble maxCostUsd,
        Pricing pricing,
        String inputField,
        String promptTemplate,
        boolean dedupe,
        String apiKey,
        GuardSettings guard,
        Duration shutdownGrace,
        Duration maxOutage,
        String variant) {

    /** Checks the configuration, key by key in a fixed order: the first bad one is a {@link ConfigProblem}. */
    static InferSettings from(InferConfig c, SharedConfig shared) {
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
        Checks.positive(p + "timeout", c.timeout());
        c.promptTemplate().filter(t -> !t.contains("{text}")).ifPresent(t -> {
            throw new ConfigProblem(p + "prompt-template", t, "a template containing {text}");
        });
        SingleFileIo io = SingleFileIo.of(shared, InferStage.NAME);
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
        return new InferSettings(
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
    }

    SingleFileIo io() {
        return new SingleFileIo(input, output);
    }

    /** The text sent for a record: the input field, through the template when there is one. */
    String prompt(String fieldValue) {
        return promptTemplate == null ? fieldValue : promptTemplate.replace("{text}", fieldValue);
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
