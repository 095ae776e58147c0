"""Paths and helpers the provider tests share (a plain module: conftest modules of two test
directories would shadow each other when both run in one pytest session)."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

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


def stage_jar(stage: str) -> Path:
    return REPO / "operators" / stage / "target" / "quarkus-app" / "quarkus-run.jar"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
