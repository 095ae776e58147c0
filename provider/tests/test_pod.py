"""The pieces of a stage's pod (podstage_provider.pod); the whole pod per operator is in operators/test_stage.py."""

from __future__ import annotations

import pytest
from kubernetes.client import models as k8s

from podstage_provider import pod
from podstage_provider.settings import Settings
from podstage_provider.stages import STAGES


def test_spot_modes():
    assert pod.spot_mode(False) is None
    assert pod.spot_mode(True) == "required"
    assert pod.spot_mode("required") == "required"
    assert pod.spot_mode("preferred") == "preferred"
    with pytest.raises(ValueError, match=r"spot='sometimes' \(allowed: False, True, 'required', 'preferred'\)"):
        pod.spot_mode("sometimes")


def test_spot_placement_adds_to_the_dags_own():
    own = k8s.V1Toleration(key="gpu", operator="Exists")
    affinity = k8s.V1Affinity()
    assert pod.placement(None, [own], None) == {"tolerations": [own], "affinity": None}
    placed = pod.placement("preferred", [own], None)
    assert placed["tolerations"] == [own, *pod.SPOT_TOLERATIONS]
    assert placed["affinity"].node_affinity.preferred_during_scheduling_ignored_during_execution
    assert pod.placement("required", None, affinity)["affinity"] is affinity  # the DAG's affinity wins


def test_labels_the_dags_win_and_the_spot_mode():
    labels = pod.stage_labels("embed", "required", {"team": "x", "podstage.dev/stage": "mine"})
    assert labels == {
        "app.kubernetes.io/name": "podstage",
        "app.kubernetes.io/component": "embed",
        "podstage.dev/stage": "mine",
        "team": "x",
        "podstage.dev/spot": "required",
    }
    assert "podstage.dev/spot" not in pod.stage_labels("embed", None, None)


def test_volumes_tmp_then_data_then_the_dags():
    settings = Settings.from_env({"PODSTAGE_EXECUTION": "kubernetes"})
    extra = k8s.V1Volume(name="extra")
    volumes = pod.stage_volumes(STAGES["embed"], settings, [extra], None)
    assert [v.name for v in volumes["volumes"]] == ["tmp", "podstage-data", "extra"]
    assert [m.mount_path for m in volumes["volume_mounts"]] == ["/tmp", settings.data_dir]
    assert volumes["volumes"][0].empty_dir.size_limit == STAGES["embed"].tmp_size


def test_image_reference_names_the_tasks_registry_or_tag():
    settings = Settings.from_env({"PODSTAGE_IMAGE_REGISTRY": "r.example.com/p", "PODSTAGE_IMAGE_TAG": "1.2"})
    assert pod.image_reference("infer", settings, None, None) == "r.example.com/p/infer:1.2"
    assert pod.image_reference("infer", settings, "other/", None) == "other/infer:1.2"
    assert pod.image_reference("infer", settings, None, "dev") == "r.example.com/p/infer:dev"


def test_the_operators_secrets_are_marked_and_env_vars_added_once():
    secret = pod.env_secret("PODSTAGE_DB_PASSWORD", "podstage-db", "password")
    assert pod.is_operator_secret(secret)
    assert not pod.is_operator_secret(object())
    current = [k8s.V1EnvVar(name="A", value="1")]
    added = pod.with_env_var(current, "KEY", "v")
    assert added is not None and [e.name for e in added] == ["A", "KEY"]
    assert pod.with_env_var(added, "KEY", "other") is None


def test_literal_env_leaves_out_values_from_secrets():
    from_secret = k8s.V1EnvVarSource(secret_key_ref=k8s.V1SecretKeySelector(name="s", key="k"))
    env_vars = [
        k8s.V1EnvVar(name="A", value="1"),
        k8s.V1EnvVar(name="EMPTY"),
        k8s.V1EnvVar(name="SECRET", value_from=from_secret),
    ]
    assert pod.literal_env(env_vars) == {"A": "1", "EMPTY": ""}
    assert pod.literal_env({"N": 3}) == {"N": "3"}
    assert pod.literal_env(None) == {}


def test_deduplicated_keeps_the_later_entry_of_each_name():
    early, late = k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource()), k8s.V1Volume(name="tmp")
    mount = k8s.V1VolumeMount(name="tmp", mount_path="/tmp")
    toleration = k8s.V1Toleration(key="k", operator="Exists")
    spec = k8s.V1PodSpec(
        containers=[k8s.V1Container(name="base", volume_mounts=[mount, mount])],
        volumes=[early, late],
        tolerations=[toleration, k8s.V1Toleration(key="k", operator="Exists")],
    )
    request = pod.deduplicated(k8s.V1Pod(spec=spec))
    assert request.spec.volumes == [late]
    assert request.spec.containers[0].volume_mounts == [mount]
    assert len(request.spec.tolerations) == 1


def test_container_exit_code_of_a_finished_pod():
    terminated = k8s.V1ContainerState(terminated=k8s.V1ContainerStateTerminated(exit_code=4))
    status = k8s.V1ContainerStatus(name="base", state=terminated, image="i", image_id="", ready=False, restart_count=0)
    finished = k8s.V1Pod(status=k8s.V1PodStatus(container_statuses=[status]))
    assert pod.container_exit_code(finished, "base") == 4
    assert pod.container_exit_code(finished, "other") is None
    assert pod.container_exit_code(None, "base") is None
