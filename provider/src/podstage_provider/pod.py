"""Pieces of the stage pod: the restricted security context, volumes, spot/preemptible placement, labels,
the KubernetesPodOperator defaults of a stage, its Secrets, and what a finished pod says about its exit.

The security context meets the Kubernetes "restricted" Pod Security Standard: non-root, no privilege
escalation, every capability dropped, the RuntimeDefault seccomp profile, and a read-only root
filesystem. The stages write only to /tmp (an emptyDir), /airflow/xcom (the XCom emptyDir the
operator's sidecar reads) and the data volume.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from airflow.providers.cncf.kubernetes.secret import Secret
from kubernetes.client import models as k8s

from podstage_provider.settings import Settings
from podstage_provider.stages import StageSpec

#: The user the stage images run as (images/build.sh: Jib's default 1001, files owned 1001:0).
STAGE_UID = 1001
STAGE_GID = 0
STAGE_FS_GROUP = 1001

SpotMode = Literal["required", "preferred"]

#: Taints that spot/preemptible node pools carry, per cloud, tolerated by ``spot=True``.
SPOT_TOLERATIONS: tuple[k8s.V1Toleration, ...] = (
    # GKE Spot VMs and the older preemptible VMs (taints added when the pool is created with them)
    k8s.V1Toleration(key="cloud.google.com/gke-spot", operator="Equal", value="true", effect="NoSchedule"),
    k8s.V1Toleration(key="cloud.google.com/gke-preemptible", operator="Equal", value="true", effect="NoSchedule"),
    # EKS managed node groups with capacityType SPOT (taint commonly added to keep other pods off)
    k8s.V1Toleration(key="eks.amazonaws.com/capacityType", operator="Equal", value="SPOT", effect="NoSchedule"),
    # Karpenter (EKS) spot capacity
    k8s.V1Toleration(key="karpenter.sh/capacity-type", operator="Equal", value="spot", effect="NoSchedule"),
    # AKS spot node pools: the taint AKS always adds
    k8s.V1Toleration(key="kubernetes.azure.com/scalesetpriority", operator="Equal", value="spot", effect="NoSchedule"),
)

#: Node labels of spot/preemptible nodes, per cloud; any one of them makes a node a spot node.
SPOT_NODE_LABELS: tuple[tuple[str, str], ...] = (
    ("cloud.google.com/gke-spot", "true"),
    ("cloud.google.com/gke-preemptible", "true"),
    ("eks.amazonaws.com/capacityType", "SPOT"),
    ("karpenter.sh/capacity-type", "spot"),
    ("kubernetes.azure.com/scalesetpriority", "spot"),
)


def spot_mode(spot: bool | str) -> SpotMode | None:
    """The operator's ``spot`` parameter as a mode: None (no spot), ``required`` or ``preferred``."""
    if spot is False or spot is None:
        return None
    if spot is True or spot == "required":
        return "required"
    if spot == "preferred":
        return "preferred"
    raise ValueError(f"spot={spot!r} (allowed: False, True, 'required', 'preferred')")


def spot_affinity(mode: SpotMode) -> k8s.V1Affinity:
    """Node affinity to spot nodes of any of the three clouds.

    ``required``: only spot nodes (nodeSelectorTerms are ORed: one term per cloud's label).
    ``preferred``: spot nodes first, on-demand nodes when no spot capacity is there.
    """
    terms = [
        k8s.V1NodeSelectorTerm(
            match_expressions=[k8s.V1NodeSelectorRequirement(key=key, operator="In", values=[value])]
        )
        for key, value in SPOT_NODE_LABELS
    ]
    if mode == "required":
        node_affinity = k8s.V1NodeAffinity(
            required_during_scheduling_ignored_during_execution=k8s.V1NodeSelector(node_selector_terms=terms)
        )
    else:
        node_affinity = k8s.V1NodeAffinity(
            preferred_during_scheduling_ignored_during_execution=[
                k8s.V1PreferredSchedulingTerm(weight=100, preference=term) for term in terms
            ]
        )
    return k8s.V1Affinity(node_affinity=node_affinity)


def pod_security_context() -> k8s.V1PodSecurityContext:
    return k8s.V1PodSecurityContext(
        run_as_non_root=True,
        run_as_user=STAGE_UID,
        run_as_group=STAGE_GID,
        fs_group=STAGE_FS_GROUP,
        seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
    )


def container_security_context() -> k8s.V1SecurityContext:
    return k8s.V1SecurityContext(
        run_as_non_root=True,
        allow_privilege_escalation=False,
        privileged=False,
        read_only_root_filesystem=True,
        capabilities=k8s.V1Capabilities(drop=["ALL"]),
        seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
    )


def sidecar_security_context() -> k8s.V1SecurityContext:
    """The XCom sidecar (alpine, ``sh -c 'sleep'``) needs nothing either: the stage container's restrictions.

    It runs as the pod's user (the stage's), so it can read ``return.json`` whatever mode the stage
    created it with.
    """
    return container_security_context()


def tmp_volume(size: str) -> tuple[k8s.V1Volume, k8s.V1VolumeMount]:
    return (
        k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit=size)),
        k8s.V1VolumeMount(name="tmp", mount_path="/tmp"),  # noqa: S108 - the pod's own emptyDir
    )


def data_volume(claim: str, mount_path: str) -> tuple[k8s.V1Volume, k8s.V1VolumeMount]:
    return (
        k8s.V1Volume(
            name="podstage-data",
            persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name=claim),
        ),
        k8s.V1VolumeMount(name="podstage-data", mount_path=mount_path),
    )


def stage_volumes(spec: StageSpec, settings: Settings, volumes: Any, mounts: Any) -> dict[str, list[Any]]:
    """The DAG's volumes after /tmp (an emptyDir the stage's size) and the data volume (when there is one)."""
    own = [tmp_volume(spec.tmp_size)]
    if settings.data_pvc:
        own.append(data_volume(settings.data_pvc, settings.data_dir))
    return {
        "volumes": [volume for volume, _ in own] + list(volumes or []),
        "volume_mounts": [mount for _, mount in own] + list(mounts or []),
    }


def placement(mode: SpotMode | None, tolerations: Any, affinity: Any) -> dict[str, Any]:
    """The DAG's tolerations and affinity; with spot, the spot taints tolerated and (unless given) spot affinity."""
    placed: dict[str, Any] = {"tolerations": list(tolerations or []), "affinity": affinity}
    if mode is not None:
        placed["tolerations"] += list(SPOT_TOLERATIONS)
        if affinity is None:
            placed["affinity"] = spot_affinity(mode)
    return placed


def stage_labels(stage: str, mode: SpotMode | None, extra: Mapping[str, str] | None) -> dict[str, str]:
    """The pod's labels: the stage's, the DAG's (which win), and the spot mode."""
    labels = {
        "app.kubernetes.io/name": "podstage",
        "app.kubernetes.io/component": stage,
        "podstage.dev/stage": stage,
        **(extra or {}),
    }
    if mode is not None:
        labels["podstage.dev/spot"] = mode
    return labels


def operator_defaults(stage: str, spec: StageSpec, settings: Settings) -> dict[str, Any]:
    """KubernetesPodOperator arguments a stage's pod has unless the DAG gives them: the stage's and the
    deployment's."""
    return {
        "name": f"podstage-{stage}",
        "namespace": settings.namespace,
        "container_resources": k8s.V1ResourceRequirements(**spec.resources()),
        "security_context": pod_security_context(),
        "container_security_context": container_security_context(),
        "xcom_sidecar_container_security_context": sidecar_security_context(),
        "termination_message_policy": "FallbackToLogsOnError",
        "log_pod_spec_on_failure": False,
        "image_pull_policy": settings.image_pull_policy,
        "pod_template_file": settings.pod_template_file,
        "service_account_name": settings.service_account,
    }


def image_reference(stage: str, settings: Settings, registry: str | None, tag: str | None) -> str:
    """The deployment's image (by digest when it knows one), or ``<registry>/<stage>:<tag>`` when the task
    names another registry or tag: the deployment's digest belongs to the deployment's image."""
    if registry is None and tag is None:
        return settings.image(stage)
    return f"{(registry or settings.image_registry).rstrip('/')}/{stage}:{tag or settings.image_tag}"


def env_secret(variable: str, secret: str, key: str) -> Secret:
    """The environment variable ``variable`` from ``key`` of the Kubernetes Secret ``secret``, marked as added by
    the operator, so that a second prepare() replaces it instead of adding it twice."""
    from_secret: Secret = Secret("env", variable, secret, key)  # type: ignore[no-untyped-call]
    from_secret._podstage = True  # type: ignore[attr-defined]
    return from_secret


def is_operator_secret(secret: Any) -> bool:
    """Was ``secret`` added by the operator (:func:`env_secret`) rather than given by the DAG?"""
    return bool(getattr(secret, "_podstage", False))


def with_env_var(env_vars: Any, name: str, value: str) -> list[Any] | None:
    """KubernetesPodOperator's ``env_vars`` (a list of V1EnvVar) with ``name=value`` added; None when the list
    has ``name`` already."""
    current = list(env_vars) if isinstance(env_vars, list) else []
    if any(getattr(e, "name", None) == name for e in current):
        return None
    current.append(k8s.V1EnvVar(name=name, value=value))
    return current


def literal_env(env_vars: Any) -> dict[str, str]:
    """The environment a pod's ``env_vars`` (a mapping or V1EnvVars) sets literally; values from Secrets or
    fields (``value_from``) are left out."""
    env: dict[str, str] = {}
    if isinstance(env_vars, Mapping):
        env.update({str(k): str(v) for k, v in env_vars.items()})
    else:
        for var in env_vars or []:
            if isinstance(var, k8s.V1EnvVar) and var.value_from is None:
                env[var.name] = "" if var.value is None else str(var.value)
    return env


def deduplicated(request: k8s.V1Pod) -> k8s.V1Pod:
    """A pod template and the operator may both bring a volume (``tmp``) or toleration: the pod template is
    merged first, so the operator's entry (the later one) wins and each name appears once."""
    spec = request.spec
    if spec is None:
        return request
    if spec.volumes:
        spec.volumes = list({v.name: v for v in spec.volumes}.values())
    for container in spec.containers or []:
        if container.volume_mounts:
            container.volume_mounts = list({m.mount_path: m for m in container.volume_mounts}.values())
    if spec.tolerations:
        unique: dict[tuple[Any, ...], Any] = {}
        for t in spec.tolerations:
            t_dict = t.to_dict() if hasattr(t, "to_dict") else dict(t)
            unique[tuple(sorted((k, str(v)) for k, v in t_dict.items()))] = t
        spec.tolerations = list(unique.values())
    return request


def container_exit_code(remote_pod: k8s.V1Pod | None, container: str) -> int | None:
    """The exit code of ``container`` in a finished pod; None while it has not terminated."""
    statuses = (remote_pod.status.container_statuses if remote_pod is not None and remote_pod.status else None) or []
    for status in statuses:
        if status.name == container and status.state and status.state.terminated:
            return int(status.state.terminated.exit_code)
    return None
