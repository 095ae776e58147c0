"""The three example DAGs under `airflow dags test` with PODSTAGE_EXECUTION=kubernetes: every stage a pod
of a restricted namespace, pulled from the cluster's registry by digest, talking to Redis, PostgreSQL
and the LLM simulator that run as pods of the same cluster (cluster_services.py). Each DAG runs on the
local backend too, in the same test, and the two must agree: records per stage, rows stored, cost,
the A/B winner. No pod may be left behind after a DAG.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from cluster_services import Services
from cluster_support import Cluster, psql_rows
from e2e_support import AirflowHome

NAMESPACE = "podstage-dags"
AB_SIDE_BY_SIDE = {"force": "both", "auto_approve": True}
#: What a stage's totals must agree on between the backends (durations and latencies are the machine's).
COMPARED = ("tasks", "records_in", "records_out", "rejects", "already_done", "cache_hits")


@pytest.fixture(scope="module")
def kubernetes(cluster: Cluster, pod_services: Services, tmp_path_factory: pytest.TempPathFactory) -> AirflowHome:
    return pod_services.airflow_home(NAMESPACE, tmp_path_factory.mktemp("dags-on-kubernetes"))


def totals(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {stage: {key: t.get(key) for key in COMPARED} for stage, t in summary["stages"].items()}


def on_both(dag_id: str, conf: dict[str, Any], local: AirflowHome, kubernetes: AirflowHome, cluster: Cluster):
    """The DAG run locally, then on the cluster: the two runs' summaries, once no pod of the cluster's is left."""
    local.dags_test(dag_id, conf)
    kubernetes.dags_test(dag_id, conf)
    cluster.assert_no_pod_left(NAMESPACE)
    return local.summary(dag_id), kubernetes.summary(dag_id)


def quoted(values: list[str]) -> str:
    return ",".join("'" + v.replace("'", "''") + "'" for v in values)


def test_rag_ingest_stores_the_same_chunks_and_vectors_as_the_local_backend(
    cluster: Cluster, pod_services: Services, kubernetes: AirflowHome, local: AirflowHome
):
    conf = {"shard_size": 4}
    here, there = on_both("podstage_rag_ingest", conf, local, kubernetes, cluster)
    assert there["shards"] == here["shards"] >= 3
    assert totals(there) == totals(here)
    assert totals(there)["embed"]["records_out"] == 12
    assert {t: c["upserted"] for t, c in there["tables"].items()} == {
        t: c["upserted"] for t, c in here["tables"].items()
    }

    columns = "id, doc_id, chunk_index, md5(text), embedding::text"
    stored = psql_rows(pod_services.psql, f"SELECT {columns} FROM podstage_chunks ORDER BY id")
    assert len(stored) == totals(there)["store"]["records_out"]
    ids = [row[0] for row in stored]
    baseline = psql_rows(local.psql, f"SELECT {columns} FROM podstage_chunks WHERE id IN ({quoted(ids)}) ORDER BY id")
    assert [row[:4] for row in stored] == [row[:4] for row in baseline]
    # The same model and runtime in the image as in the jar: the vectors agree (to float rounding).
    for pod_row, local_row in zip(stored, baseline, strict=True):
        pod_vector, local_vector = json.loads(pod_row[4]), json.loads(local_row[4])
        assert len(pod_vector) == len(local_vector) == 384
        assert max(abs(a - b) for a, b in zip(pod_vector, local_vector, strict=True)) < 1e-4


def test_llm_batch_answers_and_pays_the_same_as_the_local_backend(
    cluster: Cluster, pod_services: Services, kubernetes: AirflowHome, local: AirflowHome
):
    conf = {"shard_size": 20}
    here, there = on_both("podstage_llm_batch", conf, local, kubernetes, cluster)
    assert totals(there) == totals(here)
    assert totals(there)["infer"]["records_out"] == 60
    assert math.isclose(there["stages"]["infer"]["cost_usd"], here["stages"]["infer"]["cost_usd"], rel_tol=1e-9)
    assert there["stages"]["infer"]["cost_usd"] > 0
    assert there["thresholds"]["violations"] == here["thresholds"]["violations"] == []

    columns = "id, variant, model, md5(output::text), input_tokens, output_tokens, cost_usd"
    run_id = there["run_id"].replace("'", "''")
    results = f"SELECT {columns} FROM podstage_results WHERE run_id = '{{}}' ORDER BY id"
    stored = psql_rows(pod_services.psql, results.format(run_id))
    assert len(stored) == 60
    baseline = psql_rows(local.psql, results.format(here["run_id"]))
    assert stored == baseline
    # Every question reached the simulator in the cluster once, through the stage pods.
    assert pod_services.simulator_stats()["items"] == 60


def test_ab_test_picks_the_same_winner_as_the_local_backend(
    cluster: Cluster, pod_services: Services, kubernetes: AirflowHome, local: AirflowHome
):
    here, there = on_both("podstage_ab_test", AB_SIDE_BY_SIDE, local, kubernetes, cluster)
    assert totals(there) == totals(here)
    assert there["variants_run"] == here["variants_run"] == ["a", "b"]
    decided = ("verdict", "winner", "decided_by", "rule")
    assert {k: there["evaluation"][k] for k in decided} == {k: here["evaluation"][k] for k in decided}
    assert there["evaluation"]["winner"] == "b"
    judged = ("model", "records", "quality", "exact_match", "cost_per_record_usd")
    for name in ("a", "b"):
        pod_variant, local_variant = there["evaluation"]["variants"][name], here["evaluation"]["variants"][name]
        assert {k: pod_variant[k] for k in judged} == pytest.approx({k: local_variant[k] for k in judged})
    assert there["promoted"]["winner"] == here["promoted"]["winner"] == "b"
    run_id = there["run_id"].replace("'", "''")
    assert int(pod_services.psql(f"SELECT count(*) FROM podstage_ab_results WHERE run_id = '{run_id}'")) >= 1
