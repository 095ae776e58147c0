"""PODSTAGE_EXECUTION=podman: the stage image run the way the pod runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from airflow.sdk import DAG

from podstage_provider import exit_codes
from podstage_provider.backends import Invocation, PodmanRunner
from podstage_provider.backends.base import Workspace
from podstage_provider.backends.podman import CONTAINERS_CONF, containers_conf
from podstage_provider.operators import InferOperator
from podstage_provider.settings import Settings
from support import REPO, inference_connection


def runner(tmp_path: Path, **env: str) -> PodmanRunner:
    return PodmanRunner(
        Settings.from_env(
            {
                "PODSTAGE_EXECUTION": "podman",
                "PODSTAGE_DATA_DIR": str(tmp_path / "data"),
                "HOME": str(tmp_path),
                "PATH": "/usr/bin:/bin",
                **env,
            }
        )
    )


def test_command_is_read_only_host_network_with_xcom_and_data_mounts(tmp_path: Path):
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "q.jsonl").write_text("{}\n")
    inv = Invocation(
        stage="infer",
        arguments=["--input", str(samples / "q.jsonl"), "--output", str(tmp_path / "data/out/a.jsonl")],
        env={"AIRFLOW_CTX_DAG_ID": "d", "PODSTAGE_REDIS_URL": "redis://127.0.0.1:6379"},
        secret_env={"PODSTAGE_INFER_API_KEY": "sk-very-secret"},
        inputs=(str(samples / "q.jsonl"), "https://example.com/remote.jsonl"),
        write_dirs=(str(tmp_path / "data/out"),),
    )
    ws = Workspace(xcom_dir=tmp_path / "xcom", termination_log=tmp_path / "term")
    cmd, env = runner(tmp_path).command(inv, ws)
    assert cmd[:4] == ["podman", "run", "--rm", "--read-only"]
    assert cmd[cmd.index("--network") + 1] == "host"
    assert cmd[cmd.index("--memory") + 1] == str(768 * 1024 * 1024)  # the infer pod's limit: the JVM's heap follows it
    mounts = [cmd[i + 1] for i, a in enumerate(cmd) if a == "-v"]
    data = str(tmp_path / "data")
    assert f"{tmp_path / 'xcom'}:/airflow/xcom" in mounts
    assert f"{tmp_path / 'term'}:/dev/termination-log" in mounts
    assert f"{data}:{data}" in mounts  # same absolute path: file URIs match the local backend
    assert f"{samples / 'q.jsonl'}:{samples / 'q.jsonl'}:ro" in mounts  # an input outside the data dir, read-only
    assert len(mounts) == 4  # the URL input is not mounted
    assert cmd[-5:] == ["localhost/podstage/infer:0.1.0", *inv.arguments]
    passed = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--env"]
    assert sorted(passed) == ["AIRFLOW_CTX_DAG_ID", "PODSTAGE_INFER_API_KEY", "PODSTAGE_REDIS_URL"]
    assert "sk-very-secret" not in " ".join(cmd)  # values travel in podman's environment only
    assert env["PODSTAGE_INFER_API_KEY"] == "sk-very-secret"
    assert env["CONTAINERS_CONF"].endswith("podstage/containers.conf")


def test_containers_conf_is_the_one_scripts_podman_env_sh_writes(tmp_path: Path):
    script = REPO / "scripts" / "podman-env.sh"
    out = subprocess.run(
        ["bash", "-c", f'. "{script}" && printf %s "$CONTAINERS_CONF"'],
        env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "sh"), "PATH": os.environ["PATH"]},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    from_script = Path(out).read_text()
    ours = Path(containers_conf({"XDG_CONFIG_HOME": str(tmp_path / "py")})).read_text()
    assert ours == from_script == CONTAINERS_CONF
    assert containers_conf({"CONTAINERS_CONF": "/etc/mine.conf"}) == "/etc/mine.conf"


@pytest.mark.parametrize("code", [125, 126, 127])
def test_podmans_own_exit_codes_are_not_stage_codes(code: int, tmp_path: Path):
    assert runner(tmp_path).runner_failure(code) is not None
    assert runner(tmp_path).runner_failure(3) is None


# ----------------------------------------------------------------------------- the real infer image

IMAGE = "localhost/podstage/infer:0.1.0"


def _image_present() -> bool:
    if not shutil.which("podman"):
        return False
    conf = containers_conf(dict(os.environ))
    result = subprocess.run(
        ["podman", "image", "exists", IMAGE],
        env={**os.environ, "CONTAINERS_CONF": conf},
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


needs_image = pytest.mark.skipif(not _image_present(), reason=f"podman or the image {IMAGE} is missing")


@needs_image
@pytest.mark.podman
def test_real_infer_image_returns_the_same_xcom_shape(env, tmp_path: Path, llm_sim: str):
    env.setenv("PODSTAGE_EXECUTION", "podman")
    env.setenv("PODSTAGE_DATA_DIR", str(tmp_path / "data"))
    env.setenv("PODSTAGE_METRICS_ENABLED", "false")
    env.setenv("AIRFLOW_CONN_PODSTAGE_LLM", inference_connection(llm_sim, "m", password="k"))
    questions = tmp_path / "in" / "q.jsonl"
    questions.parent.mkdir()
    questions.write_text("".join(json.dumps({"id": f"q{i}", "text": f"t{i}"}) + "\n" for i in range(5)))
    with DAG("podman_test", schedule=None, start_date=datetime(2025, 1, 1)):
        op = InferOperator(task_id="infer", input=str(questions), output_uri=str(tmp_path / "data/a/answers.jsonl"))
        bad = InferOperator(
            task_id="bad",
            input=str(questions),
            output_uri=str(tmp_path / "data/a/b.jsonl"),
            options={"protocol": "carrier-pigeon"},
        )
    for task in (op, bad):
        ti = SimpleNamespace(try_number=1, map_index=-1, task_id=task.task_id, dag_id=task.dag_id, run_id="r")
        context = {"dag": task.dag, "task": task, "run_id": "r", "ti": ti, "task_instance": ti, "params": {}}
        task.render_template_fields(context)
        if task is op:
            value = task.execute(context)
        else:
            with pytest.raises(exit_codes.StageFailedNoRetry) as raised:
                task.execute(context)
    assert value["status"] == "success"
    assert value["records_out"] == 5
    assert value["outputs"] == [f"file://{tmp_path}/data/a/answers.jsonl"]
    assert (tmp_path / "data/a/answers.jsonl").read_text().count("\n") == 5
    assert raised.value.exit_code == 2
    assert "carrier-pigeon" in str(raised.value)
