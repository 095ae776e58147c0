package dev.podstage.picocli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** A training run for the AOT-cache test: links picocli's parsing classes the way a stage start does. */
public final class ParsesOneOption {

    private ParsesOneOption() {}

    public static void main(String[] args) {
        CommandSpec spec = CommandSpec.create()
                .addOption(OptionSpec.builder("--input").type(String.class).build());
        String input = new CommandLine(spec).parseArgs("--input", "a.jsonl").matchedOptionValue("--input", "");
        if (!input.equals("a.jsonl")) {
            throw new IllegalStateException("parsed " + input);
        }
    }
}
