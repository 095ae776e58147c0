"""Airflow as a deployment runs it, for the tests that need more than `airflow dags test`: an API server, a
scheduler with the LocalExecutor and a DAG processor on one home, each its own process, all stopped at the end.

`airflow dags test` runs the tasks in its own process without a supervisor: nothing heartbeats, so a task
marked failed from the UI or the API keeps running there. Under a scheduler each task runs in a supervisor
that heartbeats to the API server; once the task instance is no longer running, the heartbeat is refused and
the supervisor sends the task SIGTERM, which calls the operator's ``on_kill``.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from cluster_support import wait_until
from e2e_support import AIRFLOW, AirflowHome

COMPONENTS = (("api-server", "--port", "{port}"), ("scheduler",), ("dag-processor",))
ApiT = TypeVar("ApiT", bound="AirflowApi")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AirflowApi:
    """Airflow's REST API (v2) on 127.0.0.1, every caller an admin (the simple auth manager's ``all_admins``)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def ready(self) -> bool:
        try:
            return bool(self.call("GET", "/api/v2/monitor/health"))
        except (OSError, urllib.error.URLError):
            return False

    def dag_parsed(self, dag_id: str) -> bool:
        try:
            return self.call("GET", f"/api/v2/dags/{dag_id}")["dag_id"] == dag_id
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return False
            raise

    def unpause(self, dag_id: str) -> None:
        """A DAG that `airflow dags test` registered first is paused (dags_are_paused_at_creation): the
        scheduler would leave its runs queued."""
        self.call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str) -> str:
        return str(self.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})["dag_run_id"])

    def task_state(self, dag_id: str, run_id: str, task_id: str) -> str | None:
        state = self.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}")["state"]
        return str(state) if state is not None else None

    def run_state(self, dag_id: str, run_id: str) -> str:
        return str(self.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")["state"])

    def mark(self, dag_id: str, run_id: str, task_id: str, state: str) -> None:
        """What "Mark as failed" (or success) in the UI sends."""
        self.call("PATCH", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}", {"new_state": state})


def component_env(home: AirflowHome, port: int, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The components' environment: the home's, the LocalExecutor, every caller an admin unless ``extra`` says
    otherwise (the browser tests sign in), the task runner's API timeout of airflow-config/airflow.cfg."""
    return {
        **home.env,
        # the components start one another's tasks with `airflow` from PATH
        "PATH": f"{AIRFLOW.parent}:{home.env.get('PATH', os.defpath)}",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        # one secret for the tokens the scheduler issues to tasks and the API server checks
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        # as airflow-config/airflow.cfg: on a busy 2-CPU machine a task's API call is answered late, not never
        "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "30",
        **(extra or {}),
    }


@contextmanager
def scheduled_airflow(
    home: AirflowHome,
    *,
    extra_env: Mapping[str, str] | None = None,
    api: Callable[[int], ApiT] = AirflowApi,  # type: ignore[assignment]
) -> Iterator[ApiT]:
    """The home's Airflow with its components running; their output goes to ``<home>/<component>.log``.
    ``api`` makes the client the caller gets for the API server's port (a signed-in one, say)."""
    port = free_port()
    env = component_env(home, port, extra_env)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, *args in COMPONENTS:
            command = [str(AIRFLOW), name, *(a.format(port=port) for a in args)]
            with (home.home / f"{name}.log").open("ab") as log:
                process = subprocess.Popen(
                    command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            processes.append(process)
        client = api(port)
        wait_until("the API server answering", client.ready, timeout=180)
        yield client
    finally:
        for process in processes:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """The component and every process it started (task supervisors, gunicorn or uvicorn workers)."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 30)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            os.killpg(process.pid, signal.SIGKILL)  # children the component left behind
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
        return
