package dev.podstage.runtime.stage;

/** The input as a whole is unusable (missing, unreadable, too many rejected records): exit 3. */
public class InputRejectedException extends StageException {

    public InputRejectedException(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return ExitCode.INPUT_DATA;
    }
}
