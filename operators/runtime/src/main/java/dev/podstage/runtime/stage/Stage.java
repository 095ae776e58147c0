package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.config.StageConfigLoader;
import io.smallrye.config.SmallRyeConfig;

/**
 * A stage: its identity and how to turn configuration into a {@link StageJob}. A stage with a
 * config mapping of its own extends {@link ConfiguredStage}.
 */
public interface Stage {

    String name();

    /** Part of the job key: bump it when the stage's output for the same input changes. */
    String version();

    /** Registers the stage's own config mapping(s) on a loader that already knows {@code SharedConfig}. */
    default StageConfigLoader withConfigMappings(StageConfigLoader loader) {
        return loader;
    }

    /** Validates the stage's own configuration (throwing {@code ConfigProblem}) and resolves its job. */
    StageJob prepare(SmallRyeConfig config, SharedConfig shared);
}
