"""Fixtures of the tests that run whole workflows on the cluster: the cluster with the stage images pushed,
and its services (cluster_services.py). The fixture is ``pod_services``: ``services`` is the host's, in
integration-tests/airflow/conftest.py, and pytest gave the airflow tests this module's fixture when both
had that name. Each test module starts the cluster (a running one is reused) and stops it at its end, so
every module leaves the host as it found it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from cluster_services import Services, deploy, simulator_args
from cluster_support import CLUSTER, Cluster, run, start_cluster
from e2e_support import BASELINE_REDIS_DB, LLM_SIM_OPTIONS, AirflowHome, make_home, services_env
from support import running_llm_sim


@pytest.fixture(scope="module")
def stage_cluster() -> Iterator[Cluster]:
    cluster = start_cluster()
    pushed = run(str(CLUSTER), "push-images", timeout=900)
    assert pushed.returncode == 0, pushed.stderr
    yield cluster
    run(str(CLUSTER), "stop")


@pytest.fixture(scope="module")
def pod_services(stage_cluster: Cluster) -> Services:
    return deploy(stage_cluster, simulator_args(LLM_SIM_OPTIONS))


@pytest.fixture(scope="module")
def cluster(stage_cluster: Cluster, request: pytest.FixtureRequest) -> Iterator[Cluster]:
    """The cluster for a module that works in its own namespace (the module's NAMESPACE, made by
    ``cluster.sh namespace``): deleted with its data volume when the module ends."""
    yield stage_cluster
    stage_cluster.delete_namespace(request.module.NAMESPACE)


@pytest.fixture(scope="module")
def local() -> Iterator[AirflowHome]:
    """The DAGs on the local backend (the JVM flavour), against the host's Redis and PostgreSQL and a simulator
    of its own: what a module's cluster runs are compared with."""
    with running_llm_sim(*LLM_SIM_OPTIONS) as endpoint:
        home = make_home("local", services_env(), endpoint, redis_db=BASELINE_REDIS_DB)
        yield home
    shutil.rmtree(home.home, ignore_errors=True)
