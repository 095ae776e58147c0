package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.SharedConfig;
import io.smallrye.config.SmallRyeConfig;

/** A stage: its identity and how to turn configuration into a {@link StageJob}. */
public interface Stage {

    String name();

    /** Part of the job key: bump it when the stage's output for the same input changes. */
    String version();

    /** Validates the stage's own configuration (throwing {@code ConfigProblem}) and resolves its job. */
    StageJob prepare(SmallRyeConfig config, SharedConfig shared);
}
