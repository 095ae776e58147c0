package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.ConfigDefaults;
import dev.podstage.runtime.config.StageConfigLoader;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every stage's picocli command. A command declares its name and help text; the options of
 * its stage's own keys are derived from their declaration in the stage's config mapping
 * ({@link SettingOptions}), and the command declares only the shared options it shows
 * ({@link StageOptions} mixins, or fields where the help is stage-specific). Each option names its
 * config key in {@code descriptionKey}, and the environment variable is that key in upper case with
 * {@code _} for {@code .} and {@code -}.
 *
 * <p>The rest is the same for every stage and lives here: {@code -h}/{@code -V}, {@code --help}
 * defaults from the config mapping ({@link ConfigDefaults}), options listed in the declared order
 * ({@link StageCommandOptions}), and the lifecycle ({@link StageRunner}) run on the program's stage —
 * each stage program has exactly one {@link Stage} bean, which also says which config mapping holds
 * its keys.
 */
@Command(
        mixinStandardHelpOptions = true,
        defaultValueProvider = ConfigDefaults.class,
        sortOptions = false,
        usageHelpAutoWidth = true)
public abstract class StageCommand implements Callable<Integer>, ConfigDefaults.ConfiguredCommand {

    @Spec
    protected CommandSpec spec;

    @Inject
    StageRunner runner;

    @Inject
    Stage stage;

    private StageConfigLoader loader;

    @Override
    public synchronized StageConfigLoader configLoader() {
        if (loader == null) {
            loader = stage.withConfigMappings(new StageConfigLoader());
        }
        return loader;
    }

    @Override
    public Integer call() {
        return runner.run(stage, configLoader(), spec.commandLine().getParseResult());
    }
}
