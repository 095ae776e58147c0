"""Paths and helpers the provider tests and the end-to-end tests share (a plain module, on the pytest
path of both directories: conftest modules of two test directories would shadow each other)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
CONFIG = REPO / "airflow-config"
LLM_SIM = REPO / "integration-tests" / "llm-sim" / "target" / "llm-sim.jar"


def java_home() -> str | None:
    """The JDK the scripts pick (scripts/java-home.sh): Temurin 25 when present."""
    for candidate in ("/usr/lib/jvm/temurin-25-jdk-amd64", "/usr/lib/jvm/temurin-25-jdk"):
        if Path(candidate, "bin", "java").exists():
            return candidate
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    return str(Path(java).resolve().parents[1]) if java else None


def ops_tool(name: str) -> str:
    """The path of a tool airflow-config/ is checked with (scripts/ops-tools.sh: unpacked or built once, cached)."""
    done = subprocess.run([str(REPO / "scripts" / "ops-tools.sh"), name], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"scripts/ops-tools.sh {name} failed:\n{done.stderr}"
    return done.stdout.strip()


def stage_jar(stage: str) -> Path:
    return REPO / "operators" / stage / "target" / "quarkus-app" / "quarkus-run.jar"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_llm_sim(*options: str) -> Iterator[str]:
    """The LLM endpoint simulator on a free loopback port, with ``options``: yields its OpenAI base URL (…/v1).

    Skips the test when the simulator is not built.
    """
    if not LLM_SIM.exists():
        pytest.skip(f"LLM simulator not built: {LLM_SIM}")
    home = java_home()
    java = str(Path(home, "bin", "java")) if home else "java"
    port = free_port()
    proc = subprocess.Popen(
        [java, "-jar", str(LLM_SIM), "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if "listening on" in line:
                break
        else:
            pytest.fail("llm-sim did not start:\n" + "".join(seen))
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def inference_connection(endpoint: str, model: str, *, password: str = "sim-key", **extra: Any) -> str:
    """An ``AIRFLOW_CONN_…`` value for a ``podstage_inference`` connection to ``endpoint``."""
    return json.dumps(
        {
            "conn_type": "podstage_inference",
            "password": password,
            "extra": {"endpoints": [endpoint], "protocol": "openai-chat", "model": model, **extra},
        }
    )


def infer_xcom(records: int, cost: float, p95: float) -> dict[str, Any]:
    """An infer task's XCom value: ``records`` in and out, ``cost`` USD, p95 latency ``p95`` ms, one cache hit."""
    return {
        "stage": "infer",
        "status": "success",
        "records_in": records,
        "records_out": records,
        "metrics": {"cost_usd": cost, "latency_p95_ms": p95, "requests": records, "cache_hits": 1},
    }


def exit_code_outcomes() -> list[tuple[int, type[Exception]]]:
    """What a failing stage's exit code must become in Airflow, on every backend (docs/architecture.md#exit-codes)."""
    from podstage_provider import exit_codes  # imports Airflow: only once conftest.py has set AIRFLOW_HOME

    no_retry, retry = exit_codes.StageFailedNoRetry, exit_codes.StageFailed
    return [(2, no_retry), (3, no_retry), (4, no_retry), (75, retry), (1, retry)]
