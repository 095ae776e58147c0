package dev.podstage.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podstage.runtime.stage.ExitCode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageConfigLoaderTest {

    private final StageConfigLoader loader = new StageConfigLoader();

    @Test
    void commandLineOverridesDefaults() {
        SharedConfig config = loader.load(
                        Map.of("podstage.max-reject-ratio", "0.25", "podstage.progress-interval", "3s"))
                .getConfigMapping(SharedConfig.class, SharedConfig.PREFIX);

        assertThat(config.maxRejectRatio()).isEqualTo(0.25);
        assertThat(config.progressInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.statsdPort()).isEqualTo(8125);
    }

    @Test
    void aBadValueNamesKeyAndValueWithExitCode2() {
        assertThatThrownBy(() -> loader.load(Map.of("podstage.statsd-port", "eighty")))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageContaining("podstage.statsd-port")
                .hasMessageContaining("eighty")
                .satisfies(e -> assertThat(((ConfigProblem) e).exitCode()).isEqualTo(ExitCode.USAGE));
    }

    @Test
    void anUnknownKeyIsAnErrorNotSilence() {
        assertThatThrownBy(() -> loader.load(Map.of("podstage.max-reject-ration", "0.5")))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageContaining("podstage.max-reject-ration");
    }

    @Test
    void helpDefaultsComeFromTheMapping() {
        assertThat(loader.effectiveDefault("podstage.statsd-port")).isEqualTo("8125");
        assertThat(StageConfigLoader.envName("podstage.infer.batch-size")).isEqualTo("PODSTAGE_INFER_BATCH_SIZE");
    }
}
