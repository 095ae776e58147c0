"""What the cluster tests share: scripts/cluster.sh, its environment, kubectl against it."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLUSTER = REPO / "scripts" / "cluster.sh"
AIRFLOW_VENV = Path.home() / ".cache" / "podstage" / "airflow-venv"


def run(*command: str, stdin: str | None = None, timeout: int = 300, env: dict[str, str] | None = None):
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=timeout, check=False, env=env)


def cluster_env() -> dict[str, str]:
    """scripts/cluster.sh env as a dict (KUBECONFIG, PODSTAGE_KUBECTL, PODSTAGE_REGISTRY, image settings)."""
    env = {}
    for line in run(str(CLUSTER), "env").stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value
    return env


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


def start_cluster() -> Cluster:
    started = run(str(CLUSTER), "start", timeout=3600)
    assert started.returncode == 0, started.stderr
    env = cluster_env()
    env["SIDECAR_IMAGE"] = push_sidecar()
    return Cluster(env)
