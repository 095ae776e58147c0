"""Deterministic A/B split: the same run id always takes the same branch.

``choose(run_id, weights)`` hashes the run id (sha256) to a number in [0, 1) and picks the bucket
whose share of the total weight covers it. Buckets are taken in the order ``a``, ``b``, ``both``
(``both``: a side-by-side run of the two variants on the same inputs). Nothing depends on time,
randomness or the try number, so a retried or re-parsed branch never changes its mind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

BUCKETS = ("a", "b", "both")
DEFAULT_WEIGHTS: dict[str, float] = {"a": 45.0, "b": 45.0, "both": 10.0}


def position(run_id: str) -> float:
    """The run id's place in [0, 1): the first 8 bytes of its sha256, as a fraction."""
    digest = hashlib.sha256(run_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def normalise(weights: Mapping[str, float | int | str]) -> dict[str, float]:
    unknown = sorted(set(weights) - set(BUCKETS))
    if unknown:
        raise ValueError(f"unknown A/B buckets {unknown} (allowed: {', '.join(BUCKETS)})")
    values = {bucket: float(weights.get(bucket, 0) or 0) for bucket in BUCKETS}
    if any(v < 0 for v in values.values()) or sum(values.values()) <= 0:
        raise ValueError(f"A/B weights must be >= 0 with a positive total: {dict(weights)}")
    return values


def choose(run_id: str, weights: Mapping[str, float | int | str] = DEFAULT_WEIGHTS) -> str:
    values = normalise(weights)
    total = sum(values.values())
    point = position(run_id) * total
    cumulative = 0.0
    for bucket in BUCKETS:
        cumulative += values[bucket]
        if values[bucket] > 0 and point < cumulative:
            return bucket
    return next(b for b in reversed(BUCKETS) if values[b] > 0)  # float rounding at the very top


def branches(bucket: str, task_a: str, task_b: str) -> list[str]:
    """The task ids a branch on ``bucket`` follows."""
    return {"a": [task_a], "b": [task_b], "both": [task_a, task_b]}[bucket]
