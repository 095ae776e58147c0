"""The podstage_inference connection type and its hook."""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from podstage_provider import get_provider_info
from podstage_provider.hooks.inference import (
    PROTOCOLS,
    InferenceConnectionError,
    InferenceEndpointHook,
    parse_connection,
)


def parse(**kwargs):
    fields = {"host": None, "schema": None, "port": None, "password": None, "extra": {}}
    fields.update(kwargs)
    return parse_connection("llm", **fields)


def test_endpoints_list_protocol_model_key_and_options():
    ep = parse(
        password="sk-1",
        extra={
            "endpoints": ["https://a.example/v1", " https://b.example/v1 "],
            "protocol": "openai-embeddings",
            "model": "text-embed",
            "batch_size": 64,
            "kubernetes_secret": "keys",
        },
    )
    assert ep.endpoints == ("https://a.example/v1", "https://b.example/v1")
    assert ep.protocol == "openai-embeddings"
    assert ep.model == "text-embed"
    assert ep.api_key == "sk-1"
    assert ep.kubernetes_secret == ("keys", "api-key")
    assert ep.options == {"batch_size": 64}
    assert ep.stage_options() == {
        "batch_size": 64,
        "endpoint": ["https://a.example/v1", "https://b.example/v1"],
        "protocol": "openai-embeddings",
        "model": "text-embed",
    }
    assert "sk-1" not in repr(ep)


def test_comma_separated_endpoints_and_default_protocol():
    ep = parse(extra={"endpoints": "http://x:1/v1,http://y:2/v1", "model": "m"})
    assert ep.endpoints == ("http://x:1/v1", "http://y:2/v1")
    assert ep.protocol == "openai-chat"
    assert ep.api_key is None


def test_endpoint_built_from_host_port_schema():
    ep = parse(host="api.example.com", port=8443, schema="/v1/", extra={"model": "m", "scheme": "https"})
    assert ep.endpoints == ("https://api.example.com:8443/v1",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"extra": {"model": "m"}}, "names no endpoint"),
        ({"extra": {"endpoints": " , ", "model": "m"}}, "names no endpoint"),
        ({"extra": {"endpoints": ["ftp://x"], "model": "m"}}, "not an http"),
        ({"extra": {"endpoints": [1, 2], "model": "m"}}, "list of URLs"),
        ({"extra": {"endpoints": ["http://x"], "model": "m", "protocol": "grpc"}}, "protocol='grpc'"),
        ({"extra": {"endpoints": ["http://x"]}}, "names no model"),
        ({"extra": {"endpoints": ["http://x"], "model": "m", "kubernetes_secret": ":k"}}, "names no secret"),
        ({"extra": {"endpoints": ["http://x"], "model": "m", "price_input_per_1k": "cheap"}}, "is not a price"),
        ({"extra": {"endpoints": ["http://x"], "model": "m", "price_output_per_1k": -0.5}}, "is not a price"),
        ({"extra": {"endpoints": ["http://x"], "model": "m", "price_output_per_1k": True}}, "is not a price"),
    ],
)
def test_invalid_connections_say_what_is_wrong(kwargs, message):
    with pytest.raises(InferenceConnectionError, match=message):
        parse(**kwargs)


def test_hook_reads_a_json_connection_from_the_environment(env):
    env.setenv(
        "AIRFLOW_CONN_MY_LLM",
        json.dumps(
            {
                "conn_type": "podstage_inference",
                "password": "k",
                "extra": {"endpoints": ["http://127.0.0.1:1/v1"], "model": "m", "protocol": "inputs"},
            }
        ),
    )
    ep = InferenceEndpointHook("my_llm").get_endpoint()
    assert ep.conn_id == "my_llm"
    assert ep.protocol == "inputs"
    assert ep.api_key == "k"


def test_hook_reads_a_uri_connection(env):
    env.setenv(
        "AIRFLOW_CONN_URI_LLM", "podstage-inference://:secret@llm.internal:8080/v1?model=m1&protocol=inputs&scheme=http"
    )
    ep = InferenceEndpointHook("uri_llm").get_endpoint()
    assert ep.endpoints == ("http://llm.internal:8080/v1",)
    assert ep.model == "m1"
    assert ep.api_key == "secret"


def test_ui_field_behaviour_is_well_formed():
    behaviour = InferenceEndpointHook.get_ui_field_behaviour()
    assert set(behaviour) == {"hidden_fields", "relabeling", "placeholders"}
    assert behaviour["relabeling"]["password"].startswith("API key")
    (connection,) = get_provider_info()["connection-types"]
    assert behaviour["relabeling"] == connection["ui-field-behaviour"]["relabeling"], "one definition of the form"


def test_test_connection_reaches_endpoints(env):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        env.setenv(
            "AIRFLOW_CONN_UP",
            json.dumps(
                {
                    "conn_type": "podstage_inference",
                    "extra": {"endpoints": [f"http://127.0.0.1:{port}/v1"], "model": "m"},
                }
            ),
        )
        ok, message = InferenceEndpointHook("up").test_connection()
        assert ok, message
    finally:
        server.shutdown()
    env.setenv(
        "AIRFLOW_CONN_DOWN",
        json.dumps(
            {"conn_type": "podstage_inference", "extra": {"endpoints": [f"http://127.0.0.1:{port}/v1"], "model": "m"}}
        ),
    )
    ok, message = InferenceEndpointHook("down").test_connection()
    assert not ok
    assert "unreachable" in message


def test_prices_from_the_form_become_infer_options():
    ep = parse(
        extra={"endpoints": ["http://x"], "model": "m", "price_input_per_1k": 0.15, "price_output_per_1k": "0.6"}
    )
    assert ep.stage_options()["price_input_per_1k"] == 0.15
    assert ep.stage_options()["price_output_per_1k"] == "0.6"


def test_the_form_offers_protocol_and_scheme_as_choices_with_defaults_and_asks_for_prices():
    (connection,) = get_provider_info()["connection-types"]
    fields = connection["conn-fields"]
    assert fields["protocol"]["schema"]["enum"] == list(PROTOCOLS)
    assert fields["protocol"]["schema"]["default"] == "openai-chat"
    assert None not in fields["protocol"]["schema"]["enum"]
    assert fields["scheme"]["schema"] == {"type": "string", "enum": ["https", "http"], "default": "https"}
    assert fields["model"]["schema"] == {"type": "string", "minLength": 1}, "required in the form, as at run time"
    for price in ("price_input_per_1k", "price_output_per_1k"):
        assert fields[price]["schema"]["minimum"] == 0
        assert "USD per 1k tokens" in fields[price]["label"]
