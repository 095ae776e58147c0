package dev.podstage.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.config.CliOverrides;
import dev.podstage.runtime.config.ConfigDefaults;
import dev.podstage.runtime.config.StageConfigLoader;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class StageCommandOptionsTest {

    /** Declares its shared options around the sample mapping's, as a stage command does. */
    @Command(
            name = "sample",
            mixinStandardHelpOptions = true,
            defaultValueProvider = ConfigDefaults.class,
            sortOptions = false)
    static class SampleCommand implements Runnable, ConfigDefaults.ConfiguredCommand {

        @Mixin
        StageOptions.MaxRejectRatio maxRejectRatio;

        @Option(
                names = "--input",
                descriptionKey = "podstage.input",
                paramLabel = "URI",
                order = StageOptions.BEFORE_STAGE_SETTINGS,
                description = "Inputs, repeatable.")
        List<String> input;

        @Mixin
        StageOptions.ProgressInterval progressInterval;

        private final StageConfigLoader loader = new StageConfigLoader().with(SampleConfig.class, SampleConfig.PREFIX);

        @Override
        public StageConfigLoader configLoader() {
            return loader;
        }

        @Override
        public void run() {}
    }

    private static CommandLine commandLine() {
        SampleCommand command = new SampleCommand();
        CommandLine commandLine = new CommandLine(command);
        StageCommandOptions.complete(commandLine.getCommandSpec(), command.configLoader());
        return commandLine;
    }

    /** The option names at the start of the help's option lines, in order. */
    private static List<String> listed(String help) {
        return Arrays.stream(help.split("\n"))
                .map(String::trim)
                .filter(line -> line.startsWith("--") || line.startsWith("-h,") || line.startsWith("-V,"))
                .map(line -> line.split("[=\\s]")[0].replace(",", ""))
                .toList();
    }

    @Test
    void helpListsDeclaredOptionsByTheirOrderAroundTheStageKeysAndHelpLast() {
        assertThat(listed(commandLine().getUsageMessage()))
                .containsExactly(
                        "--input",
                        "--endpoint",
                        "--batch-size",
                        "--model",
                        "--price-per-1k",
                        "--threads",
                        "--max-retries",
                        "--backoff-initial",
                        "--max-outage",
                        "--max-reject-ratio",
                        "--progress-interval",
                        "-h",
                        "-V");
    }

    @Test
    void declaredOptionsGetTheirEnvironmentVariableAndDefaultFromTheirKey() {
        String help = commandLine().getUsageMessage().replaceAll("\\s+", " ");
        assertThat(help)
                .contains("Inputs, repeatable. Env PODSTAGE_INPUT (comma-separated).")
                .contains("Rejected/input lines above which the stage fails (exit 3). Env PODSTAGE_MAX_REJECT_RATIO."
                        + " Default: 0.01.")
                .contains("Inputs per request. Env PODSTAGE_SAMPLE_BATCH_SIZE. Default: 16.")
                .contains("Retries per endpoint. Env PODSTAGE_SAMPLE_MAX_RETRIES. Default: 3.");
    }

    @Test
    void typedOptionsBecomeConfigOverridesUnderTheirKeys() {
        CommandLine commandLine = commandLine();
        commandLine.parseArgs(
                "--batch-size", "4", "--endpoint", "http://a", "--endpoint", "http://b", "--max-reject-ratio", "0.5");

        assertThat(CliOverrides.from(commandLine.getParseResult()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "podstage.sample.batch-size", "4",
                        "podstage.sample.endpoint", "http://a,http://b",
                        "podstage.max-reject-ratio", "0.5"));
    }
}
