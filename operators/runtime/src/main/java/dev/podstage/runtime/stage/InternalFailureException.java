package dev.podstage.runtime.stage;

/**
 * Something that should not happen did (records lost, a broken model, a database schema newer than
 * the program): exit 1. Neither the input nor the configuration is to blame, and a retry would fail
 * the same way.
 */
public class InternalFailureException extends StageException {

    public InternalFailureException(String message) {
        super(message);
    }

    public InternalFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return ExitCode.FAILURE;
    }
}
