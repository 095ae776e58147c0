"""`airflow dags test` of every example DAG, on the local backend and (images permitting) under podman."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid

from e2e_support import (
    AIRFLOW,
    LARGE_LATENCY_MS,
    LARGE_MODEL,
    SMALL_MODEL,
    AirflowHome,
    require_stages,
)
from podstage_provider import ab

AB_SIDE_BY_SIDE = {"force": "both", "auto_approve": True}


def test_rag_ingest_maps_over_shards_and_a_rerun_does_no_work(
    airflow_home: AirflowHome,
):
    require_stages(airflow_home, "podstage_rag_ingest")
    airflow_home.dags_test("podstage_rag_ingest", {"shard_size": 4})
    first = airflow_home.summary("podstage_rag_ingest")
    stages = first["stages"]
    assert first["shards"] >= 3  # 12 sample documents, 4 per shard
    assert stages["preprocess"]["tasks"] == first["shards"]  # one mapped task per shard
    assert stages["embed"]["tasks"] == first["shards"]
    assert stages["ingest"]["records_out"] == 12
    assert stages["embed"]["records_out"] == stages["preprocess"]["records_out"] > 0
    assert stages["store"]["records_in"] == stages["embed"]["records_out"]
    states = airflow_home.task_states("podstage_rag_ingest", first["run_id"])
    assert states["preprocess"] == ["success"] * first["shards"]
    assert set(states["embed"]) == {"success"}

    airflow_home.dags_test("podstage_rag_ingest", {"shard_size": 4})
    second = airflow_home.summary("podstage_rag_ingest")
    assert second["run_id"] != first["run_id"]
    for name in ("ingest", "preprocess", "embed"):
        totals = second["stages"][name]
        assert totals["already_done"] == totals["tasks"], (
            name,
            totals,
        )  # the ledger answered these
    # store runs once per Airflow run (its rows carry the run id) but upserts: no row is inserted twice
    assert second["tables"], second
    for table, counts in second["tables"].items():
        assert counts["inserted"] == 0, (table, counts)


def test_llm_batch_answers_every_question_within_limits(airflow_home: AirflowHome):
    require_stages(airflow_home, "podstage_llm_batch")
    airflow_home.dags_test("podstage_llm_batch", {"shard_size": 20})
    summary = airflow_home.summary("podstage_llm_batch")
    infer = summary["stages"]["infer"]
    assert infer["tasks"] == 3  # 60 questions, 20 per shard
    assert infer["records_out"] == 60
    assert summary["thresholds"]["violations"] == []
    assert summary["thresholds"]["records"] == 60
    assert summary["stages"]["store"]["records_in"] == 60

    airflow_home.dags_test("podstage_llm_batch", {"shard_size": 20})
    rerun = airflow_home.summary("podstage_llm_batch")
    again = rerun["stages"]["infer"]
    assert again["already_done"] == 3
    assert again["cost_usd"] == 0.0  # nothing paid twice
    for table, counts in rerun["tables"].items():
        assert counts["inserted"] == 0, (table, counts)


def test_llm_batch_threshold_breach_alerts_and_fails_the_run(airflow_home: AirflowHome):
    require_stages(airflow_home, "podstage_llm_batch")
    # questions nobody asked before: answered by the (20 ms) endpoint, not by the cache or the ledger
    source = airflow_home.data / "fresh-questions.jsonl"
    source.parent.mkdir(parents=True, exist_ok=True)
    nonce = uuid.uuid4().hex
    source.write_text("".join(json.dumps({"id": f"f{i}", "text": f"{nonce} question {i}"}) + "\n" for i in range(10)))
    result = airflow_home.dags_test(
        "podstage_llm_batch",
        {"source": str(source), "shard_size": 5, "max_p95_latency_ms": 1},
        check=False,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "PODSTAGE ALERT" in output
    assert "p95 latency" in output and "> limit 1 ms" in output
    run_id = airflow_home.latest_run_id("podstage_llm_batch")
    states = airflow_home.task_states("podstage_llm_batch", run_id)
    assert states["check_thresholds"] == ["failed"]
    assert states["store"] == ["success"]


def test_ab_side_by_side_evaluates_approves_and_promotes(airflow_home: AirflowHome):
    require_stages(airflow_home, "podstage_ab_test")
    airflow_home.dags_test("podstage_ab_test", AB_SIDE_BY_SIDE)
    summary = airflow_home.summary("podstage_ab_test")
    assert summary["variants_run"] == ["a", "b"]
    assert summary["stages"]["store"]["records_in"] == 120
    evaluation = summary["evaluation"]
    a, b = evaluation["variants"]["a"], evaluation["variants"]["b"]
    # the connections' models, played by the simulator's profiles (e2e_support.LLM_SIM_OPTIONS):
    # the large one answers closer to the references, bills its reasoning tokens at a higher price and is slower
    assert (a["model"], b["model"]) == (SMALL_MODEL, LARGE_MODEL)
    assert a["records"] == b["records"] == 60  # this run's answers only (a side-by-side run)
    assert b["quality"] > a["quality"] + 0.2, evaluation
    assert b["exact_match"] > a["exact_match"], evaluation
    assert b["cost_per_record_usd"] > 2 * a["cost_per_record_usd"], evaluation
    assert b["latency_p95_ms"] >= LARGE_LATENCY_MS > a["latency_p95_ms"], evaluation
    # the default rule (quality, cost, latency): quality tells them apart first
    assert evaluation["rule"] == ["quality", "cost", "latency"]
    assert (evaluation["verdict"], evaluation["winner"], evaluation["decided_by"]) == (
        "winner",
        "b",
        "quality",
    )
    assert summary["winner"] == "b"
    states = airflow_home.task_states("podstage_ab_test", summary["run_id"])
    assert states["approve"] == ["success"]
    promoted = json.loads(
        airflow_home.airflow("variables", "get", "podstage_ab_winner").stdout.strip().splitlines()[-1]
    )
    assert promoted["winner"] == "b"
    assert promoted["variant"]["conn_id"] == "podstage_llm_candidate"
    assert promoted["run_id"] == summary["run_id"]
    rows = airflow_home.psql(
        "SELECT count(*) FROM podstage_ab_results WHERE run_id = '" + summary["run_id"].replace("'", "''") + "'"
    )
    assert int(rows) >= 1  # evaluate's row is in PostgreSQL


def _variant(conn_id: str) -> dict[str, str]:
    return {
        "conn_id": conn_id,
        "model": "",
        "prompt_template": "Answer in one sentence: {text}",
    }


def test_ab_winner_follows_the_rule_and_swaps_with_the_models(
    airflow_home: AirflowHome,
):
    require_stages(airflow_home, "podstage_ab_test")
    # the same two models judged cost first: the small model's answers are the cheaper ones
    airflow_home.dags_test("podstage_ab_test", {**AB_SIDE_BY_SIDE, "rule": "cost,quality,latency"})
    evaluation = airflow_home.summary("podstage_ab_test")["evaluation"]
    assert evaluation["variants"]["a"]["model"] == SMALL_MODEL
    assert (evaluation["winner"], evaluation["decided_by"]) == ("a", "cost"), evaluation

    # the models swapped between the variants (through the DAG's params): the winner swaps with them
    swapped = {
        **AB_SIDE_BY_SIDE,
        "variant_a": _variant("podstage_llm_candidate"),
        "variant_b": _variant("podstage_llm"),
    }
    airflow_home.dags_test("podstage_ab_test", swapped)
    summary = airflow_home.summary("podstage_ab_test")
    evaluation = summary["evaluation"]
    a, b = evaluation["variants"]["a"], evaluation["variants"]["b"]
    assert (a["model"], b["model"]) == (LARGE_MODEL, SMALL_MODEL)
    assert a["quality"] > b["quality"] + 0.2, evaluation
    assert (evaluation["winner"], evaluation["decided_by"]) == ("a", "quality"), evaluation
    assert summary["promoted"]["winner"] == "a"


def test_ab_split_takes_the_branch_the_hash_says(airflow_home: AirflowHome):
    require_stages(airflow_home, "podstage_ab_test")
    airflow_home.dags_test("podstage_ab_test", {"auto_approve": True})
    summary = airflow_home.summary("podstage_ab_test")
    expected = ab.choose(summary["run_id"], ab.DEFAULT_WEIGHTS)
    assert summary["variants_run"] == {"a": ["a"], "b": ["b"], "both": ["a", "b"]}[expected]
    states = airflow_home.task_states("podstage_ab_test", summary["run_id"])
    for name in ("a", "b"):
        ran = name in summary["variants_run"]
        assert states[f"infer_{name}"] == (["success"] if ran else ["skipped"])
    assert states["store"] == ["success"]  # the join runs after whichever variant ran
    assert states["evaluate"] == ["success"]


def test_without_auto_approve_the_run_waits_for_a_person(airflow_home: AirflowHome):
    """The approval step really asks: `airflow dags test` parks in it (and is stopped here once it does)."""
    require_stages(airflow_home, "podstage_ab_test")
    proc = subprocess.Popen(
        [
            str(AIRFLOW),
            "dags",
            "test",
            "podstage_ab_test",
            "-c",
            json.dumps({"force": "a"}),
        ],
        env=airflow_home.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    waiting = False
    deadline = time.monotonic() + 300
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Waiting for Human-in-the-loop input" in line and "approve" in line:
                waiting = True
                break
            if time.monotonic() > deadline:
                break
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # dags test keeps polling for the answer: stop it
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert waiting, "the run never reached the approval step"
    run_id = airflow_home.latest_run_id("podstage_ab_test")
    states = airflow_home.task_states("podstage_ab_test", run_id)
    assert states["approve"] == ["awaiting_input"]
    assert states["promote"][0] in (
        None,
        "None",
        "none",
        "",
    )  # not run: no promotion without an answer
