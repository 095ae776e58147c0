package dev.podstage.infer;

import dev.podstage.runtime.resilience.CredentialsRefusedException;
import dev.podstage.runtime.resilience.EndpointsDownException;
import dev.podstage.runtime.stage.BudgetReachedException;
import dev.podstage.runtime.stage.ConfigurationException;
import dev.podstage.runtime.stage.StageException;
import dev.podstage.runtime.stage.TransientException;
import java.time.Duration;

/**
 * Why an infer run stopped before its input was done: each reason leaves the partial output for a
 * rerun and turns into the failure that says so, with the records answered and saved.
 */
sealed interface StopReason {

    /** The failure the run exits with, {@code answered} records saved. */
    StageException failure(long answered);

    /** SIGTERM: an eviction, a drain, a task marked failed, Airflow's timeout. Exit 75. */
    record Signalled() implements StopReason {
        @Override
        public StageException failure(long answered) {
            return new TransientException(
                    "stopped by SIGTERM: " + answered + " records answered and saved; a rerun resumes from there");
        }
    }

    /** The endpoint refused the API key: configuration (exit 2, no retry). */
    record CredentialsRefused(CredentialsRefusedException refusal) implements StopReason {
        @Override
        public StageException failure(long answered) {
            return new ConfigurationException(describe(refusal) + "; " + answered
                    + " records answered and saved, a rerun with a key it accepts resumes from there");
        }

        /** The endpoint and the status, never the key nor the endpoint's words, which may quote it. */
        static String describe(CredentialsRefusedException refusal) {
            return refusal.endpoint() + " refused the API key (HTTP " + refusal.status()
                    + "): set podstage.infer.api-key (PODSTAGE_INFER_API_KEY, on Airflow the connection's password) to"
                    + " a key it accepts";
        }
    }

    /** Every endpoint failed a request, retries and failovers spent (for longer than max-outage, if down). Exit 75. */
    record EndpointsFailed(Throwable error, Duration maxOutage) implements StopReason {
        @Override
        public StageException failure(long answered) {
            String outage = error instanceof EndpointsDownException
                    ? ", longer than podstage.infer.max-outage (" + maxOutage + ") allows"
                    : "";
            return new TransientException(
                    "every endpoint failed (" + describe(error) + ")" + outage + "; " + answered
                            + " records answered and saved, a rerun resumes from there",
                    error);
        }

        static String describe(Throwable t) {
            String message = t.getMessage();
            return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        }
    }

    /** The next request would cross podstage.infer.max-cost-usd. Exit 4. */
    record BudgetReached(String budget) implements StopReason {
        @Override
        public StageException failure(long answered) {
            return new BudgetReachedException("budget reached before crossing it: " + budget + "; " + answered
                    + " records answered and saved; rerun with a larger podstage.infer.max-cost-usd to resume");
        }
    }

    /** Fewer records came out than went in: a bug. What was answered stays, and the rerun asks only for the rest. */
    record RecordsLost(StageException lost) implements StopReason {
        @Override
        public StageException failure(long answered) {
            return lost;
        }
    }
}
