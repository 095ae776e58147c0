package dev.podstage.infer;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.SingleFileJob;
import dev.podstage.runtime.stage.StageJob;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The {@code infer} stage: validates its configuration into a job that is an {@link InferRun}. */
@ApplicationScoped
public class InferStage extends ConfiguredStage<InferConfig> {

    static final String NAME = "infer";

    /** Bump when the output for the same input and configuration changes. */
    static final String VERSION = "1";

    @Inject
    Vertx vertx;

    public InferStage() {
        super(NAME, VERSION, InferConfig.class, InferConfig.PREFIX);
    }

    @Override
    protected StageJob prepareJob(InferConfig c, SharedConfig shared) {
        InferSettings settings = InferSettings.from(c, shared);
        // Built on a side thread while the run starts (EndpointClient).
        CompletableFuture<EndpointClient> client = EndpointClient.buildAhead(vertx, settings);
        // The job key is asked for once every request slot is busy (InferRun.markPartial), not before.
        return new SingleFileJob(
                settings.io(),
                answerConfig(settings, c),
                context -> new InferRun(settings, context, client).execute(),
                true);
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
}
