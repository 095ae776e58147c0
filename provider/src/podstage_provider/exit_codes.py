"""The stage exit codes (docs/architecture.md#exit-codes) and what each means to Airflow, the same on every backend.

======  ====================================  ==============================================
code    stage says                            Airflow does
======  ====================================  ==============================================
0       done (or already done per ledger)     success; the XCom value is the stage's summary
2       bad configuration                     fails without retrying (a retry cannot help)
3       bad input data                        fails without retrying
4       budget reached                        fails without retrying (raise the budget, rerun:
                                              the stage resumes without paying twice)
75      transient (SIGTERM, endpoints down)   fails and is retried (exponential backoff)
1       anything else                         fails and is retried
any     listed in ``skip_on_exit_code``       skipped
======  ====================================  ==============================================
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

OK = 0
FAILURE = 1
USAGE = 2
INPUT_DATA = 3
BUDGET_EXCEEDED = 4
TRANSIENT = 75

MEANING = {
    FAILURE: "failed",
    USAGE: "bad configuration",
    INPUT_DATA: "bad input data",
    BUDGET_EXCEEDED: "budget reached",
    TRANSIENT: "transient failure, will be retried",
}

#: Codes for which a retry cannot change the outcome.
NOT_RETRYABLE = frozenset({USAGE, INPUT_DATA, BUDGET_EXCEEDED})

# "02:06:25.059 ERROR [StageRunner] invalid configuration: ..." (the stages' console format)
_ERROR_LINE = re.compile(r"^\S+\s+(?:ERROR|FATAL)\s+\[[^\]]*\]\s+(?P<message>.+)$")


class StageFailed(AirflowException):
    """A stage exited with a failure code that a retry may fix (1, 75, or a runner problem)."""

    def __init__(self, stage: str, exit_code: int | None, reason: str) -> None:
        self.stage = stage
        self.exit_code = exit_code
        self.reason = reason
        super().__init__(describe(stage, exit_code, reason))


class StageFailedNoRetry(AirflowFailException):
    """A stage exited 2, 3 or 4: configuration, input data or budget; retrying would not help."""

    def __init__(self, stage: str, exit_code: int, reason: str) -> None:
        self.stage = stage
        self.exit_code = exit_code
        self.reason = reason
        super().__init__(describe(stage, exit_code, reason))


def describe(stage: str, exit_code: int | None, reason: str) -> str:
    if exit_code is None:
        return f"{stage} failed: {reason}"
    meaning = MEANING.get(exit_code, "failed")
    return f"{stage} exited {exit_code} ({meaning}): {reason}"


def outcome(stage: str, exit_code: int, reason: str, skip_on_exit_code: Collection[int]) -> AirflowException:
    """The exception a non-zero exit code becomes (never called for 0)."""
    if exit_code in skip_on_exit_code:
        return AirflowSkipException(f"{stage} exited {exit_code}: {reason or 'nothing to do'}")
    if exit_code in NOT_RETRYABLE:
        return StageFailedNoRetry(stage, exit_code, reason)
    return StageFailed(stage, exit_code, reason)


def reason_from(termination_message: str | None, log_lines: Iterable[str], exit_code: int) -> str:
    """The stage's one-line reason: its termination message, else its last ERROR log line."""
    if termination_message and termination_message.strip():
        return termination_message.strip().splitlines()[0].strip()
    last_error = None
    last_line = None
    for line in log_lines:
        stripped = line.strip()
        if not stripped:
            continue
        last_line = stripped
        match = _ERROR_LINE.match(stripped)
        if match:
            last_error = match.group("message").strip()
    if last_error:
        return last_error
    if last_line:
        return f"no error line; last output: {last_line[:500]}"
    return f"exit code {exit_code} and no output"
