"""The small pieces the DAGs rely on: A/B split, thresholds, summaries, XCom helpers, exit-code reasons."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from airflow.sdk import DAG
from airflow.sdk.exceptions import AirflowFailException

from podstage_provider import ab, exit_codes, summary, thresholds, xcom
from podstage_provider.operators import PodstageApprovalOperator
from podstage_provider.operators.approval import truthy
from podstage_provider.operators.stage import option_arguments, stage_uris


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


def _infer(records: int, cost: float, p95: float) -> dict:
    return {
        "stage": "infer",
        "status": "success",
        "records_in": records,
        "records_out": records,
        "metrics": {"cost_usd": cost, "latency_p95_ms": p95, "requests": records, "cache_hits": 1},
    }


def test_thresholds_pass_and_report():
    report = thresholds.check(
        [_infer(10, 0.01, 100), None, _infer(30, 0.02, 250)], max_p95_latency_ms=300, max_cost_per_record_usd=0.001
    )
    assert report["records"] == 40
    assert report["p95_latency_ms"] == 250
    assert report["cost_per_record_usd"] == pytest.approx(0.00075)
    assert report["shards"] == 2
    assert report["violations"] == []


def test_thresholds_fail_visibly_without_retry():
    with pytest.raises(thresholds.ThresholdExceeded) as raised:
        thresholds.check([_infer(10, 0.5, 900)], max_p95_latency_ms=300, max_cost_per_record_usd=0.01)
    assert isinstance(raised.value, AirflowFailException)
    assert "p95 latency 900 ms > limit 300 ms" in str(raised.value)
    assert "cost per record $0.050000 > limit $0.010000" in str(raised.value)


def test_stage_totals():
    totals = summary.stage_totals([_infer(10, 0.01, 100), {**_infer(5, 0, 0), "status": "already_done"}, None])
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


def test_shard_list_and_values():
    assert xcom.shard_list({"shards": ["file:///a", "file:///b"], "records_out": 2}) == ["file:///a", "file:///b"]
    assert xcom.shard_list(None) == []
    with pytest.raises(ValueError, match="no 'shards'"):
        xcom.shard_list({"outputs": []})
    with pytest.raises(ValueError, match="not a list of URIs"):
        xcom.shard_list({"shards": "file:///a"})
    assert xcom.values(("a", "b")) == ["a", "b"]
    assert xcom.values(None) == []
    assert xcom.values({"k": 1}) == [{"k": 1}]


def test_stage_uris_and_option_arguments():
    assert stage_uris([{"outputs": ["u1"]}, None, "u2", ["u3"]]) == ["u1", "u2", "u3"]
    with pytest.raises(ValueError, match="without 'outputs'"):
        stage_uris({"shards": []})
    with pytest.raises(TypeError):
        stage_uris(3.5)
    assert option_arguments({"a_b": True, "c": [1, 2], "d": None, "e": "", "--f": 0}) == [
        "--a-b",
        "true",
        "--c",
        "1",
        "--c",
        "2",
        "--f",
        "0",
    ]
    with pytest.raises(TypeError, match="option 'model': a mapping is no command-line value"):
        option_arguments({"model": {"name": "m"}})


def test_reason_prefers_the_termination_message_then_the_last_error_line():
    lines = [
        "12:00:00.001 INFO  [StageRunner] starting",
        "12:00:00.002 ERROR [StageRunner] first",
        "12:00:00.003 ERROR [InferRun] the real reason",
        "12:00:00.004 INFO  [X] shutting down",
    ]
    assert exit_codes.reason_from("from the file\nsecond line", lines, 3) == "from the file"
    assert exit_codes.reason_from("", lines, 3) == "the real reason"
    assert exit_codes.reason_from(None, ["plain output"], 1) == "no error line; last output: plain output"
    assert exit_codes.reason_from(None, [], 1) == "exit code 1 and no output"


def test_truthy_and_auto_approval_shortcut():
    assert truthy(True) and truthy("true") and truthy(" Yes ") and truthy("1")
    assert not truthy(False) and not truthy("false") and not truthy(None) and not truthy("")
    with DAG("approve_test", schedule=None, start_date=datetime(2025, 1, 1)):
        op = PodstageApprovalOperator(task_id="approve", subject="Promote?", auto_approve="true")
    result = op.execute({"ti": None, "task": op, "task_instance": None})
    assert result["chosen_options"] == ["Approve"]
    assert result["responded_by_user"]["id"] == "podstage-auto-approve"
