"""The real statsd_exporter (built from its Go module by scripts/ops-tools.sh), fed by a real infer run
and by Airflow-shaped lines, with airflow-config/statsd-mapping.yaml as the file says it and as the
official Helm chart renders it: the series the dashboard and the alert rules query must come out with
their names, types, labels and values (a cost that is not 0, histograms with buckets).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml
from test_statsd_mapping import chart_rendered

from support import CONFIG, free_port, java_home, ops_tool, stage_jar

#: Lines as Airflow 3 sends them for a DAG run of the examples (legacy names: dag and task ids in the name).
AIRFLOW_LINES = [
    "airflow.ti.finish.podstage_llm_batch.infer.success:1|c",
    "airflow.ti.finish.podstage_llm_batch.store.failed:1|c",
    "airflow.dag.podstage_llm_batch.infer.duration:5400|ms",
    "airflow.pool.running_slots.podstage_llm:3|g",
    "airflow.pool.queued_slots.podstage_llm:1|g",
    "airflow.scheduler_heartbeat:1|c",
]
AIRFLOW_CTX = {"AIRFLOW_CTX_DAG_ID": "podstage_llm_batch", "AIRFLOW_CTX_TASK_ID": "infer", "PODSTAGE_VARIANT": "a"}


@cache
def exporter_binary() -> str:
    return ops_tool("statsd-exporter")


@dataclass
class Exporter:
    udp_port: int
    web_port: int

    def send(self, lines: list[str]) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for line in lines:
                sock.sendto(line.encode(), ("127.0.0.1", self.udp_port))

    def scrape(self) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/metrics", timeout=10) as response:
            return response.read().decode()


@contextmanager
def running_exporter(mapping: Path, log: Path) -> Iterator[Exporter]:
    exporter = Exporter(free_port(), free_port())
    process = subprocess.Popen(
        [
            exporter_binary(),
            f"--statsd.mapping-config={mapping}",
            f"--statsd.listen-udp=127.0.0.1:{exporter.udp_port}",
            "--statsd.listen-tcp=",
            f"--web.listen-address=127.0.0.1:{exporter.web_port}",
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                exporter.scrape()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "statsd_exporter did not answer: " + log.read_text()
                time.sleep(0.1)
        yield exporter
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Series:
    name: str
    labels: dict[str, str]
    value: float


def parse(text: str) -> tuple[dict[str, str], list[Series]]:
    """Prometheus text format: family → type, and every sample."""
    types: dict[str, str] = {}
    samples: list[Series] = []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
        elif line and not line.startswith("#"):
            found = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
            assert found, line
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', found.group(2) or ""))
            samples.append(Series(found.group(1), labels, float(found.group(3))))
    return types, samples


def run_infer(tmp_path: Path, llm_sim: str, exporter: Exporter, label: str, model: str) -> dict:
    """One infer run as a pod runs it (Airflow context, prices, the Redis cache), its primary endpoint down:
    every request is retried there, then fails over to the simulator."""
    jar = stage_jar("infer")
    assert jar.exists(), f"the infer stage is not built: {jar}"
    source = tmp_path / "questions.jsonl"
    source.write_text("".join(json.dumps({"id": f"q{i}", "text": f"question {i}"}) + "\n" for i in range(12)))
    closed = free_port()  # nothing listens: connection refused
    home = java_home()
    java = str(Path(home, "bin", "java")) if home else "java"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODSTAGE_", "AIRFLOW_CTX_"))}
    env.update(AIRFLOW_CTX)
    env.update(
        PODSTAGE_XCOM_PATH=str(tmp_path / f"{label}.json"),
        PODSTAGE_REDIS_URL=os.environ.get("PODSTAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379"),
        PODSTAGE_STATSD_FLAVOR="datadog",
        PODSTAGE_STATSD_HOST="127.0.0.1",
        PODSTAGE_STATSD_PORT=str(exporter.udp_port),
    )
    args = ["--input", str(source), "--output", str(tmp_path / f"{label}.jsonl")]
    args += ["--endpoint", f"http://127.0.0.1:{closed}/v1", "--endpoint", llm_sim, "--max-retries", "1"]
    args += ["--circuit-volume", "100"]  # no breaker in the way: each request tries the primary twice
    args += ["--protocol", "openai-chat", "--model", model, "--price-input-per-1k", "0.15"]
    args += ["--price-output-per-1k", "0.6"]
    done = subprocess.run(
        [java, "-jar", str(jar), *args], env=env, capture_output=True, check=False, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((tmp_path / f"{label}.json").read_text())


def query_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (recording-rule names contain ':' and are left out)."""
    return set(re.findall(r"\b((?:podstage|airflow)_[a-zA-Z0-9_]+)\b", expr))


def queried_expressions() -> list[str]:
    rules = yaml.safe_load((CONFIG / "prometheus-rules.yaml").read_text())
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((CONFIG / "grafana-dashboard.json").read_text())
    exprs += [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    return exprs


@pytest.mark.jar
@pytest.mark.parametrize("rendering", ["file", "helm-chart"])
def test_a_real_run_gives_every_series_the_dashboard_and_rules_read(rendering: str, tmp_path: Path, llm_sim: str):
    mapping = CONFIG / "statsd-mapping.yaml"
    if rendering == "helm-chart":
        mapping = tmp_path / "chart-mappings.yml"
        mapping.write_text(yaml.safe_dump(chart_rendered(CONFIG / "helm-values.yaml")))
    with running_exporter(mapping, tmp_path / "exporter.log") as exporter:
        model = f"m-{uuid.uuid4().hex[:12]}"  # the cache is keyed by model: this run's answers are its own
        xcom = run_infer(tmp_path, llm_sim, exporter, "cold", model)
        rerun = run_infer(tmp_path, llm_sim, exporter, "cached", model)  # every answer from Redis: cache hits
        exporter.send(AIRFLOW_LINES)
        time.sleep(0.5)  # UDP: the exporter reads what the kernel holds; nothing to wait on but the socket
        types, samples = parse(exporter.scrape())

    # the cost is on the wire in micro-dollars, as the run counted it in dollars
    cost = [s for s in samples if s.name == "podstage_infer_cost_microusd_total"]
    assert cost, "no cost series"
    assert sum(s.value for s in cost) == pytest.approx(xcom["metrics"]["cost_usd"] * 1e6, abs=1)
    assert sum(s.value for s in cost) > 0
    assert {s.labels["model"] for s in cost} == {model}
    assert rerun["metrics"]["cache_hits"] == 12 and rerun["metrics"]["cost_usd"] == 0

    # every timer is a histogram with buckets, whichever way the mapping was read
    for family in (
        "podstage_stage_duration_seconds",
        "podstage_infer_request_duration_seconds",
        "podstage_infer_batch_size",
        "airflow_task_duration_seconds",
    ):
        assert types.get(family) == "histogram", (rendering, family, types.get(family))
        assert any(s.name == family + "_bucket" for s in samples), family

    # every attempt, the refused ones on the primary included, by endpoint and outcome
    attempts = {
        (s.labels["endpoint"], s.labels["outcome"]): s.value
        for s in samples
        if s.name == "podstage_infer_request_duration_seconds_count"
    }
    primary = next(endpoint for endpoint, outcome in attempts if outcome == "unreachable")
    assert attempts[(primary, "unreachable")] == 2 * xcom["metrics"]["requests"]  # the attempt and its retry
    assert sum(v for (_, outcome), v in attempts.items() if outcome == "ok") == xcom["metrics"]["requests"]
    for s in samples:
        if s.name == "podstage_infer_request_duration_seconds_count":
            assert {"endpoint", "outcome", "stage", "dag_id", "task_id", "variant"} <= set(s.labels), s

    # what the rules and the dashboard read exists (names), with the labels they group and filter by
    present = {s.name for s in samples}
    for expr in queried_expressions():
        for name in query_names(expr):
            if name in ("airflow_ti_finish_total", "airflow_scheduler_heartbeat_total") or name.startswith(
                ("podstage_", "airflow_pool_", "airflow_task_duration")
            ):
                if name == "podstage_infer_requests_failed_total":
                    continue  # a run that succeeds has no request every endpoint failed
                assert name in present, f"{name} (read by: {expr.strip()[:80]}) is not exported"
    records = {s.labels["kind"] for s in samples if s.name == "podstage_stage_records_total"}
    assert {"in", "out"} <= records
    failed = [s for s in samples if s.name == "airflow_ti_finish_total" and s.labels.get("state") == "failed"]
    assert failed and failed[0].labels["dag_id"] == "podstage_llm_batch"
    pools = [s for s in samples if s.name == "airflow_pool_running_slots"]
    assert pools and pools[0].labels == {"pool": "podstage_llm"}
