"""The pods bench/run kubernetes times (bench/python/kubernetes_bench.py), one at a time: each stage with
nothing to do (an empty input) and with the sample data, then a Python task pod the same two ways. The
Python pod is built by the same operator as preprocess's, only its image differs (bench/python-pod/), so
both carry the same sidecar, security context, volumes and resources.

Every pod is kept when its task ends (``on_finish_action="keep_pod"``): the bench reads its log and
events, then deletes it. Each JVM is started with ``JDK_JAVA_OPTIONS`` set to a property it has already
(UTF-8): the launcher announces it on its first line, which marks the process start in the pod's log.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from airflow.sdk import DAG, chain

from podstage_provider.operators import (
    EmbedOperator,
    EvaluateOperator,
    InferOperator,
    IngestOperator,
    PreprocessOperator,
    StoreOperator,
)

BENCH = "/data/bench"
SAMPLES = "/data/samples"
EMPTY = f"{BENCH}/empty.jsonl"
NOOP, SMALL = f"{BENCH}/noop", f"{BENCH}/small"
PYTHON_IMAGE = os.environ.get("PODSTAGE_BENCH_PYTHON_IMAGE", "podstage/python-task")
#: Every task runs whatever happened before it: a no-op stage may end "skipped" (nothing to do).
TIMED: dict[str, Any] = {
    "on_finish_action": "keep_pod",
    "retries": 0,
    "trigger_rule": "all_done",
    "env": {"JDK_JAVA_OPTIONS": "-Dfile.encoding=UTF-8"},
}

with DAG("podstage_bench_pods", schedule=None, start_date=datetime(2026, 1, 1), catchup=False, max_active_tasks=1):
    noop = [
        IngestOperator(task_id="ingest_noop", input=f"{BENCH}/empty-dir", output_uri=f"{NOOP}/shards", **TIMED),
        PreprocessOperator(task_id="preprocess_noop", input=EMPTY, output_uri=f"{NOOP}/chunks.jsonl", **TIMED),
        EmbedOperator(task_id="embed_noop", input=EMPTY, output_uri=f"{NOOP}/vectors.jsonl", **TIMED),
        InferOperator(task_id="infer_noop", input=EMPTY, output_uri=f"{NOOP}/answers.jsonl", **TIMED),
        StoreOperator(
            task_id="store_noop",
            input=EMPTY,
            output_uri=f"{NOOP}/receipt.jsonl",
            kind="results",
            **TIMED,
        ),
        PreprocessOperator(
            task_id="python_noop",
            image=PYTHON_IMAGE,
            input=EMPTY,
            output_uri=f"{NOOP}/python.jsonl",
            **TIMED,
        ),
    ]
    ingest = IngestOperator(task_id="ingest_small", input=f"{SAMPLES}/docs", output_uri=f"{SMALL}/shards", **TIMED)
    chunks = PreprocessOperator(
        task_id="preprocess_small", input=ingest.output, output_uri=f"{SMALL}/chunks.jsonl", **TIMED
    )
    vectors = EmbedOperator(task_id="embed_small", input=chunks.output, output_uri=f"{SMALL}/vectors.jsonl", **TIMED)
    stored = StoreOperator(
        task_id="store_small",
        input=vectors.output,
        output_uri=f"{SMALL}/receipt.jsonl",
        kind="chunks",
        **TIMED,
    )
    answers = {
        variant: InferOperator(
            task_id=f"infer_{variant}_small",
            conn_id=conn_id,
            input=f"{SAMPLES}/questions.jsonl",
            output_uri=f"{SMALL}/answers-{variant}.jsonl",
            variant=variant,
            **TIMED,
        )
        for variant, conn_id in (("a", "podstage_llm"), ("b", "podstage_llm_candidate"))
    }
    results = StoreOperator(
        task_id="store_results_small",
        input=[answers["a"].output, answers["b"].output],
        output_uri=f"{SMALL}/results-receipt.jsonl",
        kind="results",
        **TIMED,
    )
    evaluate = EvaluateOperator(
        task_id="evaluate_small",
        references=f"{SAMPLES}/references.jsonl",
        output_uri=f"{SMALL}/report.html",
        options={"run_id": "{{ run_id }}"},
        **TIMED,
    )
    python = PreprocessOperator(
        task_id="python_small",
        image=PYTHON_IMAGE,
        input=f"{SAMPLES}/questions.jsonl",
        output_uri=f"{SMALL}/python.jsonl",
        **TIMED,
    )
    chain(*noop, ingest, chunks, vectors, stored, answers["a"], answers["b"], results, evaluate, python)
