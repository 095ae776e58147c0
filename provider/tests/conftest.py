"""Test setup: an isolated AIRFLOW_HOME before Airflow is imported; the env and llm_sim fixtures."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import DAGS, running_llm_sim

_HOME = Path(tempfile.mkdtemp(prefix="podstage-airflow-test-"))
os.environ["AIRFLOW_HOME"] = str(_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
os.environ.setdefault(
    "AIRFLOW_CONN_KUBERNETES_DEFAULT", '{"conn_type": "kubernetes", "extra": {"namespace": "podstage-test"}}'
)
for _name in list(os.environ):
    if _name.startswith("PODSTAGE_") and not _name.startswith("PODSTAGE_TEST_"):
        del os.environ[_name]  # the tests set what they need; a developer's shell must not leak in


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """monkeypatch, named for what the tests use it for: the PODSTAGE_* environment of one test."""
    return monkeypatch


@pytest.fixture(scope="session")
def llm_sim() -> Iterator[str]:
    """The LLM endpoint simulator (20 ms per request): yields its OpenAI base URL (…/v1)."""
    with running_llm_sim("--latency-ms", "20") as endpoint:
        yield endpoint
