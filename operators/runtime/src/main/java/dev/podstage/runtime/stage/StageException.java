package dev.podstage.runtime.stage;

/**
 * A stage run that cannot go on, named by its condition: each subclass is one exit code of the
 * stage contract (docs/architecture.md#exit-codes), so a thrower says what went wrong and the
 * exit code follows from it.
 */
public abstract class StageException extends RuntimeException {

    protected StageException(String message) {
        super(message);
    }

    protected StageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The process's exit code for this condition. */
    public abstract int exitCode();

    /**
     * The work stopped with what it had done saved, and a rerun picks it up (a transient failure, the
     * budget); otherwise the run failed and a rerun without a change fails the same way.
     */
    public boolean resumable() {
        return false;
    }
}
