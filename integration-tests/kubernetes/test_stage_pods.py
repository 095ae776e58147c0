"""A Podstage stage as Airflow runs it on Kubernetes: KubernetesPodOperator through the provider, the
stage image pulled from the cluster's registry by digest, a namespace enforcing Pod Security
"restricted", the data volume a PersistentVolumeClaim, the XCom through the sidecar.

The example DAG's first task (ingest, which needs no service) under `airflow tasks test`; the whole
DAGs, with Redis, PostgreSQL and the LLM simulator as pods, are in test_example_dags_on_kubernetes.py.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cluster_support import AIRFLOW_VENV, Cluster, image_digests, kubernetes_airflow_env, run
from podstage_provider.stages import STAGES, memory_bytes

NAMESPACE = "podstage-it"


@pytest.fixture(scope="module")
def airflow(cluster: Cluster) -> Iterator[tuple[dict[str, str], Path]]:
    root = Path(tempfile.mkdtemp(prefix="podstage-k8s-"))
    env = kubernetes_airflow_env(cluster, NAMESPACE, root)
    migrated = run(str(AIRFLOW_VENV / "bin" / "airflow"), "db", "migrate", env=env, timeout=600)
    assert migrated.returncode == 0, migrated.stderr
    yield env, root / "data"
    shutil.rmtree(root, ignore_errors=True)


def test_ingest_runs_as_a_pod_of_the_restricted_namespace_and_returns_its_xcom(
    cluster: Cluster, airflow: tuple[dict[str, str], Path]
):
    env, data = airflow
    result = run(
        str(AIRFLOW_VENV / "bin" / "airflow"), "tasks", "test", "podstage_rag_ingest", "ingest", env=env, timeout=900
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert "new_state=success" in log, log[-5000:]
    # The XCom came through the sidecar, and the operator's first kill command ended it (our pgrep).
    assert "Pushing xcom" in log
    assert "Primary kill command failed" not in log
    # The JVM sized itself from the pod's limits (docs/adr/0006): at most 70 % of the 768Mi memory limit
    # (the node has 24 GiB), and the one CPU of the CPU limit (the node has 2).
    sized = re.search(r"ingest \S+ starting \(.*; heap up to (\d+) MiB, (\d+) CPUs?\)", log)
    assert sized, log[-5000:]
    limit_mib = memory_bytes(STAGES["ingest"].memory_limit) >> 20
    assert 0.6 * limit_mib < int(sized.group(1)) <= 0.7 * limit_mib
    assert int(sized.group(2)) == 1 == int(STAGES["ingest"].cpu_limit)
    # The shards are on the data volume, written by the stage's uid: the 12 sample documents, once each.
    shards = sorted((data / "rag" / "shards").glob("*.jsonl"))
    assert shards, "no shard on the data volume"
    records = [json.loads(line) for shard in shards for line in shard.read_text().splitlines() if line]
    assert len(records) == len(list((data / "samples" / "docs").iterdir()))
    assert {shard.stat().st_uid for shard in shards} == {1001}
    # The pod pulled the image pushed to the registry, by digest, and is gone afterwards.
    pulled = cluster.kubectl(
        "-n", NAMESPACE, "get", "events", "--field-selector=reason=Pulled", "-o", "jsonpath={.items[*].message}"
    )
    digest = image_digests(cluster.env["PODSTAGE_IMAGE_DIGESTS_FILE"])["ingest"]
    assert f"{cluster.env['PODSTAGE_REGISTRY']}/podstage/ingest@{digest}" in pulled
    cluster.assert_no_pod_left(NAMESPACE)


def test_the_restricted_namespace_refuses_a_pod_that_runs_as_root(cluster: Cluster, airflow):
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "as-root", "namespace": NAMESPACE},
        "spec": {"containers": [{"name": "c", "image": cluster.env["SIDECAR_IMAGE"], "command": ["true"]}]},
    }
    refused = run(
        cluster.env["PODSTAGE_KUBECTL"], "--kubeconfig", cluster.env["KUBECONFIG"], "apply", "-f", "-",
        stdin=json.dumps(pod),
    )  # fmt: skip
    assert refused.returncode != 0
    assert 'violates PodSecurity "restricted:latest"' in refused.stderr
    assert "runAsNonRoot" in refused.stderr
