package dev.podstage.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podstage.runtime.config.Setting;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class SettingOptionsTest {

    private final List<OptionSpec> options = SettingOptions.of(SampleConfig.class, SampleConfig.PREFIX);

    /** On a command whose every default is {@code <default>}: what picocli puts for {@code ${DEFAULT-VALUE}}. */
    private final CommandSpec command = withOptions(CommandSpec.create().defaultValueProvider(arg -> "<default>"));

    private CommandSpec withOptions(CommandSpec spec) {
        options.forEach(spec::addOption);
        return spec;
    }

    private OptionSpec option(String name) {
        return command.findOption(name);
    }

    @Test
    void optionsAreListedInTheDeclaredOrderWithAGroupAtItsPosition() {
        assertThat(options)
                .extracting(OptionSpec::longestName)
                .containsExactly(
                        "--endpoint",
                        "--batch-size",
                        "--model",
                        "--price-per-1k",
                        "--threads",
                        "--max-retries",
                        "--backoff-initial",
                        "--max-outage");
    }

    @Test
    void envOnlyKeysHaveNoOption() {
        assertThat(options).extracting(OptionSpec::longestName).doesNotContain("--api-key", "--backoff-jitter");
    }

    @Test
    void eachOptionNamesItsKeyAndItsEnvironmentVariable() {
        assertThat(option("--batch-size").descriptionKey()).isEqualTo("podstage.sample.batch-size");
        assertThat(option("--price-per-1k").descriptionKey()).isEqualTo("podstage.sample.price-per-1k");
        assertThat(option("--max-retries").descriptionKey()).isEqualTo("podstage.sample.max-retries");
        assertThat(option("--batch-size").description())
                .containsExactly("Inputs per request. Env PODSTAGE_SAMPLE_BATCH_SIZE. Default: <default>.");
        assertThat(option("--backoff-initial").description())
                .containsExactly("First retry delay. Env PODSTAGE_SAMPLE_BACKOFF_INITIAL. Default: <default>.");
    }

    @Test
    void aDefaultIsShownOnlyWhereTheMappingHasOneOrTheSettingNamesIt() {
        assertThat(option("--model").description()).containsExactly("Model name. Env PODSTAGE_SAMPLE_MODEL.");
        assertThat(option("--threads").description())
                .containsExactly("Worker threads. Env PODSTAGE_SAMPLE_THREADS. Default: the pod's cores.");
    }

    @Test
    void aRepeatableOptionTakesAListAndSaysTheEnvironmentIsCommaSeparated() {
        OptionSpec endpoint = option("--endpoint");
        assertThat(endpoint.isMultiValue()).isTrue();
        assertThat(endpoint.description())
                .containsExactly("Endpoint base URL, repeatable. Env PODSTAGE_SAMPLE_ENDPOINT (comma-separated).");
        assertThat(option("--batch-size").isMultiValue()).isFalse();
    }

    @Test
    void theLabelIsTheDeclaredOneElseTheMethodName() {
        assertThat(option("--endpoint").paramLabel()).isEqualTo("URL");
        assertThat(option("--model").paramLabel()).isEqualTo("<model>");
    }

    @ConfigMapping(prefix = "podstage.undecided")
    interface Undecided {
        @WithDefault("1")
        int retries();
    }

    @Test
    void aKeyWithoutADecisionAboutItsOptionStopsTheStage() {
        assertThatThrownBy(() -> SettingOptions.of(Undecided.class, "podstage.undecided"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("podstage.undecided.retries");
    }

    @ConfigMapping(prefix = "podstage.clash")
    interface SameOrder {
        @Setting(order = 1, help = "One.")
        Optional<String> one();

        @Setting(order = 1, help = "Two.")
        Optional<String> two();
    }

    @Test
    void twoOptionsWithTheSameOrderStopTheStage() {
        assertThatThrownBy(() -> SettingOptions.of(SameOrder.class, "podstage.clash"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--one")
                .hasMessageContaining("--two");
    }
}
