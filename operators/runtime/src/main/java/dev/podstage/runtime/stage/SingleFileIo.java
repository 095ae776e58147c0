package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import java.nio.file.Path;
import java.util.List;

/**
 * The input and output of a stage that turns one JSON Lines file into another (preprocess, embed,
 * infer), checked: exactly one {@code podstage.input}, a {@code podstage.output}, and not the same
 * file — writing the output over the input would destroy it.
 */
public record SingleFileIo(Path input, Path output) {

    public static SingleFileIo of(SharedConfig shared, String stage) {
        return of(shared, "one input URI (--input)", "exactly one input URI for " + stage);
    }

    /** With the stage's own words for what the input is ({@code inputAllowed}) and why only one ({@code oneAllowed}). */
    public static SingleFileIo of(SharedConfig shared, String inputAllowed, String oneAllowed) {
        List<String> inputs = Checks.requiredList("podstage.input", shared.input(), inputAllowed);
        if (inputs.size() != 1) {
            throw new ConfigProblem("podstage.input", String.join(",", inputs), oneAllowed);
        }
        Path input = DataUri.toPath("podstage.input", inputs.get(0));
        Path output = DataUri.toPath(
                "podstage.output", Checks.required("podstage.output", shared.output(), "an output URI (--output)"));
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new ConfigProblem("podstage.output", shared.output().get(), "a file other than the input");
        }
        return new SingleFileIo(input, output);
    }
}
