"""
### Podstage RAG ingestion: ingest → preprocess → embed → store

Turns a folder of documents into searchable chunks with embeddings in PostgreSQL.

| task | stage | runs |
|---|---|---|
| `ingest` | reads every file under `source` (Markdown, text, HTML, CSV, JSON Lines) into shards of JSON Lines | once |
| `ingest_shards` | hands ingest's `shards` list on to the mapped tasks | once |
| `preprocess` | cleans, deduplicates and chunks one shard | **one task per shard** (dynamic task mapping) |
| `embed` | embeds the chunks of one shard (all-MiniLM-L6-v2, in the pod) | **one task per shard** |
| `store` | upserts every shard's chunks and vectors into PostgreSQL | once |
| `summary` | records per stage, cache hits, time | once |

**Concurrency** is bounded twice: the pools `podstage_preprocess` and `podstage_embed` (create them
with `airflow pools import airflow-config/pools.json`) cap how many of these tasks run at once
across all DAGs, and `max_active_tis_per_dagrun` caps them within one run.

**Reruns do no duplicate work**: outputs are named after the inputs (never after the run), so a rerun
of the same inputs finds every stage's job in the idempotency ledger and gets its stored result back,
and `store` upserts by natural key.

**Where it runs** is not in this file: `PODSTAGE_EXECUTION` (`kubernetes` | `local` | `podman`) picks
pods, local processes or podman containers for the very same tasks. Paths are under
`PODSTAGE_DATA_DIR` (the data volume on Kubernetes). Params: `source` (a file, a directory or a URL),
`shard_size` (records per shard).
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, Param, task

from podstage_provider import examples, summary
from podstage_provider.operators import EmbedOperator, PreprocessOperator, StoreOperator
from podstage_provider.xcom import shards_of

DATA, SAMPLES = examples.sample_paths(__file__, "rag")

with DAG(
    dag_id="podstage_rag_ingest",
    description="Documents → chunks with embeddings in PostgreSQL, one mapped task per shard",
    doc_md=__doc__,
    **examples.ON_DEMAND,
    tags=["podstage", "rag", "example"],
    params={
        "source": Param(f"{SAMPLES}/docs", type="string", description="File, directory or URL to ingest"),
        "shard_size": Param(4, type="integer", minimum=1, description="Records per shard"),
    },
) as dag:
    ingest = examples.ingest(DATA)
    chunks = PreprocessOperator.partial(
        task_id="preprocess",
        output_dir=f"{DATA}/chunks",
        pool="podstage_preprocess",
        max_active_tis_per_dagrun=4,
    ).expand(input=shards_of(ingest))
    vectors = EmbedOperator.partial(
        task_id="embed",
        output_dir=f"{DATA}/vectors",
        pool="podstage_embed",
        max_active_tis_per_dagrun=2,
    ).expand(input=chunks.output)
    store = StoreOperator(
        task_id="store",
        input=vectors.output,
        output_uri=f"{DATA}/store-receipt.jsonl",
        kind="chunks",
    )

    @task
    def run_summary(ingested: Any, preprocessed: Any, embedded: Any, stored: Any) -> dict[str, Any]:
        return summary.record_run(
            {
                "stages": {
                    "ingest": summary.stage_totals([ingested]),
                    "preprocess": summary.stage_totals(preprocessed),
                    "embed": summary.stage_totals(embedded),
                    "store": summary.stage_totals([stored]),
                },
                "shards": len((ingested or {}).get("shards") or []),
                # rows per table: inserted / updated / unchanged (a rerun inserts nothing)
                "tables": (stored or {}).get("tables"),
            },
        )

    run_summary.override(task_id="summary")(ingest.output, chunks.output, vectors.output, store.output)
