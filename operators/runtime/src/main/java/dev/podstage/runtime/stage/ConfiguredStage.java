package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.config.StageConfigLoader;
import io.smallrye.config.SmallRyeConfig;

/**
 * A stage whose own keys live in one config mapping under {@code podstage.<stage>.*}. The mapping is
 * named once, here: the command registers it (for {@code --help} defaults and for loading) and
 * {@link #prepareJob} receives it read.
 *
 * @param <C> the stage's {@code @ConfigMapping} interface
 */
public abstract class ConfiguredStage<C> implements Stage {

    private final String name;
    private final String version;
    private final Class<C> mapping;
    private final String prefix;

    protected ConfiguredStage(String name, String version, Class<C> mapping, String prefix) {
        this.name = name;
        this.version = version;
        this.mapping = mapping;
        this.prefix = prefix;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public StageConfigLoader withConfigMappings(StageConfigLoader loader) {
        return loader.with(mapping, prefix);
    }

    @Override
    public StageJob prepare(SmallRyeConfig config, SharedConfig shared) {
        return prepareJob(config.getConfigMapping(mapping, prefix), shared);
    }

    /** Validates the stage's own configuration (throwing {@code ConfigProblem}) and resolves its job. */
    protected abstract StageJob prepareJob(C config, SharedConfig shared);
}
