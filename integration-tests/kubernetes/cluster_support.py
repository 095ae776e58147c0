"""What the cluster tests share: scripts/cluster.sh, its environment, kubectl against it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from e2e_support import exported_env
from podstage_provider.settings import Settings

REPO = Path(__file__).resolve().parents[2]
CLUSTER = REPO / "scripts" / "cluster.sh"
AIRFLOW_VENV = Path.home() / ".cache" / "podstage" / "airflow-venv"


def run(*command: str, stdin: str | None = None, timeout: int = 300, env: dict[str, str] | None = None):
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=timeout, check=False, env=env)


def wait_until(what: str, condition: Callable[[], bool], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout}s"
        time.sleep(0.5)


def psql_rows(psql: Callable[[str], str], sql: str) -> list[list[str]]:
    """The rows of ``psql -tA`` output (``|``-separated columns)."""
    return [line.split("|") for line in psql(sql).splitlines() if line]


def image_digests(path: Path | str) -> dict[str, str]:
    """A digests file as the provider reads it (PODSTAGE_IMAGE_DIGESTS_FILE): digest by stage, checked."""
    return Settings.from_env({"PODSTAGE_IMAGE_DIGESTS_FILE": str(path)}).image_digests


def cluster_env() -> dict[str, str]:
    """scripts/cluster.sh env as a dict (KUBECONFIG, PODSTAGE_KUBECTL, PODSTAGE_REGISTRY, image settings)."""
    return exported_env(CLUSTER, "env")


def push_sidecar() -> str:
    """Builds the xcom sidecar image, pushes it to the cluster's registry, returns its reference by digest."""
    sidecar = run(str(REPO / "images" / "xcom-sidecar" / "build.sh"))
    assert sidecar.returncode == 0, sidecar.stderr
    tag = Path(sidecar.stdout.strip()).stem.removeprefix("xcom-sidecar-")
    loaded = run("podman", "load", "-i", sidecar.stdout.strip(), "-q")
    assert loaded.returncode == 0, loaded.stderr
    pushed = run(str(CLUSTER), "push", f"localhost/podstage/xcom-sidecar:{tag}", f"podstage/xcom-sidecar:{tag}")
    assert pushed.returncode == 0, pushed.stderr
    return pushed.stdout.strip()


class Cluster:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def kubectl(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        result = run(self.env["PODSTAGE_KUBECTL"], "--kubeconfig", self.env["KUBECONFIG"], *args, stdin=stdin)
        if check:
            assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
        return result.stdout

    def assert_no_pod_left(self, namespace: str) -> None:
        """The operator deletes its pod when the task ends; deletion takes the pod's grace period: wait for it."""
        self.kubectl("-n", namespace, "wait", "--for=delete", "pod", "--all", "--timeout=120s")
        assert self.kubectl("-n", namespace, "get", "pods", "-o", "name").strip() == ""

    def delete_namespace(self, namespace: str) -> None:
        """A namespace ``cluster.sh namespace`` made, with its data volume (a cluster-wide object)."""
        self.kubectl("delete", "namespace", namespace, "--wait=true", "--timeout=120s", check=False)
        self.kubectl("delete", "pv", f"{namespace}-data", check=False)


def start_cluster() -> Cluster:
    started = run(str(CLUSTER), "start", timeout=3600)
    assert started.returncode == 0, started.stderr
    env = cluster_env()
    env["SIDECAR_IMAGE"] = push_sidecar()
    return Cluster(env)


def kubernetes_airflow_env(cluster: Cluster, namespace: str, root: Path) -> dict[str, str]:
    """An Airflow home under ``root`` whose stages run as pods of ``namespace`` (made by ``cluster.sh namespace``
    on ``root/data``, with the sample inputs at /data/samples), as a deployment configures it: the Kubernetes
    connection, the backend, the data volume's claim, the registry and the images' digests."""
    data = root / "data"
    shutil.copytree(REPO / "dags" / "data", data / "samples", dirs_exist_ok=True)
    made = run(str(CLUSTER), "namespace", namespace, str(data))
    assert made.returncode == 0, made.stderr
    connection = {
        "conn_type": "kubernetes",
        "extra": {
            "in_cluster": False,
            "kube_config_path": cluster.env["KUBECONFIG"],
            "namespace": namespace,
            "xcom_sidecar_container_image": cluster.env["SIDECAR_IMAGE"],
        },
    }
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(root)),
        "LANG": "C.UTF-8",
        "AIRFLOW_HOME": str(root / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW_CONN_KUBERNETES_DEFAULT": json.dumps(connection),
        "PODSTAGE_EXECUTION": "kubernetes",
        "PODSTAGE_NAMESPACE": namespace,
        "PODSTAGE_DATA_DIR": "/data",
        "PODSTAGE_DATA_PVC": "podstage-data",
        "PODSTAGE_SAMPLES_DIR": "/data/samples",
        "PODSTAGE_SUMMARY_DIR": str(root / "summaries"),
        "PODSTAGE_METRICS_ENABLED": "false",
        "PODSTAGE_PROGRESS_INTERVAL": "0",
        "PODSTAGE_IMAGE_REGISTRY": cluster.env["PODSTAGE_IMAGE_REGISTRY"],
        "PODSTAGE_IMAGE_DIGESTS_FILE": cluster.env["PODSTAGE_IMAGE_DIGESTS_FILE"],
    }
