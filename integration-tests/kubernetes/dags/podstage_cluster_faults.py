"""DAGs the Kubernetes tests break on purpose (integration-tests/kubernetes/test_faults_on_kubernetes.py): each
task meets one failure as a cluster produces it, and the tests check what Airflow then does.

``podstage_cluster_faults``: one task per fault, run alone with ``airflow tasks test``, none retried.
``podstage_cluster_interrupted``: infer and store as a workflow runs them (one retry, after a second), and a
summary of what each returned; the test deletes the infer pod while it waits on the LLM endpoint.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG, task
from kubernetes.client import models as k8s

from podstage_provider import summary
from podstage_provider.operators import InferOperator, IngestOperator, StoreOperator

SAMPLES = "/data/samples/docs"
#: Far below what a stage's JVM needs to start (its class archive alone maps more): the kernel kills it.
TOO_LITTLE_MEMORY = k8s.V1ResourceRequirements(
    requests={"cpu": "100m", "memory": "40Mi"}, limits={"cpu": "1", "memory": "40Mi"}
)
START = datetime(2026, 1, 1)

with DAG("podstage_cluster_faults", schedule=None, start_date=START, catchup=False):
    IngestOperator(
        task_id="over_memory_limit",
        input=SAMPLES,
        output_uri="/data/faults/oom",
        container_resources=TOO_LITTLE_MEMORY,
        retries=0,
    )
    IngestOperator(
        task_id="image_missing",
        input=SAMPLES,
        output_uri="/data/faults/missing",
        image_tag="no-such-tag",
        retries=0,
    )
    IngestOperator(
        task_id="runs_as_root",
        input=SAMPLES,
        output_uri="/data/faults/root",
        security_context=k8s.V1PodSecurityContext(run_as_user=0),
        retries=0,
    )

with DAG("podstage_cluster_interrupted", schedule=None, start_date=START, catchup=False):
    answers = InferOperator(
        task_id="infer",
        input="/data/interrupted/questions.jsonl",
        output_uri="/data/interrupted/answers.jsonl",
        # one request at a time, and no attempt timeout to end the wait: the test holds the request
        options={"max_in_flight": 1, "timeout": "600s"},
        retries=1,
        retry_delay=timedelta(seconds=1),
    )
    stored = StoreOperator(
        task_id="store", input=answers.output, output_uri="/data/interrupted/receipt.jsonl", kind="results"
    )

    @task
    def report(inferred: Any, receipt: Any) -> dict[str, Any]:
        return summary.record_run({"infer": inferred, "store": receipt})

    report(answers.output, stored.output)
