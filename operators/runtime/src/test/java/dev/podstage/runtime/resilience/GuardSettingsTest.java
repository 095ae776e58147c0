package dev.podstage.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.StageConfigLoader;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardSettingsTest {

    @ConfigMapping(prefix = "podstage.caller")
    interface CallerConfig {
        @WithParentName
        GuardConfig guard();
    }

    private static GuardConfig guard(Map<String, String> options) {
        return new StageConfigLoader()
                .with(CallerConfig.class, "podstage.caller")
                .load(options)
                .getConfigMapping(CallerConfig.class, "podstage.caller")
                .guard();
    }

    private static GuardSettings settings(Map<String, String> options) {
        return GuardSettings.from(guard(options), "podstage.caller", Duration.ofSeconds(30), 8);
    }

    @Test
    void theGroupsKeysSitUnderTheCallersPrefix() {
        GuardSettings settings = settings(Map.of(
                "podstage.caller.max-retries", "5",
                "podstage.caller.backoff-initial", "1s",
                "podstage.caller.circuit-delay", "3s"));

        assertThat(settings.maxRetries()).isEqualTo(5);
        assertThat(settings.backoffInitial()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.circuitDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.backoffMax()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.jitterFactor()).isEqualTo(0.5);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxInFlight()).isEqualTo(8);
    }

    @Test
    void aBadValueNamesTheKeyUnderTheCallersPrefix() {
        assertThatThrownBy(() -> settings(Map.of("podstage.caller.max-retries", "-1")))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("invalid configuration: podstage.caller.max-retries='-1' (allowed: an integer ≥ 0)");
        assertThatThrownBy(() -> settings(Map.of("podstage.caller.circuit-failure-ratio", "0")))
                .hasMessage("invalid configuration: podstage.caller.circuit-failure-ratio='0.0'"
                        + " (allowed: a number from 0.01 to 1.0)");
        assertThatThrownBy(() -> settings(Map.of("podstage.caller.backoff-jitter", "2")))
                .hasMessage("invalid configuration: podstage.caller.backoff-jitter='2.0'"
                        + " (allowed: a number from 0.0 to 1.0)");
    }
}
