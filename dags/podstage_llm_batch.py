"""
### Podstage LLM batch: ingest → infer (per shard) → store → threshold check

Answers a file of questions with an LLM, stores the answers in PostgreSQL and checks the run
against latency and cost limits.

| task | what it does |
|---|---|
| `ingest` | splits `source` (JSON Lines with `id` and `text`) into shards |
| `infer` | **one task per shard**: batched, concurrent, cached, fault-tolerant calls to the endpoint of the connection `podstage_llm` (failover across its endpoints; budget `max_cost_usd` per shard) |
| `store` | upserts the answers (and infer's rejects, as error rows) into PostgreSQL |
| `check_thresholds` | compares the run with `max_p95_latency_ms` and `max_cost_per_record_usd`; when one is crossed it sends an alert (log line, and the webhook of connection `podstage_alerts` if there is one) and **fails without retrying**, so the run shows red |
| `summary` | records per stage, cache hits, cost, p95 latency |

**Endpoints and keys are not in this file**: the connection `podstage_llm` (type
`podstage_inference`) holds the endpoint URLs (primary first), protocol, model, prices and API key
(on Kubernetes the key comes from the Secret the connection names). Example:

    AIRFLOW_CONN_PODSTAGE_LLM='{"conn_type": "podstage_inference", "password": "sk-...",
      "extra": {"endpoints": ["https://api.openai.com/v1"], "protocol": "openai-chat",
                "model": "gpt-4o-mini", "price_input_per_1k": 0.00015, "price_output_per_1k": 0.0006}}'

The pool `podstage_llm` bounds how many shards call the endpoints at once, across DAGs (rate limits).
Every failed task also alerts (`on_failure_callback`). Where it runs: `PODSTAGE_EXECUTION`.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, Param, get_current_context, task

from podstage_provider import examples, summary, thresholds
from podstage_provider.notifications import PodstageAlertNotifier, send_alert
from podstage_provider.operators import InferOperator, StoreOperator
from podstage_provider.xcom import shards_of

DATA, SAMPLES = examples.sample_paths(__file__, "llm_batch")

with DAG(
    dag_id="podstage_llm_batch",
    description="Questions → LLM answers per shard → PostgreSQL, with latency and cost limits",
    doc_md=__doc__,
    **examples.ON_DEMAND,
    tags=["podstage", "llm", "example"],
    default_args={"on_failure_callback": PodstageAlertNotifier("podstage_llm_batch task failed")},
    params={
        "source": Param(f"{SAMPLES}/questions.jsonl", type="string", description="JSON Lines with id and text"),
        "shard_size": Param(20, type="integer", minimum=1),
        "max_cost_usd_per_shard": Param(1.0, type="number", minimum=0),
        "max_p95_latency_ms": Param(5000, type="number", minimum=0),
        "max_cost_per_record_usd": Param(0.001, type="number", minimum=0),
    },
) as dag:
    ingest = examples.ingest(DATA)
    answers = InferOperator.partial(
        task_id="infer",
        conn_id="podstage_llm",
        output_dir=f"{DATA}/answers",
        options={"max_cost_usd": "{{ params.max_cost_usd_per_shard }}", "max_tokens": 64},
        pool="podstage_llm",
        max_active_tis_per_dagrun=4,
    ).expand(input=shards_of(ingest))
    store = StoreOperator(
        task_id="store",
        input=answers.output,
        output_uri=f"{DATA}/store-receipt.jsonl",
        kind="results",
    )

    @task
    def check_thresholds(infer_summaries: Any) -> dict[str, Any]:
        params = get_current_context()["params"]
        try:
            return thresholds.check(
                infer_summaries,
                max_p95_latency_ms=float(params["max_p95_latency_ms"]),
                max_cost_per_record_usd=float(params["max_cost_per_record_usd"]),
            )
        except thresholds.ThresholdExceeded as e:
            send_alert("podstage_llm_batch crossed a limit", e.report)
            raise

    @task
    def run_summary(ingested: Any, inferred: Any, stored: Any, checked: Any) -> dict[str, Any]:
        return summary.record_run(
            {
                "stages": {
                    "ingest": summary.stage_totals([ingested]),
                    "infer": summary.stage_totals(inferred),
                    "store": summary.stage_totals([stored]),
                },
                "thresholds": checked,
                "tables": (stored or {}).get("tables"),
            },
        )

    checked = check_thresholds(answers.output)
    store >> checked
    run_summary.override(task_id="summary")(ingest.output, answers.output, store.output, checked)
