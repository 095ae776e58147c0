"""airflow-config/prometheus-rules.yaml checked by the tool its users run: Debian's promtool
(scripts/ops-tools.sh unpacks it), `check rules` and `test rules` on prometheus-rules.test.yaml.

The unit tests are only worth something if they can fail: every alert has a case that must fire it
(and making the alert's expression never true fails the suite), and a series or a case that must not.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

from support import CONFIG, ops_tool

RULES = CONFIG / "prometheus-rules.yaml"
TESTS = CONFIG / "prometheus-rules.test.yaml"
GROUPING_LABELS = ("dag_id", "stage")


@cache
def promtool() -> str:
    return ops_tool("promtool")


def run_promtool(*args: str, cwd: Path = CONFIG) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool(), *args], capture_output=True, text=True, cwd=cwd, check=False)


def alerts() -> dict[str, str]:
    """Alert name → expression."""
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {rule["alert"]: rule["expr"] for group in groups for rule in group["rules"] if "alert" in rule}


def cases() -> list[dict]:
    return yaml.safe_load(TESTS.read_text())["tests"]


def test_the_rules_are_valid():
    done = run_promtool("check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_every_alert_fires_where_it_should_and_nowhere_else():
    done = run_promtool("test", "rules", str(TESTS))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_every_alert_has_a_case_that_fires_it_and_one_that_must_not():
    fires: set[str] = set()
    quiet: set[str] = set()
    for case in cases():
        series = [s["series"] for s in case.get("input_series", [])]
        for check in case.get("alert_rule_test", []):
            name, expected = check["alertname"], check.get("exp_alerts") or []
            if not expected:
                quiet.add(name)
                continue
            fires.add(name)
            expected_values = {str(v) for alert in expected for v in alert["exp_labels"].values()}
            for one in series:
                labels = dict(re.findall(r'(\w+)="([^"]*)"', one))
                if any(key in labels and labels[key] not in expected_values for key in GROUPING_LABELS):
                    quiet.add(name)  # a series of the same case that must not fire it
    assert set(alerts()) - fires == set(), "alerts with no case that fires them"
    assert set(alerts()) - quiet == set(), "alerts with no series or case that must leave them quiet"


@pytest.mark.parametrize("alert", sorted(alerts()))
def test_an_alert_that_never_fires_fails_the_suite(alert: str, tmp_path: Path):
    rules = yaml.safe_load(RULES.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == alert:
                rule["expr"] = f"({rule['expr']}) and on() vector(0) > 1"
    (tmp_path / RULES.name).write_text(yaml.safe_dump(rules))
    (tmp_path / TESTS.name).write_text(TESTS.read_text())
    done = run_promtool("test", "rules", TESTS.name, cwd=tmp_path)
    assert done.returncode != 0, f"{alert} can be removed without any test noticing"
    assert f"alertname: {alert}" in done.stdout + done.stderr


def test_the_stage_duration_buckets_go_past_the_slow_stage_threshold():
    # A p95 cannot exceed the last finite bucket: with buckets ending at 1800, "> 1800" never held.
    mapping = yaml.safe_load((CONFIG / "statsd-mapping.yaml").read_text())
    rule = next(r for r in mapping["mappings"] if r["match"] == "podstage.stage.duration")
    slow = next(expr for name, expr in alerts().items() if name == "PodstageStageSlow")
    threshold = float(re.search(r">\s*([0-9.]+)\s*$", slow.strip()).group(1))
    assert max(rule["histogram_options"]["buckets"]) > threshold
