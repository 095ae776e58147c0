"""bench/run kubernetes, the measuring part (bench/suites/kubernetes.sh starts the cluster, pushes the
images and records the figures): stage pods against a Python task pod, and the example DAGs on the cluster
against the local backend.

Pods: bench/dags/podstage_bench_pods.py under `airflow dags test`: pass "cold" right after the node dropped
the images (each first pod pulls), then WARM_PASSES passes with the images on the node (medians). A watch on
the namespace timestamps every change of every pod with this process's clock, which is the node's: one
machine. Each task's time, as Airflow records it (start and end of the task instance), splits:

    before_pod       task start → the pod created: Airflow and the operator (template, connection, pod spec)
    schedule         → bound to the node (watch)
    pull             the kubelet's own "Successfully pulled image … in …" (0 when the image is present)
    container_start  bound → the process's first log line, less the pull: sandbox, volumes, runc
    runtime_start    first line → the stage's "starting" line (JVM + Quarkus) or the Python task's "ready"
                     (interpreter + the seed's imports)
    work             → the stage's "done" line (Python: its "done" line)
    exit             → the kubelet reports the base container terminated (JVM exit, status sync)
    xcom             → the task's end: the operator notices, reads the XCom through the sidecar, stops it
    task             the whole task (their sum)

Log lines carry containerd's nanosecond timestamps (``kubectl logs --timestamps``).

DAGs: the three example DAGs under `airflow dags test`, once each on a fresh local home (the host's Redis,
PostgreSQL and a simulator process with the tests' options) and on the cluster (services as pods, the same
simulator options), both cold: wall seconds of each and their ratio.

Prints key=value lines. Run by bench/run kubernetes, in the Airflow venv, with PYTHONPATH naming
integration-tests/kubernetes, integration-tests/airflow and provider/tests (the clusters' test helpers).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from kubernetes import client, config, watch

from cluster_services import Services, deploy, simulator_args
from cluster_support import REPO, start_cluster
from e2e_support import LLM_SIM_OPTIONS, AirflowHome, make_home, services_env
from support import running_llm_sim

NAMESPACE = "podstage-bench"
BENCH_DAG = "podstage_bench_pods"
BENCH_DAGS = REPO / "bench" / "dags"
EXAMPLE_DAGS = {
    "rag": ("podstage_rag_ingest", {"shard_size": 4}),
    "llm_batch": ("podstage_llm_batch", {}),
    "ab": ("podstage_ab_test", {"force": "both", "auto_approve": True}),
}
#: Passes with the images on the node: each phase's figure is the median (one pod's phases move by a second:
#: the operator and the kubelet poll).
WARM_PASSES = 3
PHASES = (
    "before_pod",
    "schedule",
    "pull",
    "container_start",
    "runtime_start",
    "work",
    "exit",
    "xcom",
    "task",
)
#: A stage's lines (StageRunner) and the Python task's that end its start-up and its work.
READY = re.compile(r" starting \(|python-task ready")
DONE = re.compile(r"\w+ done: |python-task done")
PULLED = re.compile(r'Successfully pulled image "([^"]+)" in ((?:[0-9.]+[a-zµ]+)+)')
GO_DURATION = re.compile(r"([0-9.]+)(ms|µs|us|ns|h|m|s)")
GO_UNIT_MS = {"h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1, "µs": 0.001, "us": 0.001, "ns": 0.000001}


def go_duration_ms(text: str) -> float:
    return sum(float(n) * GO_UNIT_MS[unit] for n, unit in GO_DURATION.findall(text))


def log_time(line: str) -> tuple[float, str]:
    """``2026-12-06T17:52:35.255123456Z text`` → (epoch seconds, text)."""
    stamp, _, text = line.partition(" ")
    whole, _, fraction = stamp.rstrip("Z").partition(".")
    seconds = datetime.fromisoformat(whole + "+00:00").timestamp()
    return seconds + float(f"0.{fraction or 0}"), text


class PodWatch:
    """Every change of every pod in the namespace, with the time this process saw it."""

    def __init__(self, v1: client.CoreV1Api, namespace: str) -> None:
        self.v1, self.namespace = v1, namespace
        self.seen: dict[str, dict[str, float]] = {}
        self.task_ids: dict[str, str] = {}
        self.base_images: dict[str, str] = {}
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PodWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        version = self.v1.list_namespaced_pod(self.namespace).metadata.resource_version
        while not self._stopped.is_set():
            stream = watch.Watch().stream(
                self.v1.list_namespaced_pod, self.namespace, resource_version=version, timeout_seconds=1
            )
            for event in stream:
                version = event["object"].metadata.resource_version
                self._note(time.time(), event["object"])

    def _note(self, now: float, pod: client.V1Pod) -> None:
        name = pod.metadata.name
        seen = self.seen.setdefault(name, {"added": now})
        self.task_ids.setdefault(name, (pod.metadata.labels or {}).get("task_id", name))
        self.base_images.setdefault(name, next(c.image for c in pod.spec.containers if c.name == "base"))
        if pod.spec.node_name:
            seen.setdefault("scheduled", now)
        for status in pod.status.container_statuses or []:
            if status.name == "base" and status.state.terminated is not None:
                seen.setdefault("base_exited", now)


def pull_ms(v1: client.CoreV1Api, pod: str, image: str) -> float:
    events = v1.list_namespaced_event(NAMESPACE, field_selector=f"involvedObject.name={pod}").items
    for event in events:
        match = PULLED.search(event.message or "")
        if event.reason == "Pulled" and match and match.group(1) == image:
            return go_duration_ms(match.group(2))
    return 0.0


def phases(
    v1: client.CoreV1Api, pod: str, seen: dict[str, float], image: str, task: tuple[float, float]
) -> dict[str, float]:
    log = v1.read_namespaced_pod_log(pod, NAMESPACE, container="base", timestamps=True, _preload_content=False)
    text = log.data.decode()
    lines = [log_time(line) for line in text.splitlines() if line]
    marks = [next((t for t, line in lines if pattern.search(line)), None) for pattern in (READY, DONE)]
    if not lines or None in marks:
        raise AssertionError(f"pod {pod}: no start, ready or done line in its log:\n" + text[-3000:])
    process, (ready, done) = lines[0][0], marks
    pulled = pull_ms(v1, pod, image)
    ms = {
        "before_pod": seen["added"] - task[0],
        "schedule": seen["scheduled"] - seen["added"],
        "container_start": process - seen["scheduled"] - pulled / 1000,
        "runtime_start": ready - process,
        "work": done - ready,
        "exit": seen["base_exited"] - done,
        "xcom": task[1] - seen["base_exited"],
        "task": task[1] - task[0],
    }
    return {"pull": pulled, **{key: value * 1000 for key, value in ms.items()}}


def task_times(home: AirflowHome, dag_id: str) -> dict[str, tuple[float, float]]:
    """Each task instance's start and end (epoch seconds) in the DAG's latest run."""
    rows = home.task_instances(dag_id, home.latest_run_id(dag_id))
    return {
        row["task_id"]: (
            datetime.fromisoformat(row["start_date"]).timestamp(),
            datetime.fromisoformat(row["end_date"]).timestamp(),
        )
        for row in rows
        if row["start_date"] and row["end_date"]
    }


def forget_earlier_runs(services: Services) -> None:
    """The ledger, the stored rows and the cache emptied: a stage whose job is in the ledger would return
    its stored XCom instead of working (same inputs, same job), and a cached answer costs no request."""
    tables = services.psql(
        "SELECT string_agg(tablename, ', ') FROM pg_tables"
        " WHERE schemaname = 'public' AND tablename LIKE 'podstage%' AND tablename <> 'podstage_schema'"
    )
    if tables:
        services.psql(f"TRUNCATE {tables}")
    services.redis("FLUSHALL")


def delete_pods(v1: client.CoreV1Api) -> None:
    v1.delete_collection_namespaced_pod(NAMESPACE, grace_period_seconds=0)
    deadline = time.monotonic() + 120
    while v1.list_namespaced_pod(NAMESPACE).items:
        if time.monotonic() >= deadline:
            raise TimeoutError("the bench's pods were not deleted within 120 s")
        time.sleep(0.5)


def timed_dag(home: AirflowHome, dag_id: str, conf: dict[str, Any]) -> float:
    start = time.monotonic()
    home.dags_test(dag_id, conf)
    return time.monotonic() - start


class Figures:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def add(self, key: str, value: float | int | str) -> None:
        self.values[key] = f"{value:.0f}" if isinstance(value, float) else str(value)
        print(f"{key}={self.values[key]}", flush=True)
        print(f"bench:   {key}={self.values[key]}", file=sys.stderr, flush=True)


@dataclasses.dataclass(frozen=True)
class OnCluster:
    """The pods' benchmark works with: the API, the services as pods, the namespace's Airflow home."""

    v1: client.CoreV1Api
    services: Services
    home: AirflowHome


def bench_pods(figures: Figures, on: OnCluster, drop_images: list[str], python_image: str) -> None:
    v1, services, home = on.v1, on.services, on.home
    bench = dataclasses.replace(
        home,
        env={
            **home.env,
            "AIRFLOW__CORE__DAGS_FOLDER": str(BENCH_DAGS),
            "PODSTAGE_BENCH_PYTHON_IMAGE": python_image,
        },
    )
    data = home.home / "data" / "bench"
    (data / "empty-dir").mkdir(parents=True, exist_ok=True)
    (data / "empty.jsonl").write_text("")
    for path in (data, data / "empty-dir", data / "empty.jsonl"):
        os.chown(path, 1001, 0)
    warm: dict[str, dict[str, list[float]]] = {}
    for label in ("cold", *(f"warm{i}" for i in range(1, WARM_PASSES + 1))):
        forget_earlier_runs(services)
        if label == "cold":
            subprocess.run(drop_images, check=True)
        with PodWatch(v1, NAMESPACE) as pods:
            bench.dags_test(BENCH_DAG, {})
            time.sleep(1)  # the watch has seen what the operator saw
        states = bench.task_states(BENCH_DAG, bench.latest_run_id(BENCH_DAG))
        failed = {task: state for task, state in states.items() if state[-1] not in ("success", "skipped")}
        if failed:
            raise RuntimeError(f"{BENCH_DAG}: tasks that did not run through: {failed}")
        times = task_times(bench, BENCH_DAG)
        for pod, seen in sorted(pods.seen.items(), key=lambda item: item[1]["added"]):
            task = pods.task_ids[pod]
            ms = phases(v1, pod, seen, pods.base_images[pod], times[task])
            if label == "cold":
                figures.add(f"cold_{task}_pull_ms", ms["pull"])
                figures.add(f"cold_{task}_task_ms", ms["task"])
            else:
                for phase in PHASES:
                    warm.setdefault(task, {}).setdefault(phase, []).append(ms[phase])
        delete_pods(v1)
    figures.add("warm_passes", WARM_PASSES)
    for task, by_phase in warm.items():
        for phase in PHASES:
            figures.add(f"warm_{task}_{phase}_ms", statistics.median(by_phase[phase]))


def ratios(figures: Figures) -> None:
    """Each stage task's warm time over the Python task's, with nothing to do and with the sample data."""
    for size in ("noop", "small"):
        python = float(figures.values[f"warm_python_{size}_task_ms"])
        for key in sorted(figures.values):
            match = re.fullmatch(rf"warm_(\w+?)_{size}_task_ms", key)
            if match and match.group(1) != "python":
                figures.add(f"ratio_{match.group(1)}_{size}_over_python", f"{float(figures.values[key]) / python:.2f}")


def bench_dags(figures: Figures, kubernetes: AirflowHome, redis_db: int) -> None:
    with running_llm_sim(*LLM_SIM_OPTIONS) as endpoint:
        local = make_home("local", services_env(), endpoint, redis_db=redis_db)
        try:
            for name, (dag_id, conf) in EXAMPLE_DAGS.items():
                local_s = timed_dag(local, dag_id, conf)
                cluster_s = timed_dag(kubernetes, dag_id, conf)
                figures.add(f"dag_{name}_local_s", f"{local_s:.1f}")
                figures.add(f"dag_{name}_kubernetes_s", f"{cluster_s:.1f}")
                figures.add(f"ratio_dag_{name}_kubernetes_over_local", f"{cluster_s / local_s:.2f}")
        finally:
            shutil.rmtree(local.home, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="a directory for the namespace's data volume")
    parser.add_argument("--python-image", required=True, help="the Python task image, as pushed to the registry")
    parser.add_argument("--redis-db", type=int, default=3, help="the host Redis database of the local runs")
    parser.add_argument("--drop-images", nargs="+", required=True, help="the command that drops the node's images")
    args = parser.parse_args()

    cluster = start_cluster()  # running already (bench/run started it): pushes the xcom sidecar
    services = deploy(cluster, simulator_args(LLM_SIM_OPTIONS))
    shutil.rmtree(args.work, ignore_errors=True)
    home = services.airflow_home(NAMESPACE, args.work)
    config.load_kube_config(cluster.env["KUBECONFIG"])
    v1 = client.CoreV1Api()
    figures = Figures()
    try:
        bench_pods(figures, OnCluster(v1, services, home), args.drop_images, args.python_image)
        ratios(figures)
        forget_earlier_runs(services)
        bench_dags(figures, home, args.redis_db)
    finally:
        cluster.delete_namespace(NAMESPACE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
