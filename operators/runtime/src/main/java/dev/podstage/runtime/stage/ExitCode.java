package dev.podstage.runtime.stage;

/** Exit codes of the stage contract (docs/architecture.md#exit-codes): what Airflow and the provider rely on. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int INPUT_DATA = 3;
    public static final int BUDGET_EXCEEDED = 4;
    /** EX_TEMPFAIL: worth an Airflow retry. */
    public static final int TRANSIENT = 75;

    private ExitCode() {}
}
