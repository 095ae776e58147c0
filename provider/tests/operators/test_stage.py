"""The pod each operator asks Kubernetes for (build_pod_request_obj, dry run: no cluster needed)."""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.sdk import DAG
from airflow.sdk.exceptions import AirflowSkipException
from kubernetes.client import models as k8s

from podstage_provider.operators import (
    EmbedOperator,
    EvaluateOperator,
    InferOperator,
    IngestOperator,
    PodstageOperator,
    PreprocessOperator,
    StoreOperator,
)
from podstage_provider.pod import SPOT_NODE_LABELS, SPOT_TOLERATIONS
from podstage_provider.stages import STAGES
from support import CONFIG, exit_code_outcomes

RUN_ID = "manual__2025-01-02T03:04:05+00:00"
LLM_CONN = {
    "conn_type": "podstage_inference",
    "password": "sk-test-secret-key",
    "extra": {
        "endpoints": ["https://primary.example.com/v1", "https://fallback.example.com/v1"],
        "protocol": "openai-chat",
        "model": "gpt-test",
        "kubernetes_secret": "llm-key:token",
        "max_in_flight": 8,
    },
}

PRICED_CONN = {**LLM_CONN, "extra": {**LLM_CONN["extra"], "price_input_per_1k": 0.15, "price_output_per_1k": 0.6}}


def make_dag(dag_id: str = "pod_test") -> DAG:
    return DAG(dag_id, schedule=None, start_date=datetime(2025, 1, 1))


def context_for(op: Any, *, try_number: int = 2, map_index: int = -1) -> dict[str, Any]:
    ti = SimpleNamespace(
        try_number=try_number, map_index=map_index, task_id=op.task_id, dag_id=op.dag_id, run_id=RUN_ID
    )
    return {"dag": op.dag, "task": op, "run_id": RUN_ID, "ti": ti, "task_instance": ti, "params": {}}


def render(op: Any, **kwargs: Any) -> k8s.V1Pod:
    context = context_for(op, **kwargs)
    op.render_template_fields(context)
    return op.build_pod_request_obj(context, dry_run=True)


def base(pod: k8s.V1Pod) -> k8s.V1Container:
    return next(c for c in pod.spec.containers if c.name == "base")


def env_of(pod: k8s.V1Pod) -> dict[str, Any]:
    return {e.name: (e.value if e.value_from is None else e.value_from) for e in base(pod).env}


def arg_values(args: list[str], flag: str) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == flag]


def one_of_each(dag: DAG) -> list[PodstageOperator]:
    with dag:
        return [
            IngestOperator(task_id="ingest", input="/data/in", output_uri="/data/shards", shard_size=100),
            PreprocessOperator(task_id="preprocess", input="/data/shards/s0.jsonl", output_dir="/data/chunks"),
            EmbedOperator(task_id="embed", input="/data/chunks/s0.jsonl", output_dir="/data/vectors", batch_size=32),
            InferOperator(
                task_id="infer",
                conn_id=None,
                input="/data/q.jsonl",
                output_uri="/data/a.jsonl",
                options={"endpoint": "http://e/v1", "protocol": "inputs", "model": "m"},
            ),
            StoreOperator(task_id="store", input="/data/vectors/s0.jsonl", output_uri="/data/receipt.jsonl"),
            EvaluateOperator(task_id="evaluate", output_uri="/data/report.html"),
        ]


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_each_stage_pod_has_image_args_env_resources_security_and_sidecar(stage: str):
    op = next(o for o in one_of_each(make_dag(f"pod_{stage}")) if o.stage == stage)
    pod = render(op)
    container = base(pod)

    assert container.image == f"localhost/podstage/{stage}:0.1.0"
    assert container.command == []  # the image's entrypoint is the stage program
    assert "--output" in container.args
    env = env_of(pod)
    assert env["AIRFLOW_CTX_DAG_ID"] == f"pod_{stage}"
    assert env["AIRFLOW_CTX_TASK_ID"] == stage
    assert env["AIRFLOW_CTX_RUN_ID"] == RUN_ID
    assert env["AIRFLOW_CTX_TRY_NUMBER"] == "2"
    assert env["AIRFLOW_CTX_MAP_INDEX"] == "-1"
    spec = STAGES[stage]
    assert container.resources.requests == {"cpu": spec.cpu_request, "memory": spec.memory_request}
    assert container.resources.limits == {"cpu": spec.cpu_limit, "memory": spec.memory_limit}

    psc = pod.spec.security_context
    assert psc.run_as_non_root is True and psc.run_as_user == 1001
    assert psc.seccomp_profile.type == "RuntimeDefault"
    csc = container.security_context
    assert csc.allow_privilege_escalation is False
    assert csc.privileged is False
    assert csc.read_only_root_filesystem is True
    assert csc.capabilities.drop == ["ALL"]
    assert csc.seccomp_profile.type == "RuntimeDefault"

    mounts = {m.mount_path: m.name for m in container.volume_mounts}
    assert mounts["/airflow/xcom"] == "xcom"
    assert mounts["/tmp"] == "tmp"
    assert mounts["/data"] == "podstage-data"
    volumes = {v.name: v for v in pod.spec.volumes}
    assert volumes["tmp"].empty_dir.size_limit == spec.tmp_size
    assert volumes["podstage-data"].persistent_volume_claim.claim_name == "podstage-data"

    sidecar = next(c for c in pod.spec.containers if c.name == "airflow-xcom-sidecar")
    assert sidecar.security_context.read_only_root_filesystem is True
    assert sidecar.security_context.capabilities.drop == ["ALL"]
    assert container.termination_message_policy == "FallbackToLogsOnError"
    assert pod.metadata.labels["podstage.dev/stage"] == stage
    assert pod.spec.tolerations in (None, [])
    assert not pod.spec.affinity or not pod.spec.affinity.node_affinity
    assert op.do_xcom_push is True
    assert op.retries == 3 and op.retry_exponential_backoff == 2.0


def test_context_env_is_templated_until_rendered():
    with make_dag():
        op = PreprocessOperator(task_id="p", input="/d/s.jsonl", output_dir="/d/c")
    env = op.env_vars
    assert env["AIRFLOW_CTX_RUN_ID"] == "{{ run_id }}"
    assert env["AIRFLOW_CTX_TRY_NUMBER"] == "{{ ti.try_number }}"
    assert env["AIRFLOW_CTX_MAP_INDEX"] == "{{ ti.map_index }}"
    assert env["AIRFLOW_CTX_DAG_ID"] == "{{ dag.dag_id }}"
    assert env["AIRFLOW_CTX_TASK_ID"] == "{{ task.task_id }}"


def test_stage_arguments_in_order_with_options():
    with make_dag():
        op = IngestOperator(
            task_id="ingest",
            input=["/a", "/b"],
            output_uri="/data/shards",
            shard_size=5,
            options={"text_field": "body", "max-reject-ratio": 0.1, "id_field": None, "format": ""},
        )
    args = render(op).spec.containers[0].args
    assert args[:6] == ["--input", "/a", "--input", "/b", "--output", "/data/shards"]
    assert arg_values(args, "--shard-size") == ["5"]
    assert arg_values(args, "--text-field") == ["body"]
    assert arg_values(args, "--max-reject-ratio") == ["0.1"]
    assert "--id-field" not in args and "--format" not in args  # None and "" leave an option out


def test_templated_input_and_options_are_rendered():
    with make_dag() as dag:
        dag.params = {"src": "/data/in"}  # type: ignore[assignment]
        op = IngestOperator(
            task_id="ingest",
            input="{{ params.src }}",
            output_uri="/data/{{ dag.dag_id }}",
            options={"shard_size": "{{ 2 * 3 }}"},
        )
    context = context_for(op)
    context["params"] = {"src": "/data/in"}
    op.render_template_fields(context)
    args = op.build_pod_request_obj(context, dry_run=True).spec.containers[0].args
    assert args[:4] == ["--input", "/data/in", "--output", "/data/pod_test"]
    assert arg_values(args, "--shard-size") == ["6"]


def test_extra_environment_joins_the_stage_environment():
    with make_dag():
        op = PreprocessOperator(
            task_id="p",
            input="/s",
            output_dir="/c",
            env={"PODSTAGE_PREPROCESS_CHUNK_TOKENS": "256"},
            env_vars={"PODSTAGE_PROGRESS_INTERVAL": "{{ 5 * 2 }}s"},
        )
    got = env_of(render(op))
    assert got["PODSTAGE_PREPROCESS_CHUNK_TOKENS"] == "256"
    assert got["PODSTAGE_PROGRESS_INTERVAL"] == "10s"
    assert got["AIRFLOW_CTX_TASK_ID"] == "p"


def test_image_registry_and_tag_come_from_settings_or_parameters(env):
    env.setenv("PODSTAGE_IMAGE_REGISTRY", "registry.example.com/team/")
    env.setenv("PODSTAGE_IMAGE_TAG", "1.2.3")
    with make_dag():
        a = InferOperator(task_id="a", conn_id=None, input="/q", output_uri="/o")
        b = InferOperator(task_id="b", conn_id=None, input="/q", output_uri="/o", image_tag="9.9")
        c = InferOperator(task_id="c", conn_id=None, input="/q", output_uri="/o", image="my/own:img")
    assert a.image == "registry.example.com/team/infer:1.2.3"
    assert b.image == "registry.example.com/team/infer:9.9"
    assert c.image == "my/own:img"


def test_a_known_digest_names_the_image_unless_the_task_names_another_tag(env):
    digest = "sha256:" + "c" * 64
    env.setenv("PODSTAGE_IMAGE_REGISTRY", "127.0.0.1:5000/podstage")
    env.setenv("PODSTAGE_IMAGE_DIGESTS", f"infer={digest}")
    with make_dag():
        a = InferOperator(task_id="a", conn_id=None, input="/q", output_uri="/o")
        b = InferOperator(task_id="b", conn_id=None, input="/q", output_uri="/o", image_tag="9.9")
        e = EmbedOperator(task_id="e", input="/c.jsonl", output_dir="/v")
    assert a.image == f"127.0.0.1:5000/podstage/infer@{digest}"
    assert render(a).spec.containers[0].image == f"127.0.0.1:5000/podstage/infer@{digest}"
    assert b.image == "127.0.0.1:5000/podstage/infer:9.9"
    assert e.image.startswith("127.0.0.1:5000/podstage/embed:")


@pytest.mark.parametrize("spot", [True, "required", "preferred"])
def test_spot_tolerations_and_node_affinity_for_gke_eks_aks(spot: Any):
    with make_dag():
        op = EmbedOperator(task_id="embed", input="/c.jsonl", output_dir="/v", spot=spot)
    pod = render(op)
    tolerations = {(t.key, t.value, t.effect) for t in pod.spec.tolerations}
    assert tolerations == {(t.key, t.value, t.effect) for t in SPOT_TOLERATIONS}
    keys = {t[0] for t in tolerations}
    assert {
        "cloud.google.com/gke-spot",
        "eks.amazonaws.com/capacityType",
        "kubernetes.azure.com/scalesetpriority",
    } <= keys
    node_affinity = pod.spec.affinity.node_affinity
    if spot == "preferred":
        terms = [p.preference for p in node_affinity.preferred_during_scheduling_ignored_during_execution]
        assert node_affinity.required_during_scheduling_ignored_during_execution is None
    else:
        terms = node_affinity.required_during_scheduling_ignored_during_execution.node_selector_terms
    labels = {(t.match_expressions[0].key, t.match_expressions[0].values[0]) for t in terms}
    assert labels == set(SPOT_NODE_LABELS)


def test_spot_rejects_unknown_mode():
    with make_dag(), pytest.raises(ValueError, match="spot="):
        EmbedOperator(task_id="embed", input="/c", output_dir="/v", spot="sometimes")


def test_db_password_comes_from_a_kubernetes_secret_when_the_ledger_is_configured(env):
    env.setenv("PODSTAGE_DB_URL", "postgresql://db:5432/podstage")
    env.setenv("PODSTAGE_DB_USER", "podstage")
    env.setenv("PODSTAGE_REDIS_URL", "redis://redis:6379")
    env.setenv("PODSTAGE_DB_SECRET", "my-db")
    with make_dag():
        op = StoreOperator(task_id="store", input="/v.jsonl", output_uri="/r.jsonl")
    env_vars = env_of(render(op))
    assert env_vars["PODSTAGE_DB_URL"] == "postgresql://db:5432/podstage"
    assert env_vars["PODSTAGE_REDIS_URL"] == "redis://redis:6379"
    ref = env_vars["PODSTAGE_DB_PASSWORD"].secret_key_ref
    assert (ref.name, ref.key) == ("my-db", "password")


def test_no_db_secret_without_a_ledger():
    with make_dag():
        op = StoreOperator(task_id="store", input="/v.jsonl", output_uri="/r.jsonl")
    assert "PODSTAGE_DB_PASSWORD" not in env_of(render(op))


def test_infer_endpoints_from_connection_and_api_key_from_kubernetes_secret(env):
    env.setenv("AIRFLOW_CONN_PODSTAGE_LLM", json.dumps(LLM_CONN))
    with make_dag():
        op = InferOperator(task_id="infer", input="/q.jsonl", output_uri="/a.jsonl", options={"max_in_flight": 2})
    pod = render(op)
    args = base(pod).args
    assert arg_values(args, "--endpoint") == ["https://primary.example.com/v1", "https://fallback.example.com/v1"]
    assert arg_values(args, "--protocol") == ["openai-chat"]
    assert arg_values(args, "--model") == ["gpt-test"]
    assert arg_values(args, "--max-in-flight") == ["2"]  # the operator's options win over the connection's
    ref = env_of(pod)["PODSTAGE_INFER_API_KEY"].secret_key_ref
    assert (ref.name, ref.key) == ("llm-key", "token")
    assert "sk-test-secret-key" not in json.dumps(pod.to_dict(), default=str)


def test_infer_model_override_replaces_the_connections_model_and_prices(env):
    env.setenv("AIRFLOW_CONN_PODSTAGE_LLM", json.dumps(PRICED_CONN))
    with make_dag():
        op = InferOperator(
            task_id="infer",
            input="/q",
            output_uri="/a",
            options={"model": "other", "price_input_per_1k": 2.5, "price_output_per_1k": 10},
            variant="b",
        )
    pod = render(op)
    args = base(pod).args
    assert arg_values(args, "--model") == ["other"]
    assert arg_values(args, "--price-input-per-1k") == ["2.5"]
    assert arg_values(args, "--price-output-per-1k") == ["10"]
    assert env_of(pod)["PODSTAGE_VARIANT"] == "b"


@pytest.mark.parametrize("prices", [{}, {"price_input_per_1k": 2.5}])
def test_a_model_override_without_its_own_prices_is_refused(env, prices: dict[str, float]):
    env.setenv("AIRFLOW_CONN_PODSTAGE_LLM", json.dumps(PRICED_CONN))
    with make_dag():
        op = InferOperator(task_id="infer", input="/q", output_uri="/a", options={"model": "other", **prices})
    with pytest.raises(ValueError, match=r"override the model of connection 'podstage_llm' \(gpt-test → other\)"):
        render(op)


def test_the_connections_own_model_needs_no_prices_from_the_task(env):
    env.setenv("AIRFLOW_CONN_PODSTAGE_LLM", json.dumps(PRICED_CONN))
    with make_dag():
        op = InferOperator(task_id="infer", input="/q", output_uri="/a", options={"model": "gpt-test"})
    args = base(render(op)).args
    assert arg_values(args, "--price-input-per-1k") == ["0.15"]


def test_rendered_arguments_are_the_command_line_with_the_connections_options(env):
    # Rendered Templates show self.arguments as stored after rendering: the connection is read then.
    env.setenv("AIRFLOW_CONN_PODSTAGE_LLM", json.dumps(PRICED_CONN))
    with make_dag():
        op = InferOperator(task_id="infer", input="/q", output_uri="/a")
    op.render_template_fields(context_for(op))
    assert arg_values(op.arguments, "--endpoint") == [
        "https://primary.example.com/v1",
        "https://fallback.example.com/v1",
    ]
    assert arg_values(op.arguments, "--price-output-per-1k") == ["0.6"]
    assert "sk-test-secret-key" not in " ".join(op.arguments)


def test_infer_api_key_without_secret_name_travels_as_plain_env(env):
    conn = json.loads(json.dumps(LLM_CONN))
    del conn["extra"]["kubernetes_secret"]
    env.setenv("AIRFLOW_CONN_PODSTAGE_LLM", json.dumps(conn))
    with make_dag():
        op = InferOperator(task_id="infer", input="/q", output_uri="/a")
    pod = render(op)
    assert env_of(pod)["PODSTAGE_INFER_API_KEY"] == "sk-test-secret-key"
    assert "sk-test-secret-key" not in base(pod).args


def test_pod_template_file_is_the_base_and_the_operator_wins():
    template = str(CONFIG / "pod-template.yaml")
    with make_dag():
        op = PreprocessOperator(task_id="p", input="/s.jsonl", output_dir="/c", pod_template_file=template)
    pod = render(op)
    assert [c.topology_key for c in pod.spec.topology_spread_constraints] == [
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    ]
    assert pod.spec.termination_grace_period_seconds == 60
    assert base(pod).image == "localhost/podstage/preprocess:0.1.0"
    names = [v.name for v in pod.spec.volumes]
    assert sorted(names) == sorted(set(names)), names
    paths = [m.mount_path for m in base(pod).volume_mounts]
    assert sorted(paths) == sorted(set(paths)), paths
    assert {t.key for t in pod.spec.tolerations} == {t.key for t in SPOT_TOLERATIONS}


def test_pod_template_from_settings(env):
    env.setenv("PODSTAGE_POD_TEMPLATE_FILE", str(CONFIG / "pod-template.yaml"))
    with make_dag():
        op = StoreOperator(task_id="s", input="/v", output_uri="/r")
    assert op.pod_template_file == str(CONFIG / "pod-template.yaml")
    assert render(op).spec.topology_spread_constraints


def test_upstream_xcom_values_become_inputs_and_infer_rejects_become_errors():
    infer_xcoms = [
        {"outputs": ["file:///d/a/s0.jsonl"], "rejects": 2, "rejects_uri": "file:///d/a/s0.jsonl.rejects.jsonl"},
        None,  # a skipped shard
        {"outputs": ["file:///d/a/s2.jsonl"], "rejects": 0, "rejects_uri": "file:///d/a/s2.jsonl.rejects.jsonl"},
    ]
    with make_dag():
        store = StoreOperator(task_id="store", input=infer_xcoms, output_uri="/d/r.jsonl", kind="results")
        embed = EmbedOperator(task_id="embed", input={"outputs": ["file:///d/c/shard-3.jsonl"]}, output_dir="/d/v")
    args = render(store).spec.containers[0].args
    assert arg_values(args, "--input") == ["file:///d/a/s0.jsonl", "file:///d/a/s2.jsonl"]
    assert arg_values(args, "--errors") == ["file:///d/a/s0.jsonl.rejects.jsonl"]
    assert arg_values(args, "--kind") == ["results"]
    embed_args = render(embed).spec.containers[0].args
    assert arg_values(embed_args, "--output") == ["/d/v/shard-3.jsonl"]


def test_evaluate_variants_and_report():
    with make_dag():
        op = EvaluateOperator(task_id="evaluate", variant_a="control", variant_b="candidate", output_uri="/d/r.html")
    args = render(op).spec.containers[0].args
    assert arg_values(args, "--variant-a") == ["control"]
    assert arg_values(args, "--variant-b") == ["candidate"]
    assert arg_values(args, "--output") == ["/d/r.html"]
    assert "--input" not in args


def test_mapped_operator_keeps_retry_policy_and_unmaps_per_shard():
    shards = ["file:///data/shards/shard-00000-of-00002.jsonl", "file:///data/shards/shard-00001-of-00002.jsonl"]
    with make_dag():
        mapped = PreprocessOperator.partial(task_id="preprocess", output_dir="/data/chunks", pool="p").expand(
            input=shards
        )
    assert mapped.partial_kwargs["retries"] == 3
    assert mapped.partial_kwargs["retry_exponential_backoff"] == 2.0
    assert mapped.partial_kwargs["map_index_template"] == "{{ task.podstage_label }}"
    op = mapped.unmap({"input": shards[1]})
    assert isinstance(op, PreprocessOperator)
    pod = render(op, map_index=1)
    assert arg_values(base(pod).args, "--output") == ["/data/chunks/shard-00001-of-00002.jsonl"]
    assert env_of(pod)["AIRFLOW_CTX_MAP_INDEX"] == "1"
    assert op.podstage_label == "shard-00001-of-00002"
    assert op.max_retry_delay.total_seconds() == 600


def test_default_args_win_over_operator_defaults():
    with DAG("d", schedule=None, start_date=datetime(2025, 1, 1), default_args={"retries": 7}):
        op = PreprocessOperator(task_id="p", input="/s", output_dir="/c")
        mapped = PreprocessOperator.partial(task_id="m", output_dir="/c").expand(input=["/a"])
    assert op.retries == 7
    assert mapped.partial_kwargs["retries"] == 7


def test_operator_refuses_its_own_arguments():
    with make_dag(), pytest.raises(TypeError, match="builds arguments itself"):
        PreprocessOperator(task_id="p", input="/s", output_dir="/c", arguments=["--x"])
    with make_dag(), pytest.raises(ValueError, match="not both"):
        PreprocessOperator(task_id="p", input="/s", output_uri="/o", output_dir="/c")


def _terminated_pod(exit_code: int, message: str | None) -> k8s.V1Pod:
    state = k8s.V1ContainerState(terminated=k8s.V1ContainerStateTerminated(exit_code=exit_code, message=message))
    statuses = [
        k8s.V1ContainerStatus(name="base", state=state, image="i", image_id="", ready=False, restart_count=0),
    ]
    return k8s.V1Pod(
        metadata=k8s.V1ObjectMeta(name="podstage-infer-x", namespace="ns"),
        status=k8s.V1PodStatus(phase="Failed", container_statuses=statuses),
    )


@pytest.mark.parametrize(("code", "expected"), [*exit_code_outcomes(), (9, AirflowSkipException)])
def test_kubernetes_exit_codes_map_like_the_local_backends(code: int, expected: type[Exception]):
    with make_dag():
        op = InferOperator(task_id="infer", conn_id=None, input="/q", output_uri="/a", skip_on_exit_code=9)
    op.process_pod_deletion = lambda *a, **k: None  # type: ignore[method-assign]
    op.patch_already_checked = lambda *a, **k: None  # type: ignore[method-assign]
    op.is_istio_enabled = lambda *a, **k: False  # type: ignore[method-assign]  # (no cluster to ask)
    remote = _terminated_pod(code, "budget reached before crossing it: $5.00 of $5.00\n")
    with pytest.raises(expected) as raised:
        op.cleanup(remote, remote)
    if expected is not AirflowSkipException:
        assert "budget reached before crossing it" in str(raised.value)
        assert f"exited {code}" in str(raised.value)


def test_the_operators_and_helpers_keep_their_public_import_paths():
    from podstage_provider import arguments, operators
    from podstage_provider.operators import base, per_stage, stage

    assert stage.PodstageOperator is base.PodstageOperator is operators.PodstageOperator
    for stage_name in sorted(STAGES):
        name = f"{stage_name.capitalize()}Operator"
        assert getattr(stage, name) is getattr(per_stage, name) is getattr(operators, name)
    for name in ("AIRFLOW_CONTEXT_ENV", "PRICE_FLAGS", "OptionValue", "option_arguments", "option_flag", "stage_uris"):
        assert getattr(stage, name) is getattr(arguments, name)
    assert (stage.DEFAULT_MAX_RETRY_DELAY, stage.MAP_INDEX_TEMPLATE) == (
        base.DEFAULT_MAX_RETRY_DELAY,
        "{{ task.podstage_label }}",
    )
