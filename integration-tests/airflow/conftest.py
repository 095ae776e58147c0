"""Fixtures of the end-to-end tests: services, the LLM simulator, one Airflow home per backend."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e_support import LLM_SIM, AirflowHome, free_port, java_home, make_home, reachable, services_env


@pytest.fixture(scope="session")
def services() -> dict[str, str]:
    env = services_env()
    if not (reachable("127.0.0.1", 6379) and reachable("127.0.0.1", 5432)):
        pytest.skip("Redis/PostgreSQL are not running: run scripts/services.sh start first")
    return env


@pytest.fixture(scope="session")
def llm_endpoint() -> Iterator[str]:
    if not LLM_SIM.exists():
        pytest.skip(f"LLM simulator not built: {LLM_SIM}")
    home = java_home()
    java = str(Path(home, "bin", "java")) if home else "java"
    port = free_port()
    proc = subprocess.Popen(
        [java, "-jar", str(LLM_SIM), "--port", str(port), "--latency-ms", "20", "--jitter-ms", "10"],
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


@pytest.fixture(scope="session")
def local_home(services: dict[str, str], llm_endpoint: str) -> Iterator[AirflowHome]:
    home = make_home("local", services, llm_endpoint)
    yield home
    if not os.environ.get("PODSTAGE_KEEP_E2E"):
        shutil.rmtree(home.home, ignore_errors=True)


@pytest.fixture(scope="session")
def podman_home(services: dict[str, str], llm_endpoint: str) -> Iterator[AirflowHome]:
    home = make_home("podman", services, llm_endpoint)
    yield home
    if not os.environ.get("PODSTAGE_KEEP_E2E"):
        shutil.rmtree(home.home, ignore_errors=True)


@pytest.fixture(params=["local", "podman"])
def airflow_home(request: pytest.FixtureRequest) -> AirflowHome:
    home: AirflowHome = request.getfixturevalue(f"{request.param}_home")
    return home
