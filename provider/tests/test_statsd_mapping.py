"""airflow-config/statsd-mapping.yaml as statsd_exporter applies it, to the lines the stages really send.

The stages tag their metrics with ``dag_id``, ``task_id`` and ``variant`` only when those are set (a
plain command-line run has none of them): the same metric arrives with and without those tags, and
must end up in the same Prometheus family either way, with exactly the tags it came with as labels.

:class:`Exporter` is a small model of statsd_exporter's mapper and registry, for the parts the mapping
uses: glob matches (``*`` = one dot-free name part) tried in file order (``glob_disable_ordering:
false``), then regex matches when no glob matched, ``${n}`` in names and labels, ``action: drop``,
DogStatsD tags as labels (mapping labels win), ``observer_type`` for timers, distributions and
histograms, the fallback name of an unmapped metric, and the registry's refusal to register a name
again with another type (label sets may differ: statsd_exporter registers its vectors as unchecked
collectors). The lines come from a real ingest and a real infer run captured on a UDP socket (jar
tests), and from a fixed sample of the same shapes that needs nothing built.
"""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import CONFIG, java_home, stage_jar

MAPPING = yaml.safe_load((CONFIG / "statsd-mapping.yaml").read_text())
AIRFLOW_TAGS = {"dag_id": "podstage_llm_batch", "task_id": "infer", "variant": "a"}
#: How the stages' metrics must come out (explicit rules, not the catch-all): statsd name → Prometheus family.
EXPECTED_FAMILIES = {
    "podstage.stage.duration": ("podstage_stage_duration_seconds", "histogram"),
    "podstage.stage.records": ("podstage_stage_records_total", "counter"),
    "podstage.infer.request.duration": ("podstage_infer_request_duration_seconds", "histogram"),
    "podstage.infer.batch.size": ("podstage_infer_batch_size", "histogram"),
    "podstage.infer.tokens": ("podstage_infer_tokens_total", "counter"),
    "podstage.infer.cost_microusd": ("podstage_infer_cost_microusd_total", "counter"),
    "podstage.infer.retries": ("podstage_infer_retries_total", "counter"),
    "podstage.cache.hits": ("podstage_cache_hits_total", "counter"),
    "podstage.cache.misses": ("podstage_cache_misses_total", "counter"),
}

#: Lines of the shapes Micrometer's DogStatsD flavor sends (taken from real runs), with every Airflow tag.
SAMPLE_TAGGED = [
    "podstage.stage.records:2|c|#statistic:count,dag_id:podstage_llm_batch,kind:in,stage:infer,task_id:infer,variant:a",
    "podstage.stage.duration:484.5|ms|#dag_id:podstage_llm_batch,stage:infer,status:success,task_id:infer,variant:a",
    "podstage.infer.request.duration:41|ms|#dag_id:podstage_llm_batch,endpoint:127.0.0.1:8089,outcome:ok,stage:infer,"
    "task_id:infer,variant:a",
    "podstage.infer.batch.size:8|h|#dag_id:podstage_llm_batch,stage:infer,task_id:infer,variant:a",
    "podstage.infer.tokens:120|c|#statistic:count,dag_id:podstage_llm_batch,direction:input,model:m,stage:infer,"
    "task_id:infer,variant:a",
    "podstage.infer.cost_microusd:1200|c|#statistic:count,dag_id:podstage_llm_batch,model:m,stage:infer,task_id:infer,"
    "variant:a",
    "podstage.infer.retries:1|c|#statistic:count,dag_id:podstage_llm_batch,stage:infer,task_id:infer,variant:a",
    "podstage.cache.hits:5|c|#statistic:count,dag_id:podstage_llm_batch,namespace:infer,stage:infer,task_id:infer,"
    "variant:a",
    "podstage.cache.misses:3|c|#statistic:count,dag_id:podstage_llm_batch,namespace:infer,stage:infer,task_id:infer,"
    "variant:a",
    # SmallRye Fault Tolerance's own meters, should they reach the registry: dropped, however deep the name
    "podstage.ft.retry.retries.total:0|c|#statistic:count,method:infer,stage:infer",
    "podstage.ft.invocations:1|c|#statistic:count,method:infer,stage:infer",
]
_AIRFLOW_TAG = re.compile(r",?(?:dag_id|task_id|variant):[^,|]*")
#: The same lines from a run with no Airflow context and no variant (a plain command-line run).
SAMPLE_UNTAGGED = [_AIRFLOW_TAG.sub("", line).replace("#,", "#") for line in SAMPLE_TAGGED]


# ----------------------------------------------------------------------------- the exporter model


@dataclass(frozen=True)
class Sample:
    """One StatsD line as statsd_exporter parses it."""

    name: str
    kind: str  # counter | gauge | observer
    tags: dict[str, str]

    @classmethod
    def parse(cls, line: str) -> Sample:
        head, _, rest = line.partition(":")
        fields = rest.split("|")
        kinds = {"c": "counter", "g": "gauge", "ms": "observer", "h": "observer", "d": "observer"}
        assert len(fields) >= 2 and fields[1] in kinds, f"not a StatsD line: {line!r}"
        tags: dict[str, str] = {}
        for extension in fields[2:]:
            if extension.startswith("#"):
                for tag in filter(None, extension[1:].split(",")):
                    key, _, value = tag.partition(":")
                    tags[_label_name(key)] = value
        return cls(head, kinds[fields[1]], tags)


def _label_name(name: str) -> str:
    """statsd_exporter's escaping of names: anything but [a-zA-Z0-9_] becomes _."""
    escaped = re.sub(r"[^a-zA-Z0-9_]", "_", name)
    return "_" + escaped if escaped[:1].isdigit() else escaped


@dataclass(frozen=True)
class Family:
    name: str
    type: str  # counter | gauge | histogram | summary
    labels: dict[str, str]
    rule: str | None  # the match that mapped it; None: unmapped (statsd_exporter's fallback name)


@dataclass
class Exporter:
    mapping: Mapping[str, Any]
    registered: dict[str, str] = field(default_factory=dict)  # Prometheus name → type

    def rule_for(self, name: str) -> tuple[dict[str, Any], list[str]] | None:
        """The first glob rule (in file order) that matches; only when none does, the first regex rule."""
        rules = self.mapping["mappings"]
        for rule in rules:
            if rule.get("match_type", "glob") == "glob":
                found = re.match("^" + re.escape(rule["match"]).replace(r"\*", "([^.]*)") + "$", name)
                if found:
                    return rule, list(found.groups())
        for rule in rules:
            assert rule.get("match_type", "glob") in ("glob", "regex"), rule
            if rule.get("match_type") == "regex":
                found = re.search(rule["match"], name)
                if found:
                    return rule, list(found.groups())
        return None

    def accept(self, sample: Sample) -> Family | None:
        """The family and labels a line lands in, None when dropped; raises where statsd_exporter would refuse."""
        found = self.rule_for(sample.name)
        if found is None:
            name, labels, rule = _label_name(sample.name), dict(sample.tags), None
            observer = self.mapping["defaults"].get("observer_type", "summary")
        else:
            rule, groups = found
            if rule.get("action") == "drop":
                return None
            name = _substitute(rule["name"], groups)
            labels = {**sample.tags, **{k: _substitute(str(v), groups) for k, v in (rule.get("labels") or {}).items()}}
            observer = rule.get("observer_type") or self.mapping["defaults"].get("observer_type", "summary")
            rule = rule["match"]
        kind = {"counter": "counter", "gauge": "gauge", "observer": observer}[sample.kind]
        assert re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", name), f"{sample.name} → invalid metric name {name!r}"
        for label in labels:
            assert re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", label), f"{sample.name} → invalid label {label!r}"
        suffixes = {"histogram": ("", "_sum", "_count", "_bucket"), "summary": ("", "_sum", "_count")}.get(kind, ("",))
        for suffix in suffixes:
            known = self.registered.setdefault(name + suffix, kind)
            assert known == kind, f"{sample.name} → {name} as a {kind}, already registered as a {known}"
        return Family(name, kind, labels, rule)


def _substitute(template: str, groups: list[str]) -> str:
    return re.sub(r"\$\{?(\d+)\}?", lambda m: groups[int(m.group(1)) - 1], template)


def map_lines(mapping: Mapping[str, Any], *runs: list[str]) -> list[tuple[Sample, Family | None]]:
    """Every line of every run through one exporter (one process sees them all, in this order)."""
    exporter = Exporter(mapping)
    return [(sample, exporter.accept(sample)) for run in runs for sample in map(Sample.parse, run)]


def check(mapping: Mapping[str, Any], tagged: list[str], untagged: list[str]) -> dict[str, set[frozenset[str]]]:
    """Maps both runs; asserts what the dashboards and alert rules rely on; returns family → label sets seen."""
    seen: dict[str, set[frozenset[str]]] = {}
    for sample, family in map_lines(mapping, tagged, untagged):
        if family is None:
            assert sample.name.startswith("podstage.ft."), f"{sample.name} is dropped"
            continue
        assert family.rule is not None, f"{sample.name} matches no rule: exported as {family.name}"
        assert family.name.startswith("podstage_"), (sample.name, family.name)
        if sample.name in EXPECTED_FAMILIES:
            assert (family.name, family.type) == EXPECTED_FAMILIES[sample.name], (sample.name, family)
        # the labels are exactly the tags it came with: no Airflow label invented, none lost
        assert family.labels == sample.tags, (sample.name, family.labels, sample.tags)
        seen.setdefault(family.name, set()).add(frozenset(family.labels))
    return seen


# ----------------------------------------------------------------------------- tests on the sample lines


def test_the_sample_lines_differ_only_by_the_airflow_tags():
    for tagged, untagged in zip(SAMPLE_TAGGED, SAMPLE_UNTAGGED, strict=True):
        with_tags, without = Sample.parse(tagged), Sample.parse(untagged)
        assert without.name == with_tags.name
        assert without.tags == {k: v for k, v in with_tags.tags.items() if k not in AIRFLOW_TAGS}


def test_metrics_with_and_without_the_airflow_tags_land_in_the_same_families():
    seen = check(MAPPING, SAMPLE_TAGGED, SAMPLE_UNTAGGED)
    for statsd_name, (family, _) in EXPECTED_FAMILIES.items():
        label_sets = seen[family]
        assert len(label_sets) == 2, (statsd_name, label_sets)  # one family, both label sets
        with_tags, without = sorted(label_sets, key=len, reverse=True)
        assert with_tags - without == set(AIRFLOW_TAGS), (statsd_name, label_sets)


def chart_rendered(values_file: Path) -> dict[str, Any]:
    """The mapping as the official chart (1.22) writes it: templates/configmaps/statsd-configmap.yaml renders
    ``mappings:`` from ``statsd.overrideMappings`` and, of the defaults, only ``ttl`` (``statsd.cache.ttl``)."""
    values = yaml.safe_load(values_file.read_text())
    return {"defaults": {"ttl": 0}, "mappings": values["statsd"]["overrideMappings"]}


def test_the_helm_chart_rendering_keeps_every_timer_a_histogram():
    # Without observer_type on each timer mapping, statsd_exporter reads a summary: no _bucket series, so the
    # histogram_quantile panels and latency alerts would be empty under the chart.
    seen = check(chart_rendered(CONFIG / "helm-values.yaml"), SAMPLE_TAGGED, SAMPLE_UNTAGGED)
    assert set(seen) >= {family for family, _ in EXPECTED_FAMILIES.values()}
    for rule in MAPPING["mappings"]:
        if rule["name"].endswith("_seconds") or rule["match"] in ("podstage.infer.batch.size", "podstage.*.*"):
            assert rule.get("observer_type") == "histogram", rule["match"]
            assert rule.get("histogram_options", {}).get("buckets"), rule["match"]


def test_without_observer_types_on_the_mappings_the_chart_would_export_summaries():
    rendered = chart_rendered(CONFIG / "helm-values.yaml")
    for rule in rendered["mappings"]:
        rule.pop("observer_type", None)
    with pytest.raises(AssertionError, match="summary"):
        check(rendered, SAMPLE_TAGGED, SAMPLE_UNTAGGED)


# A mapping that breaks one of the promises must fail the check (so the check can fail at all).
def _mutated(change: str) -> dict[str, Any]:
    mapping = copy.deepcopy(MAPPING)
    rules = mapping["mappings"]
    if change == "rule-expects-tags-in-the-name":  # as if the stages sent etsy-style dotted tags
        next(r for r in rules if r["match"] == "podstage.stage.duration")["match"] = "podstage.stage.duration.*.*"
    elif change == "label-from-the-mapping":  # a fixed variant label overrides (or invents) the tag
        next(r for r in rules if r["match"] == "podstage.infer.tokens")["labels"] = {"variant": "none"}
    elif change == "catch-all-first":
        rules.insert(0, {"match": "podstage.*.*", "name": "podstage_${1}_${2}"})
    elif change == "no-regex-drop":  # the deep ft.* names fall through to statsd_exporter's fallback name
        mapping["mappings"] = [r for r in rules if r.get("match_type") != "regex"]
    elif change == "type-clash":  # a counter renamed onto the histogram's family
        next(r for r in rules if r["match"] == "podstage.infer.retries")["name"] = "podstage_stage_duration_seconds"
    else:
        raise AssertionError(change)
    return mapping


@pytest.mark.parametrize(
    "change",
    ["rule-expects-tags-in-the-name", "label-from-the-mapping", "catch-all-first", "no-regex-drop", "type-clash"],
)
def test_a_broken_mapping_fails_the_check(change: str):
    with pytest.raises(AssertionError):
        check(_mutated(change), SAMPLE_TAGGED, SAMPLE_UNTAGGED)


# ----------------------------------------------------------------------------- lines from real stages


@contextmanager
def statsd_listener() -> Iterator[tuple[int, list[str]]]:
    """A UDP socket standing in for statsd_exporter: yields its port and the lines it has received so far."""
    lines: list[str] = []
    stop = threading.Event()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.1)

        def receive() -> None:
            while not stop.is_set():
                try:
                    lines.extend(filter(None, sock.recv(65535).decode("utf-8").splitlines()))
                except TimeoutError:
                    continue

        reader = threading.Thread(target=receive, daemon=True)
        reader.start()
        try:
            yield sock.getsockname()[1], lines
        finally:
            time.sleep(0.5)  # the stage flushes before it exits; let the last datagrams land
            stop.set()
            reader.join()


def run_stage(stage: str, args: list[str], tmp_path: Path, tags: Mapping[str, str]) -> list[str]:
    """Runs the packaged stage with metrics to a listener; the lines it sent. ``tags``: the Airflow tags to set."""
    jar = stage_jar(stage)
    if not jar.exists():
        pytest.skip(f"{stage} stage not built: {jar}")
    home = java_home()
    java = str(Path(home, "bin", "java")) if home else "java"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODSTAGE_", "AIRFLOW_CTX_"))}
    env["PODSTAGE_XCOM_PATH"] = str(tmp_path / f"{stage}-{len(tags)}.json")
    env["PODSTAGE_STATSD_FLAVOR"] = "datadog"  # airflow-config/airflow.env and the Helm values set it
    if "dag_id" in tags:
        env["AIRFLOW_CTX_DAG_ID"] = tags["dag_id"]
    if "task_id" in tags:
        env["AIRFLOW_CTX_TASK_ID"] = tags["task_id"]
    if "variant" in tags:
        env["PODSTAGE_VARIANT"] = tags["variant"]
    with statsd_listener() as (port, lines):
        env.update(PODSTAGE_STATSD_HOST="127.0.0.1", PODSTAGE_STATSD_PORT=str(port))
        result = subprocess.run(
            [java, "-jar", str(jar), *args], env=env, capture_output=True, check=False, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return list(lines)


@pytest.mark.jar
def test_real_stage_metrics_with_and_without_the_airflow_tags(tmp_path: Path, llm_sim: str):
    source = tmp_path / "questions.jsonl"
    source.write_text("".join(json.dumps({"id": f"q{i}", "text": f"question {i}"}) + "\n" for i in range(4)))
    runs: dict[str, list[str]] = {}
    for label, tags in (("tagged", AIRFLOW_TAGS), ("untagged", {})):
        out = tmp_path / label
        ingest = ["--input", str(source), "--output", str(out / "shards")]
        infer = ["--input", str(source), "--output", str(out / "answers.jsonl"), "--endpoint", llm_sim]
        infer += ["--protocol", "openai-chat", "--model", "m"]
        runs[label] = run_stage("ingest", ingest, tmp_path, tags) + run_stage("infer", infer, tmp_path, tags)
    names = {Sample.parse(line).name for line in runs["tagged"]}
    assert {"podstage.stage.duration", "podstage.stage.records", "podstage.infer.request.duration"} <= names
    assert names == {Sample.parse(line).name for line in runs["untagged"]}
    for line in runs["untagged"]:
        assert not set(Sample.parse(line).tags) & set(AIRFLOW_TAGS), line  # the stage sends them only when set
    assert any(set(AIRFLOW_TAGS) <= set(Sample.parse(line).tags) for line in runs["tagged"])
    seen = check(MAPPING, runs["tagged"], runs["untagged"])
    assert all(len(label_sets) >= 2 for label_sets in seen.values()), seen
