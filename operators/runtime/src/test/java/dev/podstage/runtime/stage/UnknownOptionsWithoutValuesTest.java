package dev.podstage.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class UnknownOptionsWithoutValuesTest {

    @Command(name = "stage")
    static class Stage implements Runnable {
        @Option(names = "--api-key")
        String apiKey;

        @Override
        public void run() {}
    }

    private static String errorsOf(String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Stage())
                .setErr(new PrintWriter(err))
                .setParameterExceptionHandler(new UnknownOptionsWithoutValues());
        assertThat(commandLine.execute(args)).isEqualTo(2);
        return err.toString();
    }

    @Test
    void aMisspeltSecretOptionIsNamedAndItsValueIsNotEchoed() {
        String secret = "sk-canary-4711";
        assertThat(errorsOf("--api-kye", secret))
                .startsWith("Unknown option: --api-kye (values of unknown options are not shown)")
                .contains("--api-key")
                .contains("Try --help")
                .doesNotContain(secret);
        assertThat(errorsOf("--apikey=" + secret)).contains("--apikey").doesNotContain(secret);
    }

    @Test
    void theDescriptionListsEachUnknownOptionOnce() {
        assertThat(UnknownOptionsWithoutValues.describe(List.of("--a", "x", "--b", "--a", "y")))
                .isEqualTo("Unknown options: --a, --b (values of unknown options are not shown)");
        assertThat(UnknownOptionsWithoutValues.describe(List.of("--verbose"))).isEqualTo("Unknown option: --verbose");
        assertThat(UnknownOptionsWithoutValues.describe(List.of("stray"))).doesNotContain("stray");
    }
}
