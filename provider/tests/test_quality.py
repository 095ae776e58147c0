"""The provider is typed (mypy --strict) and ruff-clean, DAGs and tests included."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

BIN = Path(sys.executable).parent
PROVIDER = REPO / "provider"


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if not found:
            pytest.fail(f"{name} is not installed in the test venv (provider/requirements-airflow.txt pins it)")
        return found
    return str(path)


def test_ruff_check_and_format_the_whole_repository():
    """One configuration (ruff.toml at the root) for every Python file: provider, DAGs, tests, benchmarks."""
    check = subprocess.run([tool("ruff"), "check", "."], cwd=REPO, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run(
        [tool("ruff"), "format", "--check", "."], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_strict():
    result = subprocess.run([tool("mypy")], cwd=PROVIDER, capture_output=True, check=False, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
