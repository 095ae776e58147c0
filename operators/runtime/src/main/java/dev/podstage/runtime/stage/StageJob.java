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
}
