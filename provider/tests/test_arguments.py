"""A stage's command line and environment from an operator's parameters (podstage_provider.arguments)."""

from __future__ import annotations

import pytest

from podstage_provider import arguments
from podstage_provider.arguments import option_arguments, stage_uris
from podstage_provider.hooks.inference import InferenceEndpoint


def test_stage_uris_and_option_arguments():
    assert stage_uris([{"outputs": ["u1"]}, None, "u2", ["u3"]]) == ["u1", "u2", "u3"]
    with pytest.raises(ValueError, match="without 'outputs'"):
        stage_uris({"shards": []})
    with pytest.raises(TypeError):
        stage_uris(3.5)
    assert option_arguments({"a_b": True, "c": [1, 2], "d": None, "e": "", "--f": 0}) == [
        "--a-b",
        "true",
        "--c",
        "1",
        "--c",
        "2",
        "--f",
        "0",
    ]
    with pytest.raises(TypeError, match="option 'model': a mapping is no command-line value"):
        option_arguments({"model": {"name": "m"}})


ENDPOINT = InferenceEndpoint(conn_id="llm", endpoints=("https://e/v1",), protocol="openai-chat", model="small")


def test_an_operator_that_cannot_be_honoured_is_refused_before_anything_is_built():
    with pytest.raises(TypeError, match="X names no Podstage stage"):
        arguments.check_operator_arguments("X", "", {}, None, None)
    with pytest.raises(TypeError, match="X builds cmds itself"):
        arguments.check_operator_arguments("X", "infer", {"cmds": ["sh"]}, None, None)
    with pytest.raises(ValueError, match="X: give output_uri or output_dir, not both"):
        arguments.check_operator_arguments("X", "infer", {}, "/o", "/d")
    arguments.check_operator_arguments("X", "infer", {"cmds": [], "arguments": None}, "/o", None)


def test_the_command_line_is_inputs_output_then_options():
    own = arguments.own_options({"shard_size": 5, "shards": None}, {"text_field": "body", "format": ""})
    assert own == {"--shard-size": 5, "--text-field": "body"}
    options = arguments.merged_options({"max_in_flight": 8, "text-field": "title"}, own)
    assert options == {"--max-in-flight": 8, "--text-field": "body", "--shard-size": 5}  # the task's own win
    assert arguments.stage_arguments(["/a", "/b"], "/out", {"--shards": 2}) == [
        "--input",
        "/a",
        "--input",
        "/b",
        "--output",
        "/out",
        "--shards",
        "2",
    ]
    assert arguments.stage_arguments([], None, {}) == []


def test_an_output_directory_names_the_output_after_the_first_input():
    assert arguments.output_in_directory("t", "/out/", ["file:///in/s-1.jsonl", "/x"]) == "/out/s-1.jsonl"
    assert arguments.output_in_directory("t", "/out", ["/in/part/"]) == "/out/part.jsonl"
    with pytest.raises(ValueError, match="t: output_dir needs an input to name the output after"):
        arguments.output_in_directory("t", "/out", [])
    assert arguments.input_label(["file:///in/shard-00001-of-00002.jsonl"]) == "shard-00001-of-00002"
    assert arguments.input_label([]) == ""


def test_only_plain_values_become_arguments_before_rendering():
    assert arguments.is_plain({"a": [1, "x", None, 2.5, True]})
    assert not arguments.is_plain({1: "x"})
    assert not arguments.is_plain([object()])


def test_infers_rejects_become_inputs_of_store():
    values = [{"rejects_uri": "/r1", "rejects": 2}, {"rejects_uri": "/r2", "rejects": 0}, None, "/not-a-value"]
    assert arguments.rejects_of(values) == ["/r1"]
    assert arguments.rejects_of({"rejects_uri": "/r", "rejects": "3"}) == ["/r"]
    assert arguments.rejects_of("/x") == []


def test_a_model_override_needs_its_own_prices():
    arguments.check_model_prices("t", None, {"--model": "large"}, {})
    arguments.check_model_prices("t", ENDPOINT, {"--model": "small"}, {})
    arguments.check_model_prices("t", ENDPOINT, {"--model": "large"}, dict.fromkeys(arguments.PRICE_FLAGS, 1.0))
    with pytest.raises(ValueError, match=r"t: options override the model of connection 'llm' \(small → large\) but "):
        arguments.check_model_prices("t", ENDPOINT, {"--model": "large"}, {"--price-input-per-1k": 1.0})


def test_the_stage_environment_is_context_services_variant_then_the_tasks():
    env = arguments.stage_env({"PODSTAGE_DB_URL": "db", "PODSTAGE_VARIANT": "x"}, "b", {"PODSTAGE_DB_URL": "mine"})
    assert env == {**arguments.AIRFLOW_CONTEXT_ENV, "PODSTAGE_DB_URL": "mine", "PODSTAGE_VARIANT": "b"}
    assert "PODSTAGE_VARIANT" not in arguments.stage_env({}, None, {})
    assert arguments.extra_env("X", {"A": "1", "B": "1"}, {"B": "2"}) == {"A": "1", "B": "2"}
    with pytest.raises(TypeError, match=r"X: pass extra environment as env=\{name: value\}"):
        arguments.extra_env("X", [("A", "1")], None)


def test_what_a_local_run_reads_writes_and_skips_on():
    uris = ["file:///d/a.jsonl", "/d/b.jsonl", "s3://bucket/c.jsonl"]
    assert arguments.local_inputs(uris) == ("/d/a.jsonl", "/d/b.jsonl")
    assert arguments.local_write_dirs("file:///d/out/x.jsonl", False) == ("/d/out",)
    assert arguments.local_write_dirs("/d/shards", True) == ("/d/shards",)
    assert arguments.local_write_dirs("s3://bucket/x", False) == ()
    assert arguments.local_write_dirs(None, False) == ()
    assert arguments.skip_codes(99) == (99,)
    assert arguments.skip_codes([3, 4]) == (3, 4)
    assert arguments.skip_codes(None) == ()
