package dev.podstage.runtime.stage;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/**
 * The picocli command line of every stage. Its options are completed from the stage's config mappings
 * ({@link StageCommandOptions}). A repeated single-valued option takes its last value, so a DAG can
 * append an override to default arguments instead of rewriting them. Unknown options are named without
 * their values ({@link UnknownOptionsWithoutValues}).
 */
@ApplicationScoped
public class StageCommandLine {

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        CommandLine commandLine = factory.create();
        StageCommand command = commandLine.getCommand();
        StageCommandOptions.complete(commandLine.getCommandSpec(), command.configLoader());
        return commandLine
                .setOverwrittenOptionsAllowed(true)
                .setParameterExceptionHandler(new UnknownOptionsWithoutValues());
    }
}
