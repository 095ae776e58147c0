package dev.podstage.runtime.stage;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Picocli's report of a bad command line, except that unknown options are named without their values:
 * picocli echoes every unmatched argument, and the value after a misspelt {@code --api-key} is a secret
 * that would land in the task log and the pod's termination message. Exit code 2, as picocli's.
 */
final class UnknownOptionsWithoutValues implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine commandLine = ex.getCommandLine();
        PrintWriter err = commandLine.getErr();
        if (ex instanceof UnmatchedArgumentException unmatched) {
            err.println(describe(unmatched.getUnmatched()));
            UnmatchedArgumentException.printSuggestions(unmatched, err);
        } else {
            err.println(ex.getMessage());
        }
        err.println("Try --help for the options.");
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** "Unknown option: --api-key (values of unknown options are not shown)". */
    static String describe(List<String> unmatched) {
        List<String> names = unmatched.stream()
                .filter(a -> a.startsWith("-"))
                .map(a -> a.split("=", 2)[0])
                .distinct()
                .toList();
        long values = unmatched.size() - names.size();
        String listed = names.isEmpty()
                ? unmatched.size() + " unexpected argument(s)"
                : (names.size() == 1 ? "Unknown option: " : "Unknown options: ")
                        + names.stream().collect(Collectors.joining(", "));
        return listed
                + (values > 0 || unmatched.stream().anyMatch(a -> a.contains("=")) || names.isEmpty()
                        ? " (values of unknown options are not shown)"
                        : "");
    }
}
