"""The reason a failed stage gives: its termination message, else its last error line."""

from __future__ import annotations

from podstage_provider import exit_codes


def test_reason_prefers_the_termination_message_then_the_last_error_line():
    lines = [
        "12:00:00.001 INFO  [StageRunner] starting",
        "12:00:00.002 ERROR [StageRunner] first",
        "12:00:00.003 ERROR [InferRun] the real reason",
        "12:00:00.004 INFO  [X] shutting down",
    ]
    assert exit_codes.reason_from("from the file\nsecond line", lines, 3) == "from the file"
    assert exit_codes.reason_from("", lines, 3) == "the real reason"
    assert exit_codes.reason_from(None, ["plain output"], 1) == "no error line; last output: plain output"
    assert exit_codes.reason_from(None, [], 1) == "exit code 1 and no output"
