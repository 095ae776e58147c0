package dev.podstage.runtime.stage;

import dev.podstage.runtime.io.StageInputs;
import dev.podstage.runtime.ledger.JobIdentity;
import java.nio.file.Path;
import java.util.List;

/**
 * A run's job identity, worked out once, when first asked: reading every input through SHA-256 is
 * the one pass over the data a stage makes before its work. The ledger asks at once (a claim comes
 * before any work); a job that {@linkplain StageJob#defersJobKey defers} it asks when its own work
 * leaves the CPU idle — infer, while its first round of requests is out. The answer is the same either way.
 * Asked from the run's main thread only.
 */
public final class JobKey {

    private final String stage;
    private final String stageVersion;
    private final Object answerConfig;
    private final List<Path> inputs;
    private final Progress progress;
    private JobIdentity identity;

    JobKey(String stage, String stageVersion, Object answerConfig, List<Path> inputs, Progress progress) {
        this.stage = stage;
        this.stageVersion = stageVersion;
        this.answerConfig = answerConfig;
        this.inputs = List.copyOf(inputs);
        this.progress = progress;
    }

    /** The identity, scanning the inputs the first time (and telling progress how many records they hold). */
    public JobIdentity identity() {
        if (identity == null) {
            List<StageInputs.Scan> scans =
                    inputs.stream().map(StageInputs::scan).toList();
            identity = JobIdentity.of(
                    stage,
                    stageVersion,
                    answerConfig,
                    scans.stream().map(StageInputs.Scan::digest).toList());
            progress.total(scans.stream().mapToLong(StageInputs.Scan::lines).sum());
        }
        return identity;
    }

    public String value() {
        return identity().key();
    }
}
