"""A stage pod's failures that are the cluster's, not the stage's, said in the terms a DAG author acts on.

KubernetesPodOperator reports these as an API error body, a pod launch failure or "Pod returned a
failure" with the container's last log lines. Each function here recognises one and returns the
exception the task fails with instead, or ``None`` when it is something else:

- the namespace refuses the pod (Pod Security admission): no retry, the spec will not change by itself;
- the image cannot be pulled: no retry when the registry says it does not exist, a retry otherwise
  (a registry that is down may come back);
- the kernel killed the stage at its memory limit (OOMKilled): no retry, the same limit kills it again.
"""

from __future__ import annotations

import json
from typing import Any

from airflow.sdk.exceptions import AirflowException, AirflowFailException

#: What registries answer for an image or tag they do not have (containerd's wording of it).
_NOT_FOUND = ("not found", "manifest unknown", "name unknown")


def admission_refusal(stage: str, namespace: str | None, error: Any) -> AirflowFailException | None:
    """The API server's 403 for a pod its admission refused, with the violated fields (``runAsUser=0 ...``)."""
    if getattr(error, "status", None) != 403:
        return None
    try:
        message = str(json.loads(getattr(error, "body", None) or "{}").get("message") or "")
    except ValueError:
        message = str(getattr(error, "body", "") or "")
    if "forbidden" not in message:
        return None
    reason = message.split("is forbidden: ", 1)[-1]
    return AirflowFailException(f"{stage}: the namespace {namespace or 'default'} refused the pod: {reason}")


def pull_failure(stage: str, image: str, launch_failure: Exception) -> AirflowException | None:
    """KubernetesPodOperator's launch failure for an image the node could not pull, naming the image."""
    message = str(launch_failure)
    if "ErrImagePull" not in message and "ImagePullBackOff" not in message:
        return None
    detail = " ".join(message.split("\n", 1)[-1].split())
    text = f"{stage}: the image {image} cannot be pulled: {detail}"
    if any(marker in detail.lower() for marker in _NOT_FOUND):
        return AirflowFailException(text + " (it is not in the registry: push it or fix the tag or digest)")
    return AirflowException(text)


def oom_killed(remote_pod: Any, container: str) -> str | None:
    """The reason of a container the kernel killed at its memory limit, naming the limit; else ``None``."""
    status = next(
        (s for s in (getattr(remote_pod.status, "container_statuses", None) or []) if s.name == container), None
    )
    terminated = status.state.terminated if status is not None and status.state is not None else None
    if terminated is None or terminated.reason != "OOMKilled":
        return None
    spec = next((c for c in (remote_pod.spec.containers or []) if c.name == container), None)
    limits = (spec.resources.limits if spec is not None and spec.resources is not None else None) or {}
    limit = limits.get("memory", "none set")
    return (
        f"OOMKilled: the {container} container went over its memory limit of {limit} and the kernel killed it; "
        "give the stage more memory (container_resources) or smaller batches"
    )
