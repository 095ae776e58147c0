"""The example DAGs: import with zero errors on every backend, and are shaped as documented."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk.definitions.mappedoperator import MappedOperator

from podstage_provider.operators import (
    EvaluateOperator,
    InferOperator,
    IngestOperator,
    PodstageApprovalOperator,
    StoreOperator,
)
from podstage_provider.stages import STAGES
from support import CONFIG, DAGS, REPO

EXPECTED = {"podstage_rag_ingest", "podstage_llm_batch", "podstage_ab_test"}
POOLS = set(json.loads((CONFIG / "pools.json").read_text()))


@pytest.fixture(params=["kubernetes", "local", "podman"])
def dagbag(request, env, tmp_path) -> DagBag:
    env.setenv("PODSTAGE_EXECUTION", request.param)
    env.setenv("PODSTAGE_DATA_DIR", str(tmp_path / "data"))
    bag = DagBag(dag_folder=str(DAGS), known_pools=POOLS | {"default_pool"})
    bag.backend = request.param  # type: ignore[attr-defined]
    return bag


def test_every_dag_imports_without_errors_on_every_backend(dagbag: DagBag):
    assert dagbag.import_errors == {}
    assert dagbag.dag_warnings == set()  # every pool the DAGs use is in airflow-config/pools.json
    assert set(dagbag.dags) == EXPECTED
    for dag in dagbag.dags.values():
        assert dag.doc_md and len(dag.doc_md) > 300, dag.dag_id
        assert "PODSTAGE_EXECUTION" in dag.doc_md
        for task in dag.tasks:
            execution = (
                task.partial_kwargs.get("execution")
                if isinstance(task, MappedOperator)
                else getattr(task, "execution", None)
            )
            if execution is not None:
                assert execution == dagbag.backend  # type: ignore[attr-defined]


def test_a_bad_backend_is_an_import_error_naming_the_setting(env):
    env.setenv("PODSTAGE_EXECUTION", "nomad")
    bag = DagBag(dag_folder=str(DAGS))
    assert len(bag.import_errors) == 3
    assert all("PODSTAGE_EXECUTION='nomad'" in e for e in bag.import_errors.values())


def test_pools_are_checked_against_the_known_ones(env):
    bag = DagBag(dag_folder=str(DAGS), known_pools={"default_pool"})
    messages = " ".join(w.message for w in bag.dag_warnings)
    for pool in POOLS:
        assert pool in messages


def test_rag_ingest_maps_preprocess_and_embed_over_shards_with_pools(dagbag: DagBag):
    dag = dagbag.dags["podstage_rag_ingest"]
    preprocess, embed = dag.get_task("preprocess"), dag.get_task("embed")
    assert isinstance(preprocess, MappedOperator) and isinstance(embed, MappedOperator)
    assert preprocess.partial_kwargs["pool"] == "podstage_preprocess"
    assert embed.partial_kwargs["pool"] == "podstage_embed"
    assert preprocess.partial_kwargs["max_active_tis_per_dagrun"] == 4
    assert dag.get_task("ingest_shards").upstream_task_ids == {"ingest"}
    assert preprocess.upstream_task_ids == {"ingest_shards"}
    assert embed.upstream_task_ids == {"preprocess"}
    assert dag.get_task("store").upstream_task_ids == {"embed"}
    assert isinstance(dag.get_task("ingest"), IngestOperator)


def test_llm_batch_has_mapped_infer_store_and_a_threshold_check(dagbag: DagBag):
    dag = dagbag.dags["podstage_llm_batch"]
    infer = dag.get_task("infer")
    assert isinstance(infer, MappedOperator)
    assert infer.operator_class is InferOperator or infer.operator_class.__name__ == "InferOperator"
    assert infer.partial_kwargs["pool"] == "podstage_llm"
    assert infer.partial_kwargs["conn_id"] == "podstage_llm"
    check = dag.get_task("check_thresholds")
    assert {"infer", "store"} <= check.upstream_task_ids
    assert isinstance(dag.get_task("store"), StoreOperator)
    assert set(dag.params.keys()) >= {"max_p95_latency_ms", "max_cost_per_record_usd"}


def test_ab_test_branch_join_evaluate_approval_promote(dagbag: DagBag):
    dag = dagbag.dags["podstage_ab_test"]
    split = dag.get_task("split")
    assert split.downstream_task_ids == {"infer_a", "infer_b"}
    store = dag.get_task("store")
    assert store.upstream_task_ids == {"infer_a", "infer_b"}
    assert str(store.trigger_rule) in ("none_failed_min_one_success", "TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS")
    evaluate = dag.get_task("evaluate")
    assert isinstance(evaluate, EvaluateOperator)
    assert evaluate.upstream_task_ids == {"store"}
    approve = dag.get_task("approve")
    assert isinstance(approve, PodstageApprovalOperator)
    assert approve.upstream_task_ids == {"evaluate"}
    assert "approve" in dag.get_task("promote").upstream_task_ids
    for name in ("a", "b"):
        infer = dag.get_task(f"infer_{name}")
        assert isinstance(infer, InferOperator)
        assert infer.variant == name
    assert dag.params["auto_approve"] is False


def test_the_kubernetes_benchmark_dag_times_every_stage_and_a_python_pod_one_at_a_time(env, tmp_path):
    """bench/dags/podstage_bench_pods.py (bench/run kubernetes): every stage twice, the Python task pod built by
    the same operator with its own image, every pod kept for the bench to read, one task after another."""
    python_image = "127.0.0.1:5000/podstage/python-task@sha256:" + "0" * 64
    env.setenv("PODSTAGE_EXECUTION", "kubernetes")
    env.setenv("PODSTAGE_DATA_DIR", str(tmp_path / "data"))
    env.setenv("PODSTAGE_BENCH_PYTHON_IMAGE", python_image)
    bag = DagBag(dag_folder=str(REPO / "bench" / "dags"))
    assert bag.import_errors == {}
    dag = bag.dags["podstage_bench_pods"]
    tasks = {task.task_id: task for task in dag.tasks}
    for stage in STAGES:
        assert any(task.stage == stage and task_id.endswith("_small") for task_id, task in tasks.items()), stage
    assert {task.image for task_id, task in tasks.items() if task_id.startswith("python_")} == {python_image}
    assert all(task.on_finish_action == "keep_pod" for task in tasks.values())
    order = [task.task_id for task in dag.topological_sort()]
    assert all(tasks[later].upstream_task_ids >= {earlier} for earlier, later in pairwise(order))
