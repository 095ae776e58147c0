package dev.podstage.runtime.stage;

import java.nio.file.Path;
import java.util.List;

/**
 * A prepared run of a stage that reads one input file and writes one output file (see
 * {@link SingleFileIo}): the job key takes the input's digest and the answer configuration, and a
 * completed job counts as done while its output exists. The work itself is the stage's.
 */
public final class SingleFileJob implements StageJob {

    /** What the stage does in one run. */
    @FunctionalInterface
    public interface Work {
        StageOutcome run(StageContext context) throws Exception;
    }

    private final SingleFileIo io;
    private final Object answerConfig;
    private final Work work;
    private final boolean defersJobKey;

    public SingleFileJob(SingleFileIo io, Object answerConfig, Work work) {
        this(io, answerConfig, work, false);
    }

    /** {@code defersJobKey}: see {@link StageJob#defersJobKey()}. */
    public SingleFileJob(SingleFileIo io, Object answerConfig, Work work, boolean defersJobKey) {
        this.io = io;
        this.answerConfig = answerConfig;
        this.work = work;
        this.defersJobKey = defersJobKey;
    }

    @Override
    public boolean defersJobKey() {
        return defersJobKey;
    }

    @Override
    public Object answerConfig() {
        return answerConfig;
    }

    @Override
    public List<Path> inputs() {
        return List.of(io.input());
    }

    @Override
    public List<Path> outputs() {
        return List.of(io.output());
    }

    @Override
    public StageOutcome run(StageContext context) throws Exception {
        return work.run(context);
    }
}
