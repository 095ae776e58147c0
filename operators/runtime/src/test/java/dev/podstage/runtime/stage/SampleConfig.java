package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.Setting;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** A stage mapping with one key of each kind the options are derived from, declared out of order on purpose. */
@ConfigMapping(prefix = SampleConfig.PREFIX)
interface SampleConfig {

    String PREFIX = "podstage.sample";

    @WithDefault("5m")
    @Setting(order = 7, label = "DURATION", help = "How long to wait out an outage.")
    Duration maxOutage();

    @WithParentName
    @Setting.Group(order = 6)
    Retries retries();

    /** A nested group under the mapping's own prefix, as infer's retry and breaker keys. */
    interface Retries {

        @WithDefault("200ms")
        @Setting(order = 2, label = "DURATION", help = "First retry delay.")
        Duration backoffInitial();

        @WithDefault("0.5")
        @Setting.EnvOnly
        double backoffJitter();

        @WithDefault("3")
        @Setting(order = 1, label = "N", help = "Retries per endpoint.")
        int maxRetries();
    }

    @Setting.EnvOnly
    Optional<String> apiKey();

    @Setting(order = 5, label = "N", help = "Worker threads.", defaultText = "the pod's cores")
    OptionalInt threads();

    @WithName("price-per-1k")
    @Setting(order = 4, label = "USD", help = "Price per 1,000 tokens.")
    OptionalDouble pricePer1k();

    @Setting(order = 3, help = "Model name.")
    Optional<String> model();

    @WithDefault("16")
    @Setting(order = 2, label = "N", help = "Inputs per request.")
    int batchSize();

    @Setting(order = 1, label = "URL", repeatable = true, help = "Endpoint base URL, repeatable.")
    Optional<List<String>> endpoint();
}
