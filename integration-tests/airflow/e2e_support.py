"""Helpers of the end-to-end tests, kept out of conftest.py (two conftest modules in one pytest session
would shadow each other on import).

End-to-end: `airflow dags test` of the example DAGs through Airflow itself, on the local backends.

One Airflow home per backend (SQLite metadata DB, `airflow db migrate`, the pools imported), the real
Redis and PostgreSQL of scripts/services.sh, the LLM simulator, the packaged stage jars (local) or
the stage images (podman). A DAG whose stages are not built is skipped with the missing pieces named.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from support import DAGS, REPO, inference_connection, java_home, stage_jar

AIRFLOW = Path(sys.executable).with_name("airflow")
#: The models of the A/B test's two connections, and how the simulator plays them: the large one is slower,
#: bills 48 reasoning tokens per answer and knows 90% of the sample answers, the small one 45%.
SMALL_MODEL = "sim-chat-small"
LARGE_MODEL = "sim-chat-large"
LARGE_LATENCY_MS = 300
LLM_SIM_OPTIONS = (
    "--latency-ms",
    "20",
    "--jitter-ms",
    "10",
    "--answers",
    str(DAGS / "data" / "references.jsonl"),
    "--model-profile",
    f"{SMALL_MODEL}=latency_ms:20,quality:0.45",
    "--model-profile",
    f"{LARGE_MODEL}=latency_ms:{LARGE_LATENCY_MS},quality:0.9,reasoning_tokens:48",
)
#: A Redis database of its own per backend (the demo uses 2, bench/run 3), emptied when the home is made: the
#: first run of a session is cold.
REDIS_DB = {"local": 5, "podman": 6}
#: The local run the Kubernetes tests compare the cluster's with (integration-tests/kubernetes).
BASELINE_REDIS_DB = 7
DAG_STAGES = {
    "podstage_rag_ingest": ("ingest", "preprocess", "embed", "store"),
    "podstage_llm_batch": ("ingest", "infer", "store"),
    "podstage_ab_test": ("infer", "store", "evaluate"),
}


def services_env() -> dict[str, str]:
    """PODSTAGE_TEST_* and PODSTAGE_PG_BIN (the server's own client tools) from scripts/services.sh env (the
    services must be running: scripts/services.sh start)."""
    return exported_env(REPO / "scripts" / "services.sh", "env")


def exported_env(*command: str | Path) -> dict[str, str]:
    """The ``export NAME=value`` lines a script prints for eval (``services.sh env``, ``cluster.sh env``), as a dict."""
    out = subprocess.run([str(c) for c in command], check=True, capture_output=True, text=True)
    env = {}
    for line in out.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value
    return env


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class AirflowHome:
    """An Airflow installation for one backend, and a way to run `airflow` in it."""

    backend: str
    home: Path
    env: dict[str, str]
    pg_bin: Path
    runs: list[str] = field(default_factory=list)

    @property
    def summaries(self) -> Path:
        return Path(self.env["PODSTAGE_SUMMARY_DIR"])

    @property
    def data(self) -> Path:
        return Path(self.env["PODSTAGE_DATA_DIR"])

    def airflow(self, *args: str, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(AIRFLOW), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        log = self.home / "logs-cli.txt"
        with log.open("a", encoding="utf-8") as f:
            f.write(f"\n$ airflow {' '.join(args)}\n{result.stdout}\n{result.stderr}\n")
        if check and result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-60:])
            raise AssertionError(f"airflow {' '.join(args)} exited {result.returncode}:\n{tail}")
        return result

    def dags_test(
        self, dag_id: str, conf: dict[str, Any] | None = None, *, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        args = ["dags", "test", dag_id]
        if conf is not None:
            args += ["-c", json.dumps(conf)]
        return self.airflow(*args, check=check)

    def summary(self, dag_id: str) -> dict[str, Any]:
        return json.loads((self.summaries / f"{dag_id}.json").read_text())

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """The run's task instances as `airflow tasks states-for-dag-run` lists them (task_id, state, dates)."""
        out = self.airflow("tasks", "states-for-dag-run", dag_id, run_id, "-o", "json").stdout
        listing = next(line for line in out.splitlines() if line.startswith("["))
        return list(json.loads(listing))

    def task_states(self, dag_id: str, run_id: str) -> dict[str, list[str]]:
        states: dict[str, list[str]] = {}
        for row in self.task_instances(dag_id, run_id):
            states.setdefault(row["task_id"], []).append(row["state"])
        return states

    def latest_run_id(self, dag_id: str) -> str:
        out = self.airflow("dags", "list-runs", dag_id, "-o", "json").stdout
        listing = next(line for line in out.splitlines() if line.startswith("["))
        runs = sorted(json.loads(listing), key=lambda r: r.get("start_date") or "")
        return str(runs[-1]["run_id"])

    def psql(self, sql: str) -> str:
        env = {**os.environ, "PGPASSWORD": self.env["PODSTAGE_DB_PASSWORD"]}
        out = subprocess.run(
            [
                str(self.pg_bin / "psql"),
                "-h",
                "127.0.0.1",
                "-U",
                self.env["PODSTAGE_DB_USER"],
                "-d",
                "podstage",
                "-tAc",
                sql,
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()


def missing_pieces(backend: str, dag_id: str, home: AirflowHome) -> list[str]:
    missing = []
    for stage in DAG_STAGES[dag_id]:
        if backend == "local":
            jar = stage_jar(stage)
            if not jar.exists():
                missing.append(str(jar.relative_to(REPO)))
        else:
            image = f"localhost/podstage/{stage}:0.1.0"
            result = subprocess.run(
                ["podman", "image", "exists", image], env=home.env, capture_output=True, check=False
            )
            if result.returncode != 0:
                missing.append(image)
    return missing


def make_home(backend: str, services: dict[str, str], llm_endpoint: str, redis_db: int | None = None) -> AirflowHome:
    if backend == "podman" and not shutil.which("podman"):
        pytest.skip("podman is not installed")
    root = Path(tempfile.mkdtemp(prefix=f"podstage-e2e-{backend}-"))
    root.chmod(0o755)
    data = root / "data"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(root)),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "AIRFLOW_HOME": str(root / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "16",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "PODSTAGE_EXECUTION": backend,
        "PODSTAGE_DATA_DIR": str(data),
        "PODSTAGE_SUMMARY_DIR": str(root / "summaries"),
        "PODSTAGE_REDIS_URL": f"{services['PODSTAGE_TEST_REDIS_URL'].rstrip('/')}/{redis_db or REDIS_DB[backend]}",
        "PODSTAGE_DB_URL": services["PODSTAGE_TEST_DB_URL"],
        "PODSTAGE_DB_USER": services["PODSTAGE_TEST_DB_USER"],
        "PODSTAGE_DB_PASSWORD": services["PODSTAGE_TEST_DB_PASSWORD"],
        "PODSTAGE_METRICS_ENABLED": "false",
        "PODSTAGE_PROGRESS_INTERVAL": "0",
        # the model in production (variant a of the A/B test, and the LLM batch) and the candidate (variant b)
        "AIRFLOW_CONN_PODSTAGE_LLM": inference_connection(
            llm_endpoint,
            SMALL_MODEL,
            price_input_per_1k=0.00015,
            price_output_per_1k=0.0006,
        ),
        "AIRFLOW_CONN_PODSTAGE_LLM_CANDIDATE": inference_connection(
            llm_endpoint,
            LARGE_MODEL,
            price_input_per_1k=0.0025,
            price_output_per_1k=0.01,
        ),
    }
    home = java_home()
    if home:
        env["JAVA_HOME"] = home
    if os.environ.get("CONTAINERS_CONF"):
        env["CONTAINERS_CONF"] = os.environ["CONTAINERS_CONF"]
    subprocess.run(
        ["redis-cli", "-u", env["PODSTAGE_REDIS_URL"], "FLUSHDB"],
        check=True,
        capture_output=True,
    )
    airflow_home = AirflowHome(backend=backend, home=root, env=env, pg_bin=Path(services["PODSTAGE_PG_BIN"]))
    airflow_home.airflow("db", "migrate")
    airflow_home.airflow("pools", "import", str(REPO / "airflow-config" / "pools.json"))
    return airflow_home


def require_stages(home: AirflowHome, dag_id: str) -> None:
    missing = missing_pieces(home.backend, dag_id, home)
    if missing:
        pytest.skip(f"{dag_id} on {home.backend}: not built: {', '.join(missing)}")
