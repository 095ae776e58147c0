package dev.podstage.runtime.stage;

/** How a stage run ended, as the {@code status} tag of {@code stage.duration} says it. */
enum RunStatus {
    SUCCESS("success"),
    /** The ledger had the job done: its stored XCom was returned, nothing was run. */
    ALREADY_DONE("already_done"),
    /** Stopped with its work saved (SIGTERM, an outage, the budget): a rerun resumes. */
    INTERRUPTED("interrupted"),
    FAILED("failed");

    final String tag;

    RunStatus(String tag) {
        this.tag = tag;
    }

    static RunStatus of(StageException failure) {
        return failure.resumable() ? INTERRUPTED : FAILED;
    }
}
