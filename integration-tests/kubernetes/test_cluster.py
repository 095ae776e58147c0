"""scripts/cluster.sh: a real one-node cluster pulls images from its registry and runs pods, the xcom
sidecar ends the way KubernetesPodOperator ends it, and stop leaves the host as start found it.

Needs root (containerd, the kubelet, the bridge). Run: pytest integration-tests/kubernetes
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cluster_support import CLUSTER, Cluster, run, start_cluster

SYSCTLS = ("vm.overcommit_memory", "vm.panic_on_oom", "kernel.panic", "kernel.panic_on_oops")
# KubernetesPodOperator's own sidecar command and its first kill command (provider 10.x, pod_manager.py)
SIDECAR_COMMAND = 'trap "exit 0" INT; while true; do sleep 1; done;'
XCOM_KILL = "kill -2 $(pgrep -u $(id -u) -f 'sh')"


def host_state() -> dict[str, object]:
    """What a cluster may change on the host and must give back."""
    state_dir = os.environ.get("PODSTAGE_CLUSTER_DIR", str(Path.home() / ".cache/podstage/cluster"))
    return {
        "sysctls": {name: Path("/proc/sys", name.replace(".", "/")).read_text().strip() for name in SYSCTLS},
        "mounts": sorted(
            line.split()[1] for line in Path("/proc/mounts").read_text().splitlines() if state_dir in line
        ),
        "bridge": Path("/sys/class/net/podstage0").exists(),
        "kubepods": sorted(str(p) for p in Path("/sys/fs/cgroup").glob("*/kubepods")),
        "run_containerd": Path("/run/containerd").exists(),
        "var_lib_cni": Path("/var/lib/cni").exists(),
        "processes": sorted(
            p.name
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _exe(p).startswith((state_dir, str(Path.home() / ".cache/podstage/k8s")))
        ),
    }


def _exe(proc: Path) -> str:
    try:
        return os.readlink(proc / "exe")
    except OSError:
        return ""


@pytest.fixture(scope="module")
def before() -> dict[str, object]:
    return host_state()


@pytest.fixture(scope="module")
def cluster(before: dict[str, object]) -> Iterator[Cluster]:
    yield start_cluster()
    run(str(CLUSTER), "stop")


def test_a_pod_pulls_its_image_from_the_registry_by_digest_and_runs_to_succeeded(cluster: Cluster):
    image = cluster.env["SIDECAR_IMAGE"]
    assert image.startswith(cluster.env["PODSTAGE_REGISTRY"] + "/podstage/xcom-sidecar@sha256:")
    cluster.kubectl(
        "run", "hello", f"--image={image}", "--image-pull-policy=Always", "--restart=Never",
        "--command", "--", "sh", "-c", "echo hello from $(hostname)",
    )  # fmt: skip
    cluster.kubectl("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/hello", "--timeout=120s")
    assert cluster.kubectl("logs", "hello").strip() == "hello from hello"
    pulled = cluster.kubectl(
        "get",
        "events",
        "--field-selector=involvedObject.name=hello,reason=Pulled",
        "-o",
        "jsonpath={.items[*].message}",
    )
    assert f'Successfully pulled image "{image}"' in pulled
    cluster.kubectl("delete", "pod", "hello", "--wait=true")


def test_the_xcom_sidecar_hands_over_the_value_and_ends_on_the_operators_kill(cluster: Cluster):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "xcom"},
        "spec": {
            "restartPolicy": "Never",
            "volumes": [{"name": "xcom", "emptyDir": {}}],
            "containers": [
                {
                    "name": "base",
                    "image": cluster.env["SIDECAR_IMAGE"],
                    "command": ["sh", "-c", "echo '{\"answer\": 42}' > /airflow/xcom/return.json"],
                    "volumeMounts": [{"name": "xcom", "mountPath": "/airflow/xcom"}],
                },
                {
                    "name": "airflow-xcom-sidecar",
                    "image": cluster.env["SIDECAR_IMAGE"],
                    "command": ["sh", "-c", SIDECAR_COMMAND],
                    "volumeMounts": [{"name": "xcom", "mountPath": "/airflow/xcom"}],
                },
            ],
        },
    }
    cluster.kubectl("apply", "-f", "-", stdin=json.dumps(pod))
    cluster.kubectl(
        "wait",
        '--for=jsonpath={.status.containerStatuses[?(@.name=="base")].state.terminated.reason}=Completed',
        "pod/xcom",
        "--timeout=120s",
    )
    value = cluster.kubectl("exec", "xcom", "-c", "airflow-xcom-sidecar", "--", "cat", "/airflow/xcom/return.json")
    assert json.loads(value) == {"answer": 42}
    # As the operator does it: the command on the exec'd shell's stdin; it must write nothing to stderr
    # (the operator takes any stderr for a failure and falls back to another command).
    kill = run(
        cluster.env["PODSTAGE_KUBECTL"], "--kubeconfig", cluster.env["KUBECONFIG"], "exec", "-i", "xcom",
        "-c", "airflow-xcom-sidecar", "--", "/bin/sh", stdin=XCOM_KILL + "\n",
    )  # fmt: skip
    assert kill.stderr.strip() in ("", "command terminated with exit code 130"), kill.stderr
    cluster.kubectl("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/xcom", "--timeout=60s")
    cluster.kubectl("delete", "pod", "xcom", "--wait=true")


def test_stop_leaves_the_host_as_start_found_it(cluster: Cluster, before: dict[str, object]):
    stopped = run(str(CLUSTER), "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert host_state() == before
    # Stopping a stopped cluster (the test script's EXIT trap does) finds nothing to undo and succeeds.
    again = run(str(CLUSTER), "stop")
    assert again.returncode == 0, again.stderr
    assert host_state() == before
