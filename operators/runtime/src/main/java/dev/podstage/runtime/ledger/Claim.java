package dev.podstage.runtime.ledger;

/** What claiming a job key gave: the right to run it, or the stored result of a completed run. */
public sealed interface Claim {

    /** This process now owns the job; {@code resumed} when an earlier attempt left it unfinished. */
    record Granted(boolean resumed, int attempt) implements Claim {}

    /** The job was completed before: its XCom, to return without doing the work again. */
    record AlreadyDone(String xcom) implements Claim {}

    /** Another live process holds the job. */
    record Busy(String owner) implements Claim {}
}
