package dev.podstage.runtime.stage;

import java.nio.file.Path;
import java.util.List;

/** One prepared run of a stage: validated configuration, resolved inputs and outputs, ready to go. */
public interface StageJob {

    /** The configuration that determines the answer (never secrets, never run-control knobs): part of the job key. */
    Object answerConfig();

    List<Path> inputs();

    /** Files a completed job must still have for its stored XCom to be returned instead of redoing it. */
    List<Path> outputs();

    StageOutcome run(StageContext context) throws Exception;

    /**
     * True when the job asks for its key itself ({@link StageContext#jobKey()}), at a moment its work
     * leaves the CPU idle, instead of the runner scanning the inputs before the work starts. The
     * runner still does so when the ledger is on: a claim comes before any work.
     */
    default boolean defersJobKey() {
        return false;
    }
}
