package dev.podstage.runtime.stage;

import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import dev.podstage.runtime.config.ConfigDefaults;
import dev.podstage.runtime.config.StageConfigLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every stage's picocli command. Options name their config key in {@code descriptionKey};
 * the command only says which stage it is and which mapping holds its keys — the lifecycle is the
 * runtime's ({@link StageRunner}).
 */
public abstract class StageCommand implements Callable<Integer>, ConfigDefaults.ConfiguredCommand {

    @Spec
    protected CommandSpec spec;

    @Inject
    StageRunner runner;

    private StageConfigLoader loader;

    protected abstract Stage stage();

    /** Registers the stage's own mapping(s) on a loader that already knows {@code SharedConfig}. */
    protected abstract StageConfigLoader withStageMappings(StageConfigLoader loader);

    @Override
    public synchronized StageConfigLoader configLoader() {
        if (loader == null) {
            loader = withStageMappings(new StageConfigLoader());
        }
        return loader;
    }

    @Override
    public Integer call() {
        return runner.run(stage(), configLoader(), spec.commandLine().getParseResult());
    }
}
