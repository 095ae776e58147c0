package dev.podstage.runtime.resilience;

import dev.podstage.runtime.config.Setting;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The retry and circuit-breaker keys of a stage that calls endpoints, as a nested group of its config
 * mapping. With {@code @WithParentName} they sit directly under the stage's prefix
 * ({@code podstage.infer.max-retries}, {@code PODSTAGE_INFER_MAX_RETRIES}), and with
 * {@code @Setting.Group} their options are listed together. {@link GuardSettings#from} checks them.
 *
 * <p>The per-attempt timeout is not here: it is the stage's own request setting, listed with them.
 */
@RegisterForReflection(methods = true)
public interface GuardConfig {

    /** Also the help of ingest's {@code fetch-backoff-initial}, a key of its own with the same meaning. */
    String BACKOFF_INITIAL_HELP = "First retry delay, doubled each retry (Retry-After wins when longer).";

    /** Also the help of ingest's {@code fetch-backoff-max}. */
    String BACKOFF_MAX_HELP = "Longest retry delay.";

    @WithDefault("3")
    @Setting(order = 1, label = "N", help = "Retries per endpoint.")
    int maxRetries();

    @WithDefault("200ms")
    @Setting(order = 2, label = "DURATION", help = BACKOFF_INITIAL_HELP)
    Duration backoffInitial();

    @WithDefault("10s")
    @Setting(order = 3, label = "DURATION", help = BACKOFF_MAX_HELP)
    Duration backoffMax();

    /** Each retry delay varies by up to half this fraction either way, so concurrent retries spread. */
    @WithDefault("0.5")
    @Setting.EnvOnly
    double backoffJitter();

    @WithDefault("20")
    @Setting(order = 4, label = "N", help = "Calls the breaker looks at.")
    int circuitVolume();

    @WithDefault("0.5")
    @Setting(order = 5, label = "R", help = "Failure ratio that opens it.")
    double circuitFailureRatio();

    @WithDefault("10s")
    @Setting(order = 6, label = "DURATION", help = "How long it stays open.")
    Duration circuitDelay();
}
