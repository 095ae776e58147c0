"""The provider is an installable Airflow provider that Airflow discovers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import jsonschema

import podstage_provider


def test_entry_point_points_at_get_provider_info():
    eps = [ep for ep in entry_points(group="apache_airflow_provider") if ep.value.startswith("podstage_provider")]
    assert len(eps) == 1
    assert eps[0].load() is podstage_provider.get_provider_info


def test_provider_info_is_valid_for_airflow():
    import airflow

    schema_path = Path(airflow.__file__).parent / "provider_info.schema.json"
    schema = json.loads(schema_path.read_text())
    info = podstage_provider.get_provider_info()
    jsonschema.validate(info, schema)
    assert info["package-name"] == "airflow-provider-podstage"
    assert info["versions"] == [podstage_provider.__version__]


def test_providers_manager_discovers_provider_and_connection_type():
    from airflow.providers_manager import ProvidersManager
    from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

    assert "airflow-provider-podstage" in ProvidersManager().providers
    hooks = ProvidersManagerTaskRuntime().hooks
    assert "podstage_inference" in hooks
    hook_info = hooks["podstage_inference"]
    assert hook_info is not None
    assert hook_info.hook_class_name == "podstage_provider.hooks.inference.InferenceEndpointHook"


def test_airflow_providers_list_cli_shows_it():
    airflow = Path(sys.executable).with_name("airflow")
    out = subprocess.run(
        [str(airflow), "providers", "list", "-o", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    ).stdout
    listing = next(line for line in out.splitlines() if line.startswith("[{"))  # log lines may come first
    providers = {p["package_name"]: p for p in json.loads(listing)}
    assert providers["airflow-provider-podstage"]["version"] == podstage_provider.__version__


def test_every_module_named_in_provider_info_imports():
    import importlib

    info = podstage_provider.get_provider_info()
    for group in ("operators", "hooks"):
        for entry in info[group]:
            for module in entry["python-modules"]:
                importlib.import_module(module)
    for notifier in info["notifications"]:
        module, _, name = notifier.rpartition(".")
        assert hasattr(importlib.import_module(module), name)
