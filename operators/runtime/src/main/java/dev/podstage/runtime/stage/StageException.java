package dev.podstage.runtime.stage;

/** A failure that knows which exit code of the stage contract it maps to. */
public class StageException extends RuntimeException {

    private final int exitCode;

    public StageException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public StageException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static StageException inputData(String message) {
        return new StageException(ExitCode.INPUT_DATA, message);
    }

    public static StageException transientFailure(String message, Throwable cause) {
        return new StageException(ExitCode.TRANSIENT, message, cause);
    }
}
