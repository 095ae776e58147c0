"""Failures as a cluster produces them, and what Airflow then does (dags/podstage_cluster_faults.py):

- a stage pod deleted while it runs: SIGTERM, the stage saves what it answered and exits 75, Airflow
  retries, the retry resumes from the ledger: no row twice, no answer paid twice;
- a pod over its memory limit: OOMKilled, a task failure that names the limit;
- an image that does not exist: the task fails at the pull, naming the image, without waiting for a timeout;
- a pod spec the restricted namespace refuses: a task failure naming the field;
- a task marked failed in Airflow (the UI's "Mark as failed") while its pod runs: the pod is deleted, the
  stage stops as on any SIGTERM, and the task is not retried (under a scheduler: scheduled_airflow.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import uuid
from pathlib import Path

import pytest

from cluster_services import Services
from cluster_support import Cluster, wait_until
from e2e_support import AIRFLOW, AirflowHome
from scheduled_airflow import scheduled_airflow

NAMESPACE = "podstage-faults"
DAGS = Path(__file__).resolve().parent / "dags"


@pytest.fixture(scope="module")
def home(cluster: Cluster, pod_services: Services, tmp_path_factory: pytest.TempPathFactory) -> AirflowHome:
    home = pod_services.airflow_home(NAMESPACE, tmp_path_factory.mktemp("faults-on-kubernetes"))
    home.env["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
    return home


def watch_until_deleted(watch: subprocess.Popen[str], timeout: float) -> list[list[str]]:
    """The lines of a `kubectl get --watch` up to the pod's DELETED event (the watch itself never ends)."""
    timer = threading.Timer(timeout, watch.kill)
    timer.start()
    events = []
    try:
        assert watch.stdout is not None
        for line in watch.stdout:
            events.append(line.split())
            if line.startswith("DELETED"):
                break
    finally:
        timer.cancel()
        watch.kill()
        watch.wait()
    return events


def task_test(home: AirflowHome, task_id: str) -> str:
    """The task's log under `airflow tasks test`, which ends the task failed (and exits 0 all the same)."""
    result = home.airflow("tasks", "test", "podstage_cluster_faults", task_id, check=False)
    log = result.stdout + result.stderr
    assert "new_state=failed" in log, log[-5000:]
    return log


INTERRUPTED = "podstage_cluster_interrupted"


def hold_infer_at_its_sixth_question(home: AirflowHome, pod_services: Services) -> None:
    """Twenty questions for the interrupted DAG's infer, and a simulator that answers five, then never answers
    the next one (the stage sends one request at a time and waits 600 s for it)."""
    nonce = uuid.uuid4().hex
    questions = home.home / "data" / "interrupted" / "questions.jsonl"  # the data volume, seen from the host
    questions.parent.mkdir(parents=True, exist_ok=True)
    questions.write_text(
        "".join(json.dumps({"id": f"q{i:02d}", "text": f"{nonce} question {i}"}) + "\n" for i in range(20))
    )
    for path in (questions.parent, questions):
        os.chown(path, 1001, 0)
    pod_services.simulator("POST", "/admin/reset")
    pod_services.simulator("POST", "/admin/fail", {"type": "pass", "count": 5})
    pod_services.simulator("POST", "/admin/fail", {"type": "hang", "count": 1})


def held_infer_pod(cluster: Cluster, pod_services: Services) -> str:
    def held() -> bool:  # five answered, the sixth request hanging
        stats = pod_services.simulator_stats()
        return (stats["items"], stats["by_status"].get("hang")) == (5, 1)

    wait_until("the infer pod held at its sixth request", held)
    pod = cluster.kubectl("-n", NAMESPACE, "get", "pods", "-l", "podstage.dev/stage=infer", "-o", "name").strip()
    assert pod.count("pod/") == 1, pod
    return pod


def watch_pod(cluster: Cluster, pod: str) -> subprocess.Popen[str]:
    """Every change of the pod until it is gone, the base container's exit code among them."""
    return subprocess.Popen(
        [cluster.env["PODSTAGE_KUBECTL"], "--kubeconfig", cluster.env["KUBECONFIG"], "-n", NAMESPACE,
         "get", pod, "--watch", "--output-watch-events", "-o",
         'jsonpath={.type} {.object.status.containerStatuses[?(@.name=="base")].state.terminated.exitCode}{"\\n"}'],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_a_pod_deleted_mid_run_exits_75_and_the_retry_resumes_without_paying_twice(
    cluster: Cluster, pod_services: Services, home: AirflowHome
):
    hold_infer_at_its_sixth_question(home, pod_services)
    run = subprocess.Popen(
        [str(AIRFLOW), "dags", "test", INTERRUPTED],
        env=home.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        pod = held_infer_pod(cluster, pod_services)
        watch = watch_pod(cluster, pod)
        cluster.kubectl("-n", NAMESPACE, "delete", pod, "--wait=false")
        events = watch_until_deleted(watch, timeout=180)
        log, _ = run.communicate(timeout=900)
    finally:
        if run.poll() is None:
            run.kill()
    assert ["DELETED", "75"] in events, events  # the stage's own exit code, not the kubelet's SIGKILL (137)
    assert run.returncode == 0, log[-6000:]
    assert "stopped by SIGTERM: 5 records answered and saved" in log, log[-6000:]

    states = home.task_states(INTERRUPTED, home.latest_run_id(INTERRUPTED))
    assert states["infer"] == ["success"] and states["store"] == ["success"]
    report = home.summary(INTERRUPTED)
    infer = report["infer"]
    assert infer["records_out"] == 20
    # Each question was answered by the endpoint exactly once: five before the deletion, fifteen on the retry;
    # the held request was never answered, so never paid.
    stats = pod_services.simulator_stats()
    assert stats["items"] == 20, stats
    run_id = report["run_id"]
    count, distinct = pod_services.psql(
        f"SELECT count(*), count(DISTINCT id) FROM podstage_results WHERE run_id = '{run_id}'"
    ).split("|")
    assert (int(count), int(distinct)) == (20, 20)  # no row twice
    # The retry kept the first attempt's five answers (sent one at a time, in input order: q00-q04) and paid
    # only for the fifteen others; the job's total is every answer once.
    metrics = infer["metrics"]
    assert metrics["resumed"] == 5
    paid = f"SELECT sum(cost_usd) FROM podstage_results WHERE run_id = '{run_id}'"
    assert metrics["cost_usd"] == pytest.approx(float(pod_services.psql(paid + " AND id >= 'q05'")))
    assert metrics["cost_usd_total"] == pytest.approx(float(pod_services.psql(paid)))
    assert 0 < metrics["cost_usd"] < metrics["cost_usd_total"]
    cluster.kubectl("-n", NAMESPACE, "wait", "--for=delete", "pod", "--all", "--timeout=120s")


def test_a_pod_over_its_memory_limit_fails_the_task_naming_the_limit(cluster: Cluster, home: AirflowHome):
    log = task_test(home, "over_memory_limit")
    assert "OOMKilled" in log, log[-5000:]
    assert "memory limit of 40Mi" in log, log[-5000:]


def test_an_image_that_does_not_exist_fails_at_the_pull_naming_it(cluster: Cluster, home: AirflowHome):
    log = task_test(home, "image_missing")
    image = f"{cluster.env['PODSTAGE_IMAGE_REGISTRY']}/ingest:no-such-tag"
    assert f"the image {image} cannot be pulled" in log, log[-5000:]
    assert "Pod took too long" not in log  # failed at the pull, not at the start timeout


def test_a_pod_the_restricted_namespace_refuses_fails_naming_the_field(cluster: Cluster, home: AirflowHome):
    log = task_test(home, "runs_as_root")
    assert f'namespace {NAMESPACE} refused the pod: violates PodSecurity "restricted:latest"' in log, log[-5000:]
    assert "runAsUser=0" in log


def test_a_task_marked_failed_in_airflow_deletes_its_pod_and_is_not_retried(
    cluster: Cluster, pod_services: Services, home: AirflowHome
):
    hold_infer_at_its_sixth_question(home, pod_services)
    with scheduled_airflow(home) as airflow:
        wait_until("the DAG parsed", lambda: airflow.dag_parsed(INTERRUPTED))
        airflow.unpause(INTERRUPTED)
        run_id = airflow.trigger(INTERRUPTED)
        pod = held_infer_pod(cluster, pod_services)
        watch = watch_pod(cluster, pod)
        airflow.mark(INTERRUPTED, run_id, "infer", "failed")  # as "Mark as failed" in the UI
        # the task's supervisor sees its heartbeat refused and stops the task: on_kill deletes the pod
        events = watch_until_deleted(watch, timeout=180)
        wait_until("the DAG run failed", lambda: airflow.run_state(INTERRUPTED, run_id) == "failed", timeout=120)
        states = {task: airflow.task_state(INTERRUPTED, run_id, task) for task in ("infer", "store")}
    assert ["DELETED", "75"] in events, events  # SIGTERM reached the stage, which saved its answers
    assert states == {"infer": "failed", "store": "upstream_failed"}
    # marked failed is final: no retry asked the endpoint again
    assert pod_services.simulator_stats()["items"] == 5
    assert cluster.kubectl("-n", NAMESPACE, "get", "pods", "-l", "podstage.dev/stage=infer", "-o", "name") == ""
