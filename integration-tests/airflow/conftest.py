"""Fixtures of the end-to-end tests: services, the LLM simulator, one Airflow home per backend."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from e2e_support import LLM_SIM_OPTIONS, AirflowHome, make_home, reachable, services_env
from support import running_llm_sim


@pytest.fixture(scope="session")
def services() -> dict[str, str]:
    env = services_env()
    if not (reachable("127.0.0.1", 6379) and reachable("127.0.0.1", 5432)):
        pytest.skip("Redis/PostgreSQL are not running: run scripts/services.sh start first")
    return env


@pytest.fixture(scope="session")
def llm_endpoint() -> Iterator[str]:
    with running_llm_sim(*LLM_SIM_OPTIONS) as endpoint:
        yield endpoint


def _home(backend: str, services: dict[str, str], llm_endpoint: str) -> Iterator[AirflowHome]:
    home = make_home(backend, services, llm_endpoint)
    yield home
    if not os.environ.get("PODSTAGE_KEEP_E2E"):
        shutil.rmtree(home.home, ignore_errors=True)


@pytest.fixture(scope="session")
def local_home(services: dict[str, str], llm_endpoint: str) -> Iterator[AirflowHome]:
    yield from _home("local", services, llm_endpoint)


@pytest.fixture(scope="session")
def podman_home(services: dict[str, str], llm_endpoint: str) -> Iterator[AirflowHome]:
    yield from _home("podman", services, llm_endpoint)


@pytest.fixture(params=["local", "podman"])
def airflow_home(request: pytest.FixtureRequest) -> AirflowHome:
    home: AirflowHome = request.getfixturevalue(f"{request.param}_home")
    return home
