"""Each stage's pod resources, and the JVM flags that size a stage's heap from its memory limit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from podstage_provider.backends.local import LocalProcessRunner
from podstage_provider.settings import DEFAULT_JVM_FLAGS, Settings
from podstage_provider.stages import STAGES, memory_bytes

REPO = Path(__file__).resolve().parents[2]
STAGE_JVM = REPO / "scripts" / "stage-jvm.sh"
JVM_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _shell(script: str) -> str:
    done = subprocess.run(["bash", "-c", f'. "{STAGE_JVM}"; {script}'], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [("768Mi", 768 << 20), ("3Gi", 3 << 30), ("1G", 10**9), ("512", 512), ("64Ki", 64 << 10), (" 1Gi ", 1 << 30)],
)
def test_memory_quantities_in_bytes(quantity: str, expected: int):
    assert memory_bytes(quantity) == expected


@pytest.mark.parametrize("quantity", ["", "768MiB", "1.5Gi", "-1Gi", "lots"])
def test_a_memory_quantity_kubernetes_would_refuse_is_named(quantity: str):
    with pytest.raises(ValueError, match="not a memory quantity"):
        memory_bytes(quantity)


def test_the_images_flags_are_the_local_defaults():
    assert _shell('echo "$PODSTAGE_JVM_FLAGS"') == DEFAULT_JVM_FLAGS


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_the_benchmarks_pod_memory_is_the_pods_limit(stage: str):
    flag = _shell(f"stage_pod_ram_flag {stage}")
    assert flag.startswith("-XX:MaxRAM=")
    size = flag.removeprefix("-XX:MaxRAM=")
    assert int(size[:-1]) * JVM_UNITS[size[-1]] == STAGES[stage].memory_limit_bytes()


def test_the_benchmarks_refuse_a_stage_without_a_pod():
    done = subprocess.run(
        ["bash", "-c", f'. "{STAGE_JVM}"; stage_pod_ram_flag nope'], capture_output=True, check=False, text=True
    )
    assert done.returncode != 0
    assert "unknown stage 'nope'" in done.stderr


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_a_local_run_gets_its_pods_memory_limit(stage: str):
    flags = LocalProcessRunner(Settings.from_env({"JAVA_HOME": "/jdk"})).jvm_flags(stage)
    assert flags[:-1] == DEFAULT_JVM_FLAGS.split()
    assert flags[-1] == f"-XX:MaxRAM={STAGES[stage].memory_limit_bytes()}"


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_the_benchmarks_give_a_native_stage_the_heap_a_local_run_gives_it(stage: str, tmp_path: Path):
    executable = tmp_path / stage
    executable.write_text("")
    executable.chmod(0o755)
    env = {
        "JAVA_HOME": "/jdk",
        "PODSTAGE_IMAGE_FLAVOR": "native",
        f"PODSTAGE_{stage.upper()}_EXECUTABLE": str(executable),
    }
    launch = LocalProcessRunner(Settings.from_env(env)).native_launch(stage)
    assert launch == [str(executable), _shell(f"stage_native_heap_flag {stage}")]


def test_a_local_run_keeps_the_memory_its_flags_set():
    settings = Settings.from_env({"JAVA_HOME": "/jdk", "PODSTAGE_JVM_FLAGS": "-XX:+UseSerialGC -XX:MaxRAM=2g"})
    assert LocalProcessRunner(settings).jvm_flags("infer") == ["-XX:+UseSerialGC", "-XX:MaxRAM=2g"]


def _millicores(quantity: str) -> int:
    return int(quantity[:-1]) if quantity.endswith("m") else int(float(quantity) * 1000)


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_a_stage_pod_fits_a_two_cpu_node_with_its_sidecar_and_the_services(stage: str):
    # KubernetesPodOperator's xcom sidecar requests 1m; the test cluster's Redis, PostgreSQL and simulator
    # pods request nothing. A request above what is left keeps the pod Pending for ever on such a node.
    spec = STAGES[stage]
    assert _millicores(spec.cpu_request) + 1 <= 2000 - 100, spec
    assert _millicores(spec.cpu_request) <= _millicores(spec.cpu_limit)
    assert memory_bytes(spec.memory_request) <= memory_bytes(spec.memory_limit)
