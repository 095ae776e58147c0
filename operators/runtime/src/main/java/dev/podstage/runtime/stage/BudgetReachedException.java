package dev.podstage.runtime.stage;

/** The next call would cross the cost budget: the run stopped short of it, its answers saved (exit 4). */
public class BudgetReachedException extends StageException {

    public BudgetReachedException(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return ExitCode.BUDGET_EXCEEDED;
    }

    @Override
    public boolean resumable() {
        return true;
    }
}
