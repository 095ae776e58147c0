"""The A/B split: deterministic per run id, following the weights."""

from __future__ import annotations

from collections import Counter

import pytest

from podstage_provider import ab


def test_ab_split_is_deterministic_and_follows_the_weights():
    run_ids = [f"scheduled__2025-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00" for i in range(3000)]
    first = [ab.choose(r) for r in run_ids]
    assert first == [ab.choose(r) for r in run_ids]  # same run id, same branch, every time
    counts = Counter(first)
    assert abs(counts["a"] / 3000 - 0.45) < 0.04
    assert abs(counts["b"] / 3000 - 0.45) < 0.04
    assert abs(counts["both"] / 3000 - 0.10) < 0.03
    assert {ab.choose(r, {"a": 1, "b": 0, "both": 0}) for r in run_ids[:50]} == {"a"}
    assert {ab.choose(r, {"both": 5}) for r in run_ids[:50]} == {"both"}


def test_ab_split_known_values():
    # pinned so that a change to the hashing (which would move live traffic) is a visible test change
    assert ab.position("manual__2025-01-01T00:00:00+00:00") == pytest.approx(
        int.from_bytes(__import__("hashlib").sha256(b"manual__2025-01-01T00:00:00+00:00").digest()[:8], "big") / 2**64
    )
    assert ab.branches("both", "infer_a", "infer_b") == ["infer_a", "infer_b"]
    assert ab.branches("b", "infer_a", "infer_b") == ["infer_b"]


@pytest.mark.parametrize("weights", [{"a": -1, "b": 2}, {"a": 0, "b": 0}, {"c": 1}])
def test_ab_rejects_bad_weights(weights):
    with pytest.raises(ValueError):
        ab.choose("r", weights)
