"""Test setup: an isolated AIRFLOW_HOME before Airflow is imported; the env and llm_sim fixtures."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import DAGS, LLM_SIM, free_port, java_home

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
    """The LLM endpoint simulator on a free loopback port: yields its OpenAI base URL (…/v1)."""
    if not LLM_SIM.exists():
        pytest.skip(f"LLM simulator not built: {LLM_SIM}")
    home = java_home()
    java = str(Path(home, "bin", "java")) if home else "java"
    port = free_port()
    proc = subprocess.Popen(
        [java, "-jar", str(LLM_SIM), "--port", str(port), "--latency-ms", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "listening on" in line:
                break
        else:
            pytest.fail("llm-sim did not start")
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
