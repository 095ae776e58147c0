"""Run summaries: what each example DAG did, as one JSON object per run.

A DAG's last task returns its summary (an XCom, visible in the UI) and calls :func:`record`, which
logs it and, when ``PODSTAGE_SUMMARY_DIR`` is set, writes ``<dir>/<dag_id>.json`` (the latest run)
for scripts such as the demo to print.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from airflow.sdk import get_current_context

from podstage_provider.settings import current
from podstage_provider.xcom import values

log = logging.getLogger(__name__)


def stage_totals(summaries: Iterable[Mapping[str, Any] | None]) -> dict[str, Any]:
    """Adds up the XCom summaries of one stage's task instances (mapped or not).

    A task the ledger answered (``status: already_done``) counts its records but not the cost, cache
    hits, latency or time of the earlier run its stored summary describes.
    """
    totals: dict[str, Any] = {
        "tasks": 0,
        "already_done": 0,
        "records_in": 0,
        "records_out": 0,
        "rejects": 0,
        "cache_hits": 0,
        "cost_usd": 0.0,
        "latency_p95_ms": 0.0,
        "duration_ms": 0,
    }
    for summary in values(summaries):
        if not summary:
            continue
        metrics = summary.get("metrics") or {}
        totals["tasks"] += 1
        for key in ("records_in", "records_out", "rejects"):
            totals[key] += int(summary.get(key) or 0)
        if summary.get("status") == "already_done":
            # the ledger returned the stored summary of earlier work: nothing was spent or measured this time
            totals["already_done"] += 1
            continue
        totals["cache_hits"] += int(metrics.get("cache_hits") or 0)
        totals["cost_usd"] = round(totals["cost_usd"] + float(metrics.get("cost_usd") or 0.0), 6)
        totals["latency_p95_ms"] = max(totals["latency_p95_ms"], float(metrics.get("latency_p95_ms") or 0.0))
        totals["duration_ms"] += int(metrics.get("duration_ms") or 0)
    return totals


#: What a run summary keeps of each variant's numbers in evaluate's XCom value.
VARIANT_FIELDS = (
    "records",
    "errors",
    "quality",
    "exact_match",
    "similarity",
    "cost_per_record_usd",
    "latency_p95_ms",
    "cache_hit_ratio",
)


def evaluation(evaluated: Mapping[str, Any] | None, models: Mapping[str, str | None]) -> dict[str, Any] | None:
    """The verdict of evaluate's XCom value and each variant's numbers, with the model it ran on.

    ``models``: variant label → the model of its infer task (its XCom ``model``); None when it did not run.
    None when evaluate did not run.
    """
    if not evaluated:
        return None
    variants: dict[str, Any] = {}
    for key in ("variant_a", "variant_b"):
        stats = evaluated.get(key) or {}
        name = str(stats.get("name") or key.removeprefix("variant_"))
        variants[name] = {"model": models.get(name), **{field: stats.get(field) for field in VARIANT_FIELDS}}
    return {
        "verdict": evaluated.get("verdict"),
        "winner": evaluated.get("winner"),
        "decided_by": evaluated.get("decided_by"),
        "rule": evaluated.get("rule"),
        "reasons": evaluated.get("reasons"),
        "variants": variants,
    }


def record_run(summary: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`record` for the DAG run of the task calling it (its summary task)."""
    context = get_current_context()
    return record(context["dag"].dag_id, context["run_id"], summary)


def record(dag_id: str, run_id: str, summary: Mapping[str, Any]) -> dict[str, Any]:
    document = {"dag_id": dag_id, "run_id": run_id, **summary}
    log.info("run summary: %s", json.dumps(document, sort_keys=True, default=str))
    directory = current().summary_dir
    if directory:
        path = Path(directory) / f"{dag_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
        tmp.replace(path)
    return document
