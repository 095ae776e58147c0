package dev.podstage.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void parsesEveryOption() {
        SimConfig config = Main.parse(
                new String[] {
                    "--port",
                    "8089",
                    "--host",
                    "0.0.0.0",
                    "--latency-ms",
                    "50",
                    "--per-token-ms",
                    "2",
                    "--jitter-ms=5",
                    "--max-concurrency",
                    "8",
                    "--output-tokens",
                    "4",
                    "--dim",
                    "64",
                    "--seed",
                    "7",
                    "--failure-rate",
                    "0.25",
                    "--failure-types",
                    "503,429,reset",
                    "--retry-after-s",
                    "3",
                    "--api-key-env",
                    "SIM_KEY"
                },
                Map.of("SIM_KEY", "secret")::get);

        assertThat(config.port()).isEqualTo(8089);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.latencyMs()).isEqualTo(50);
        assertThat(config.perTokenMs()).isEqualTo(2);
        assertThat(config.jitterMs()).isEqualTo(5);
        assertThat(config.maxConcurrency()).isEqualTo(8);
        assertThat(config.outputTokens()).isEqualTo(4);
        assertThat(config.dim()).isEqualTo(64);
        assertThat(config.seed()).isEqualTo(7);
        assertThat(config.failureRate()).isEqualTo(0.25);
        assertThat(config.failureTypes()).containsExactly("503", "429", "reset");
        assertThat(config.retryAfterSeconds()).isEqualTo(3);
        assertThat(config.requiredApiKey()).isEqualTo("secret");
    }

    @Test
    void defaultsToLoopbackAndNoAuth() {
        SimConfig config = Main.parse(new String[0], name -> null);

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.requiredApiKey()).isNull();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--bogus", "1"}, n -> null))
                .hasMessageContaining("--bogus");
        assertThatThrownBy(() -> Main.parse(new String[] {"--port"}, n -> null)).hasMessageContaining("missing value");
        assertThatThrownBy(() -> Main.parse(new String[] {"--dim", "wide"}, n -> null))
                .hasMessageContaining("number");
        assertThatThrownBy(() -> Main.parse(new String[] {"--failure-rate", "1.5"}, n -> null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Main.parse(new String[] {"--api-key-env", "UNSET"}, n -> null))
                .hasMessageContaining("UNSET is not set");
    }
}
