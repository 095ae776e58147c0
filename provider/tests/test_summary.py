"""A run's summary: stage totals, an evaluation's verdict, the latest run on disk."""

from __future__ import annotations

from podstage_provider import summary
from support import infer_xcom


def test_stage_totals():
    totals = summary.stage_totals([infer_xcom(10, 0.01, 100), {**infer_xcom(5, 0, 0), "status": "already_done"}, None])
    assert totals["tasks"] == 2
    assert totals["already_done"] == 1
    assert totals["records_out"] == 15
    assert totals["cache_hits"] == 1  # the already_done task spent nothing this time
    assert totals["cost_usd"] == 0.01


def test_summary_of_an_evaluation_keeps_the_verdict_and_each_variants_numbers():
    evaluated = {
        "verdict": "winner",
        "winner": "b",
        "decided_by": "quality",
        "rule": ["quality", "cost"],
        "reasons": ["quality: a 0.5 vs b 0.9: b is better"],
        "variant_a": {"name": "a", "records": 60, "quality": 0.5, "cost_per_record_usd": 1e-05, "extra": 1},
        "variant_b": {"name": "b", "records": 60, "quality": 0.9, "latency_p95_ms": 300},
    }
    result = summary.evaluation(evaluated, {"a": "small", "b": "large"})
    assert result is not None
    assert (result["verdict"], result["winner"], result["decided_by"]) == ("winner", "b", "quality")
    assert result["variants"]["a"]["model"] == "small"
    assert result["variants"]["a"]["quality"] == 0.5
    assert "extra" not in result["variants"]["a"]
    assert result["variants"]["b"]["latency_p95_ms"] == 300
    assert result["variants"]["b"]["cost_per_record_usd"] is None
    assert summary.evaluation(None, {}) is None


def test_summary_record_writes_the_latest_run(env, tmp_path):
    env.setenv("PODSTAGE_SUMMARY_DIR", str(tmp_path))
    summary.record("d", "r1", {"x": 1})
    summary.record("d", "r2", {"x": 2})
    import json

    assert json.loads((tmp_path / "d.json").read_text()) == {"dag_id": "d", "run_id": "r2", "x": 2}
