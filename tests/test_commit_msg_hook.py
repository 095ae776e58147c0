"""scripts/git-hooks/commit-msg, the commit form of CONTRIBUTING.md, on the messages it must take and refuse."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

HOOK = Path(__file__).resolve().parents[1] / "scripts" / "git-hooks" / "commit-msg"


def hook(message: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "COMMIT_EDITMSG"
    file.write_text(message)
    return subprocess.run([str(HOOK), str(file)], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "message",
    [
        "infer: keep the native model copy\n",
        "x" * 72 + "\n\nA body line that is much longer than seventy-two characters is fine in the body.\n",
        "Add CONTRIBUTING.md\n# Please enter the commit message for your changes.\n",
    ],
)
def test_a_short_subject_with_an_optional_body_is_taken(message: str, tmp_path: Path):
    assert hook(message, tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("x" * 73 + "\n", "73 characters"),
        ("\n\nbody only\n", "subject line is empty"),
        ("subject\nbody straight after\n", "second line blank"),
    ],
)
def test_a_long_empty_or_crowded_subject_is_refused_by_name(message: str, named: str, tmp_path: Path):
    refused = hook(message, tmp_path)
    assert refused.returncode == 1
    assert named in refused.stderr
