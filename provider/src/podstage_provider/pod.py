"""Pieces of the stage pod: the restricted security context, volumes, and spot/preemptible placement.

The security context meets the Kubernetes "restricted" Pod Security Standard: non-root, no privilege
escalation, every capability dropped, the RuntimeDefault seccomp profile, and a read-only root
filesystem. The stages write only to /tmp (an emptyDir), /airflow/xcom (the XCom emptyDir the
operator's sidecar reads) and the data volume.
"""

from __future__ import annotations

from typing import Literal

from kubernetes.client import models as k8s

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
