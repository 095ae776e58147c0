"""airflow-config/: each file valid for its tool, and consistent with the others and with the provider."""

from __future__ import annotations

import configparser
import json
import re

import pytest
import yaml
from airflow.providers.cncf.kubernetes.pod_generator import PodGenerator

from podstage_provider.pod import SPOT_TOLERATIONS
from support import CONFIG

PODSTAGE_METRICS = [
    "podstage.stage.duration",
    "podstage.stage.records",
    "podstage.infer.request.duration",
    "podstage.infer.batch.size",
    "podstage.cache.hits",
    "podstage.cache.misses",
    "podstage.infer.retries",
    "podstage.infer.failovers",
    "podstage.infer.tokens",
    "podstage.infer.cost_microusd",
    "podstage.infer.requests.failed",
]


def test_airflow_cfg_fragment_parses_and_sets_the_limits_and_statsd():
    cfg = configparser.ConfigParser()
    cfg.read(CONFIG / "airflow.cfg")
    assert cfg.getint("core", "parallelism") == 32
    assert cfg.getint("core", "max_active_tasks_per_dag") == 16
    assert cfg.getint("core", "max_active_runs_per_dag") == 2
    assert cfg.getboolean("metrics", "statsd_on") is True
    assert cfg.getint("metrics", "statsd_port") == 8125


def test_env_file_matches_the_cfg_fragment():
    cfg = configparser.ConfigParser()
    cfg.read(CONFIG / "airflow.cfg")
    env = {}
    for line in (CONFIG / "airflow.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", key), line
            env[key] = value
    for section in cfg.sections():
        for key, value in cfg.items(section):
            if value:
                assert env[f"AIRFLOW__{section.upper()}__{key.upper()}"] == value, key
    from podstage_provider.settings import Settings

    settings = Settings.from_env(env)  # every PODSTAGE_* value is one the provider accepts
    assert settings.execution == "kubernetes"
    assert settings.pod_template_file == env["PODSTAGE_POD_TEMPLATE_FILE"]


def test_airflow_reads_the_env_form(env):
    for line in (CONFIG / "airflow.env").read_text().splitlines():
        if line.startswith("AIRFLOW__"):
            key, _, value = line.partition("=")
            env.setenv(key, value)
    from airflow.configuration import AirflowConfigParser

    conf = AirflowConfigParser()
    assert conf.getint("core", "max_active_tasks_per_dag") == 16
    assert conf.getint("core", "parallelism") == 32
    assert conf.getboolean("metrics", "statsd_on") is True
    assert conf.getfloat("workers", "execution_api_timeout") == 30  # a key Airflow 3 really reads there


def test_pod_template_loads_with_the_pod_generator():
    pod = PodGenerator.deserialize_model_file(str(CONFIG / "pod-template.yaml"))
    spec = pod.spec
    assert spec.security_context.run_as_non_root is True
    assert spec.security_context.seccomp_profile.type == "RuntimeDefault"
    container = spec.containers[0]
    assert container.name == "base"
    sc = container.security_context
    assert sc.allow_privilege_escalation is False
    assert sc.read_only_root_filesystem is True
    assert sc.capabilities.drop == ["ALL"]
    assert container.resources.requests["cpu"] and container.resources.limits["memory"]
    assert spec.topology_spread_constraints[0].topology_key == "topology.kubernetes.io/zone"
    assert {(t.key, t.value) for t in spec.tolerations} == {(t.key, t.value) for t in SPOT_TOLERATIONS}


def test_pools_json_is_what_airflow_pools_import_reads():
    pools = json.loads((CONFIG / "pools.json").read_text())
    assert set(pools) == {"podstage_preprocess", "podstage_embed", "podstage_llm"}
    for pool in pools.values():
        assert isinstance(pool["slots"], int) and pool["slots"] > 0
        assert pool["description"]


def test_statsd_mapping_covers_every_podstage_metric_and_airflows():
    mapping = yaml.safe_load((CONFIG / "statsd-mapping.yaml").read_text())
    rules = mapping["mappings"]
    names = set()
    for rule in rules:
        assert set(rule) <= {
            "match",
            "name",
            "labels",
            "help",
            "observer_type",
            "histogram_options",
            "action",
            "match_type",
            "match_metric_type",
            "ttl",
            "summary_options",
        }, rule
        assert rule["match"] and rule["name"]
        assert re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:${}]*", rule["name"]), rule["name"]
        for label in rule.get("labels") or {}:
            assert re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", label)
        buckets = (rule.get("histogram_options") or {}).get("buckets")
        if buckets:
            assert buckets == sorted(buckets)
        names.add(rule["name"])
    matches = {r["match"] for r in rules}
    for metric in PODSTAGE_METRICS:
        assert metric in matches, metric
    assert "airflow.dag.*.*.duration" in matches
    assert "airflow.ti.finish.*.*.*" in matches
    # every metric the rules and the dashboard use is produced by the mapping
    used = set(re.findall(r"\b((?:podstage|airflow)_[a-z0-9_]+)", (CONFIG / "prometheus-rules.yaml").read_text()))
    used |= set(re.findall(r"\b((?:podstage|airflow)_[a-z0-9_]+)", (CONFIG / "grafana-dashboard.json").read_text()))
    produced = {n for n in names if "$" not in n}
    for metric in used:
        base = re.sub(r"_(bucket|count|sum)$", "", metric)
        assert base in produced or metric in produced, metric


def test_prometheus_rules_are_well_formed():
    doc = yaml.safe_load((CONFIG / "prometheus-rules.yaml").read_text())
    alerts = {}
    for group in doc["groups"]:
        assert group["name"] and group["rules"]
        for rule in group["rules"]:
            assert ("alert" in rule) != ("record" in rule)
            expr = rule["expr"]
            assert expr.count("(") == expr.count(")"), rule
            assert expr.count("{") == expr.count("}"), rule
            if "alert" in rule:
                assert rule["labels"]["severity"] in ("info", "warning", "critical")
                assert rule["annotations"]["summary"]
                if "for" in rule:
                    assert re.fullmatch(r"\d+[smh]", rule["for"])
                alerts[rule["alert"]] = expr
    assert any("latency" in a.lower() for a in alerts)
    assert any("errorrate" in a.lower() for a in alerts)
    assert any("cost" in a.lower() for a in alerts)


def test_grafana_dashboard_is_importable_json():
    dash = json.loads((CONFIG / "grafana-dashboard.json").read_text())
    assert dash["uid"] and dash["title"] and dash["schemaVersion"] >= 30
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))
    variables = {v["name"] for v in dash["templating"]["list"]}
    assert {"datasource", "dag_id"} <= variables
    for panel in dash["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["expr"].count("(") == target["expr"].count(")"), target
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24


def test_helm_values_turn_it_all_on_and_stay_in_sync():
    values = yaml.safe_load((CONFIG / "helm-values.yaml").read_text())
    cfg = configparser.ConfigParser()
    cfg.read(CONFIG / "airflow.cfg")
    for key in ("parallelism", "max_active_tasks_per_dag", "max_active_runs_per_dag"):
        assert str(values["config"]["core"][key]) == cfg.get("core", key)
    assert values["statsd"]["enabled"] is True
    assert str(values["config"]["workers"]["execution_api_timeout"]) == cfg.get("workers", "execution_api_timeout")
    mapping = yaml.safe_load((CONFIG / "statsd-mapping.yaml").read_text())
    assert values["statsd"]["overrideMappings"] == mapping["mappings"]
    env = {e["name"]: e["value"] for e in values["env"]}
    assert env["PODSTAGE_EXECUTION"] == "kubernetes"
    assert env["PODSTAGE_POD_TEMPLATE_FILE"].endswith("/pod-template.yaml")
    extra_env = yaml.safe_load(values["extraEnv"])
    assert extra_env[0]["name"] == "PODSTAGE_STATSD_HOST"
    data = yaml.safe_load(values["extraConfigMaps"]["podstage-pod-template"]["data"])
    assert data["pod-template.yaml"] == (CONFIG / "pod-template.yaml").read_text()
    for executor in ("celery", "kubernetes"):  # chart 1.22's names; workers.extraVolumes is deprecated
        assert values["workers"][executor]["extraVolumeMounts"] == values["scheduler"]["extraVolumeMounts"]
    assert "extraVolumes" not in values["workers"]
    assert "kubernetes" not in values["config"], "Airflow 3 reads [kubernetes_executor], not [kubernetes]"
    mount = values["scheduler"]["extraVolumeMounts"][0]["mountPath"]
    assert env["PODSTAGE_POD_TEMPLATE_FILE"].startswith(mount)


@pytest.mark.parametrize(
    "name",
    [
        "airflow.cfg",
        "airflow.env",
        "pod-template.yaml",
        "helm-values.yaml",
        "statsd-mapping.yaml",
        "grafana-dashboard.json",
        "prometheus-rules.yaml",
        "pools.json",
        "README.md",
    ],
)
def test_every_file_is_there(name: str):
    assert (CONFIG / name).stat().st_size > 0
