"""Latency and cost limits over the XCom summaries of ``infer`` tasks.

``check(summaries, max_p95_latency_ms=..., max_cost_per_record_usd=...)`` returns a report and
raises :class:`ThresholdExceeded` (a failure Airflow does not retry: the numbers would not change)
when a limit is crossed. The p95 reported is the worst shard's p95: an upper bound of the run's
p95 that needs no access to the output files (a worker on Kubernetes does not mount them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from airflow.sdk.exceptions import AirflowFailException

from podstage_provider.xcom import values


class ThresholdExceeded(AirflowFailException):
    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        super().__init__("; ".join(report["violations"]))


def summarize(summaries: Iterable[Mapping[str, Any] | None]) -> dict[str, Any]:
    records = 0
    cost = 0.0
    p95 = 0.0
    requests = 0
    cache_hits = 0
    shards = 0
    for summary in values(summaries):
        if not summary:
            continue  # a skipped shard
        shards += 1
        metrics = summary.get("metrics") or {}
        records += int(summary.get("records_out") or 0)
        cost += float(metrics.get("cost_usd") or 0.0)
        p95 = max(p95, float(metrics.get("latency_p95_ms") or 0.0))
        requests += int(metrics.get("requests") or 0)
        cache_hits += int(metrics.get("cache_hits") or 0)
    return {
        "shards": shards,
        "records": records,
        "requests": requests,
        "cache_hits": cache_hits,
        "cost_usd": round(cost, 6),
        "cost_per_record_usd": round(cost / records, 8) if records else 0.0,
        "p95_latency_ms": p95,
    }


def check(
    summaries: Iterable[Mapping[str, Any] | None],
    *,
    max_p95_latency_ms: float,
    max_cost_per_record_usd: float,
) -> dict[str, Any]:
    report = summarize(summaries)
    violations = []
    if report["p95_latency_ms"] > max_p95_latency_ms:
        violations.append(f"p95 latency {report['p95_latency_ms']:.0f} ms > limit {max_p95_latency_ms:.0f} ms")
    if report["cost_per_record_usd"] > max_cost_per_record_usd:
        violations.append(
            f"cost per record ${report['cost_per_record_usd']:.6f} > limit ${max_cost_per_record_usd:.6f}"
        )
    report["limits"] = {"max_p95_latency_ms": max_p95_latency_ms, "max_cost_per_record_usd": max_cost_per_record_usd}
    report["violations"] = violations
    if violations:
        raise ThresholdExceeded(report)
    return report
