"""Helpers for passing stage results between tasks.

Dynamic task mapping expands over a list that a task *returned*; ingest returns a summary object
whose ``shards`` holds that list. :func:`shards_of` adds the small task that hands the list on, so a
DAG reads::

    ingest = IngestOperator(task_id="ingest", input=..., output_uri=...)
    chunks = PreprocessOperator.partial(task_id="preprocess", output_dir=...).expand(input=shards_of(ingest))

No shards (nothing ingested) means an empty list: the mapped tasks are skipped, not failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from airflow.sdk import BaseOperator, XComArg, task


def values(items: Iterable[Any] | None) -> list[Any]:
    """The values of a mapped task's XCom (or any iterable) as a list.

    A mapped upstream's values arrive as a lazy sequence; iterating it probes one index past the end
    (an error line in the task log), so a sequence is read by its length instead.
    """
    if items is None:
        return []
    if isinstance(items, (str, bytes, Mapping)):
        return [items]
    if isinstance(items, Sequence):
        return [items[i] for i in range(len(items))]
    return list(items)


def shard_list(summary: Any) -> list[str]:
    """The shard URIs of ingest's XCom value ([] when ingest was skipped)."""
    if summary is None:
        return []
    if not isinstance(summary, Mapping) or "shards" not in summary:
        keys = sorted(summary) if isinstance(summary, Mapping) else type(summary).__name__
        raise ValueError(f"not an ingest summary (no 'shards'): {keys}")
    shards = summary["shards"]
    if not isinstance(shards, list) or not all(isinstance(s, str) for s in shards):
        raise ValueError(f"ingest's 'shards' is not a list of URIs: {shards!r}")
    return list(shards)


def shards_of(ingest: BaseOperator | XComArg, *, task_id: str | None = None) -> XComArg:
    """A task returning ingest's shard list, to ``.expand(input=...)`` over."""
    source = ingest if isinstance(ingest, XComArg) else ingest.output
    upstream_id = next(op.task_id for op, _ in source.iter_references())

    @task(task_id=task_id or f"{upstream_id}_shards")
    def shards(summary: Any) -> list[str]:
        return shard_list(summary)

    return shards(source)
