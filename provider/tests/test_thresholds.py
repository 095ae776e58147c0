"""The threshold check a DAG ends with: a report, or a failure without retry naming the limits."""

from __future__ import annotations

import pytest
from airflow.sdk.exceptions import AirflowFailException

from podstage_provider import thresholds
from support import infer_xcom


def test_thresholds_pass_and_report():
    report = thresholds.check(
        [infer_xcom(10, 0.01, 100), None, infer_xcom(30, 0.02, 250)],
        max_p95_latency_ms=300,
        max_cost_per_record_usd=0.001,
    )
    assert report["records"] == 40
    assert report["p95_latency_ms"] == 250
    assert report["cost_per_record_usd"] == pytest.approx(0.00075)
    assert report["shards"] == 2
    assert report["violations"] == []


def test_thresholds_fail_visibly_without_retry():
    with pytest.raises(thresholds.ThresholdExceeded) as raised:
        thresholds.check([infer_xcom(10, 0.5, 900)], max_p95_latency_ms=300, max_cost_per_record_usd=0.01)
    assert isinstance(raised.value, AirflowFailException)
    assert "p95 latency 900 ms > limit 300 ms" in str(raised.value)
    assert "cost per record $0.050000 > limit $0.010000" in str(raised.value)
