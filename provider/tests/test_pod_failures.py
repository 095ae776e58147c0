"""How the operator words the cluster's own failures: a refused pod, an image not pulled, an OOM kill."""

from __future__ import annotations

import json

from airflow.sdk.exceptions import AirflowException, AirflowFailException
from kubernetes.client import models as k8s
from kubernetes.client.exceptions import ApiException

from podstage_provider import pod_failures

REFUSED = (
    'pods "podstage-ingest-x" is forbidden: violates PodSecurity "restricted:latest": runAsUser=0 '
    "(pod must not set runAsUser=0)"
)


def _api_error(status: int, message: str) -> ApiException:
    error = ApiException(status=status, reason="Forbidden")
    error.body = json.dumps({"kind": "Status", "message": message})
    return error


def test_a_pod_security_refusal_names_the_namespace_and_the_field_and_is_not_retried():
    failure = pod_failures.admission_refusal("ingest", "podstage-it", _api_error(403, REFUSED))
    assert isinstance(failure, AirflowFailException)
    assert str(failure) == (
        'ingest: the namespace podstage-it refused the pod: violates PodSecurity "restricted:latest": '
        "runAsUser=0 (pod must not set runAsUser=0)"
    )


def test_other_api_errors_are_left_to_kubernetes_pod_operator():
    assert pod_failures.admission_refusal("ingest", "ns", _api_error(409, "already exists")) is None
    assert pod_failures.admission_refusal("ingest", "ns", _api_error(403, "")) is None


def _launch_failure(reason: str, message: str) -> Exception:
    return Exception(f"Image cannot be pulled, unable to start: {reason}\n{message}")


def test_an_image_the_registry_does_not_have_fails_without_retry_naming_it():
    message = 'failed to pull and unpack image "r/podstage/ingest:nope": r/podstage/ingest:nope: not found'
    failure = pod_failures.pull_failure("ingest", "r/podstage/ingest:nope", _launch_failure("ErrImagePull", message))
    assert isinstance(failure, AirflowFailException)
    assert str(failure).startswith("ingest: the image r/podstage/ingest:nope cannot be pulled: failed to pull")
    assert "it is not in the registry" in str(failure)


def test_a_registry_that_cannot_be_reached_is_retried():
    message = "dial tcp 127.0.0.1:5000: connect: connection refused"
    failure = pod_failures.pull_failure("ingest", "img", _launch_failure("ErrImagePull", message))
    assert type(failure) is AirflowException
    assert "connection refused" in str(failure)


def test_a_launch_failure_that_is_no_pull_failure_is_left_alone():
    assert pod_failures.pull_failure("ingest", "img", Exception("Pod failed before containers started")) is None


def _pod(reason: str, limit: str | None) -> k8s.V1Pod:
    resources = k8s.V1ResourceRequirements(limits={"memory": limit} if limit else None)
    return k8s.V1Pod(
        spec=k8s.V1PodSpec(containers=[k8s.V1Container(name="base", resources=resources)]),
        status=k8s.V1PodStatus(
            container_statuses=[
                k8s.V1ContainerStatus(
                    name="base",
                    image="i",
                    image_id="",
                    ready=False,
                    restart_count=0,
                    state=k8s.V1ContainerState(terminated=k8s.V1ContainerStateTerminated(exit_code=137, reason=reason)),
                )
            ]
        ),
    )


def test_an_oom_kill_names_the_memory_limit():
    reason = pod_failures.oom_killed(_pod("OOMKilled", "768Mi"), "base")
    assert reason is not None
    assert reason.startswith("OOMKilled: the base container went over its memory limit of 768Mi")


def test_an_oom_kill_without_a_limit_says_so_and_other_ends_are_not_oom():
    assert "memory limit of none set" in (pod_failures.oom_killed(_pod("OOMKilled", None), "base") or "")
    assert pod_failures.oom_killed(_pod("Error", "768Mi"), "base") is None
