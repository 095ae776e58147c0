package dev.podstage.store;

/** Why a record cannot become a row: the reason its reject carries. */
final class RowProblem extends Exception {

    RowProblem(String reason) {
        super(reason, null, false, false);
    }
}
