package dev.podstage.runtime.stage;

/**
 * The run stopped for a reason that passes (SIGTERM, an outage, a busy ledger), its work saved:
 * exit 75, EX_TEMPFAIL, which Airflow's retry answers.
 */
public class TransientException extends StageException {

    public TransientException(String message) {
        super(message);
    }

    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return ExitCode.TRANSIENT;
    }

    @Override
    public boolean resumable() {
        return true;
    }
}
