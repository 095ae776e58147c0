"""PODSTAGE_EXECUTION=local: the stage as a process, with the pod's arguments, environment and XCom file.

The first group runs a stand-in stage (fake_stage.py) to pin down the runner's behaviour exactly; the
second runs the real infer jar against the LLM simulator (skipped, and reported, when not built).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from airflow.sdk import DAG
from airflow.sdk.exceptions import AirflowSkipException

from podstage_provider import exit_codes
from podstage_provider.operators import InferOperator, PreprocessOperator
from support import exit_code_outcomes, free_port, inference_connection, java_home, stage_jar

FAKE = Path(__file__).resolve().parents[1] / "fake_stage.py"
RUN_ID = "manual__2025-01-02T03:04:05+00:00"


@pytest.fixture
def fake_local(env, tmp_path: Path) -> Path:
    jar = tmp_path / "fake.jar"
    jar.write_text("not really a jar")
    env.setenv("PODSTAGE_EXECUTION", "local")
    env.setenv("PODSTAGE_JAVA", str(FAKE))
    env.setenv("PODSTAGE_DATA_DIR", str(tmp_path / "data"))
    for stage in ("preprocess", "infer"):
        env.setenv(f"PODSTAGE_{stage.upper()}_JAR", str(jar))
    return tmp_path


def run(op, *, try_number: int = 1, map_index: int = -1):
    ti = SimpleNamespace(
        try_number=try_number, map_index=map_index, task_id=op.task_id, dag_id=op.dag_id, run_id=RUN_ID
    )
    context = {"dag": op.dag, "task": op, "run_id": RUN_ID, "ti": ti, "task_instance": ti, "params": {}}
    op.render_template_fields(context)
    return op.execute(context)


def preprocess(tmp_path: Path, *extra: str, **kwargs) -> PreprocessOperator:
    with DAG("local_test", schedule=None, start_date=datetime(2025, 1, 1)):
        return PreprocessOperator(
            task_id="preprocess",
            input=str(tmp_path / "in.jsonl"),
            output_dir=str(tmp_path / "data" / "chunks"),
            options={f"fake_{k}": v for k, v in kwargs.pop("fake", {}).items()},
            **kwargs,
        )


def test_success_returns_the_xcom_with_the_pods_arguments_and_environment(fake_local: Path, env):
    env.setenv("PODSTAGE_REDIS_URL", "redis://127.0.0.1:6379")
    env.setenv("PODSTAGE_DB_URL", "postgresql://127.0.0.1:5432/podstage")
    env.setenv("PODSTAGE_DB_PASSWORD", "db-secret")
    op = preprocess(fake_local, variant="b")
    value = run(op, try_number=3)
    assert value["status"] == "success"
    assert value["args"][:4] == [
        "--input",
        str(fake_local / "in.jsonl"),
        "--output",
        str(fake_local / "data/chunks/in.jsonl"),
    ]
    assert value["jvm_flags"] == [
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-XX:InitialRAMPercentage=50",
        "-XX:MaxRAMPercentage=70",
        f"-XX:MaxRAM={768 * 1024 * 1024}",  # the preprocess pod's memory limit: the heap is sized as in the pod
    ]
    got = value["env"]
    assert got["AIRFLOW_CTX_DAG_ID"] == "local_test"
    assert got["AIRFLOW_CTX_TASK_ID"] == "preprocess"
    assert got["AIRFLOW_CTX_RUN_ID"] == RUN_ID
    assert got["AIRFLOW_CTX_TRY_NUMBER"] == "3"
    assert got["AIRFLOW_CTX_MAP_INDEX"] == "-1"
    assert got["PODSTAGE_VARIANT"] == "b"
    assert got["PODSTAGE_REDIS_URL"] == "redis://127.0.0.1:6379"
    assert got["PODSTAGE_DB_PASSWORD"] == "db-secret"  # what the pod reads from the Secret
    assert got["PODSTAGE_XCOM_PATH"].endswith("/xcom/return.json")
    assert (fake_local / "data" / "chunks").is_dir()  # the output's directory exists before the stage runs
    # the pod's command line is the process's command line
    pod_args = op.build_pod_request_obj(dry_run=True).spec.containers[0].args
    assert value["args"] == pod_args


def test_environment_is_the_pods_not_the_workers(fake_local: Path, env):
    env.setenv("SOME_WORKER_SECRET", "must-not-leak")
    value = run(preprocess(fake_local))
    assert "SOME_WORKER_SECRET" not in json.dumps(value)


@pytest.mark.parametrize(("code", "expected"), exit_code_outcomes())
def test_exit_codes_map_to_airflow(fake_local: Path, code: int, expected: type):
    op = preprocess(fake_local, fake={"exit": code, "reason": f"reason for {code}"})
    with pytest.raises(expected) as raised:
        run(op)
    assert str(raised.value) == f"preprocess exited {code} ({exit_codes.MEANING[code]}): reason for {code}"
    assert raised.value.exit_code == code
    if code in (2, 3, 4):
        from airflow.sdk.exceptions import AirflowFailException

        assert isinstance(raised.value, AirflowFailException)  # Airflow does not retry these


def test_skip_codes_skip(fake_local: Path):
    op = preprocess(fake_local, fake={"exit": 99, "reason": "no new input"}, skip_on_exit_code=[99])
    with pytest.raises(AirflowSkipException, match="no new input"):
        run(op)


def test_reason_falls_back_to_the_last_error_line(fake_local: Path):
    op = preprocess(fake_local, fake={"exit": 3, "reason": "7 of 10 input lines rejected", "termination_log": "no"})
    with pytest.raises(exit_codes.StageFailedNoRetry, match="7 of 10 input lines rejected"):
        run(op)


def test_exit_zero_without_xcom_is_a_failure(fake_local: Path):
    with pytest.raises(exit_codes.StageFailed, match="wrote no XCom"):
        run(preprocess(fake_local, fake={"no_xcom": "yes"}))


def test_missing_jar_says_how_to_build_it(env, tmp_path: Path):
    env.setenv("PODSTAGE_EXECUTION", "local")
    env.setenv("PODSTAGE_PREPROCESS_JAR", str(tmp_path / "absent.jar"))
    with pytest.raises(ValueError, match="preprocess stage is not built"):
        run(preprocess(tmp_path))


def test_the_native_flavour_runs_the_executable_with_the_pods_heap_ceiling(fake_local: Path, env):
    env.setenv("PODSTAGE_IMAGE_FLAVOR", "native")
    env.setenv("PODSTAGE_PREPROCESS_EXECUTABLE", str(FAKE))
    value = run(preprocess(fake_local))
    assert value["status"] == "success"
    assert value["jar"] is None  # no JVM, no jar: the executable itself
    # 70 % of the preprocess pod's 768Mi, as the executable takes of a cgroup limit itself
    assert value["jvm_flags"] == [f"-Xmx{768 * 1024 * 1024 * 7 // 10}"]
    assert value["args"][:2] == ["--input", str(fake_local / "in.jsonl")]


def test_a_missing_native_executable_says_how_to_build_it(env, tmp_path: Path):
    env.setenv("PODSTAGE_EXECUTION", "local")
    env.setenv("PODSTAGE_IMAGE_FLAVOR", "native")
    env.setenv("PODSTAGE_PREPROCESS_EXECUTABLE", str(tmp_path / "absent"))
    with pytest.raises(ValueError, match=r"native preprocess stage is not built.*images/build-native.sh preprocess"):
        run(preprocess(tmp_path))


def test_on_kill_stops_the_stage_like_an_eviction(fake_local: Path):
    op = preprocess(fake_local, fake={"sleep": 30})
    outcome: dict[str, BaseException] = {}

    def target():
        try:
            run(op)
        except BaseException as e:
            outcome["error"] = e

    thread = threading.Thread(target=target)
    started = time.monotonic()
    thread.start()
    for _ in range(100):
        if op._runner is not None and op._runner._proc is not None:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    op.on_kill()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert time.monotonic() - started < 15
    error = outcome["error"]
    assert isinstance(error, exit_codes.StageFailed)
    assert error.exit_code == 75
    assert "stopped by SIGTERM" in str(error)


# ----------------------------------------------------------------------------- the real infer stage

INFER_JAR = stage_jar("infer")
needs_infer_jar = pytest.mark.skipif(not INFER_JAR.exists(), reason=f"infer stage not built: {INFER_JAR}")


@pytest.fixture
def real_local(env, tmp_path: Path, llm_sim: str):
    home = java_home()
    if home:
        env.setenv("JAVA_HOME", home)
    env.setenv("PODSTAGE_EXECUTION", "local")
    env.setenv("PODSTAGE_DATA_DIR", str(tmp_path / "data"))
    env.setenv("PODSTAGE_METRICS_ENABLED", "false")
    env.setenv(
        "AIRFLOW_CONN_PODSTAGE_LLM",
        inference_connection(llm_sim, "sim-chat-small", price_input_per_1k=0.001, price_output_per_1k=0.002),
    )
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps({"id": f"q{i}", "text": f"question {i}"}) + "\n" for i in range(12)))
    return tmp_path


def infer(tmp_path: Path, **kwargs) -> InferOperator:
    with DAG("local_infer", schedule=None, start_date=datetime(2025, 1, 1)):
        return InferOperator(
            task_id="infer",
            input=str(tmp_path / "questions.jsonl"),
            output_uri=str(tmp_path / "data" / "answers.jsonl"),
            **kwargs,
        )


@needs_infer_jar
@pytest.mark.jar
def test_real_infer_returns_its_summary_as_xcom(real_local: Path):
    value = run(infer(real_local, variant="a"))
    assert value["stage"] == "infer"
    assert value["status"] == "success"
    assert value["records_in"] == 12 and value["records_out"] == 12
    assert value["outputs"] == [f"file://{real_local}/data/answers.jsonl"]
    assert value["metrics"]["requests"] >= 1
    assert value["metrics"]["cost_usd"] > 0
    lines = (real_local / "data" / "answers.jsonl").read_text().splitlines()
    assert len(lines) == 12
    assert all(json.loads(line)["variant"] == "a" for line in lines)


@needs_infer_jar
@pytest.mark.jar
def test_real_infer_bad_configuration_fails_without_retry_naming_the_key(real_local: Path):
    op = infer(real_local, options={"max_in_flight": "lots"})
    with pytest.raises(exit_codes.StageFailedNoRetry) as raised:
        run(op)
    assert raised.value.exit_code == 2
    assert "max-in-flight" in str(raised.value) or "max_in_flight" in str(raised.value)


@needs_infer_jar
@pytest.mark.jar
def test_real_infer_budget_reached_exits_4(real_local: Path):
    op = infer(real_local, max_cost_usd=0.000001)
    with pytest.raises(exit_codes.StageFailedNoRetry) as raised:
        run(op)
    assert raised.value.exit_code == 4
    assert "budget" in str(raised.value)


@needs_infer_jar
@pytest.mark.jar
def test_real_infer_every_endpoint_down_is_transient(real_local: Path, env):
    env.setenv(
        "AIRFLOW_CONN_DOWN_LLM",
        json.dumps(
            {
                "conn_type": "podstage_inference",
                "extra": {
                    "endpoints": [f"http://127.0.0.1:{free_port()}/v1"],
                    "protocol": "openai-chat",
                    "model": "m",
                    "max_retries": 0,
                    "timeout": "2s",
                    "max_outage": "1s",  # how long it waits for the endpoint to come back (default 5 min)
                },
            }
        ),
    )
    op = infer(real_local, conn_id="down_llm")
    with pytest.raises(exit_codes.StageFailed) as raised:
        run(op)
    assert raised.value.exit_code == 75, str(raised.value)


def test_python_is_the_airflow_venv():
    # the e2e tests run `airflow` next to this interpreter
    assert Path(sys.executable).with_name("airflow").exists()
    assert os.environ["AIRFLOW_HOME"]
