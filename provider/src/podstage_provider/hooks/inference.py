"""The ``podstage_inference`` connection type: where an inference endpoint is and how to talk to it.

Endpoints and keys live in Airflow Connections, never in DAG code. A connection holds:

* the endpoints, in order of preference (primary first, then fallbacks such as other regions):
  the extra ``endpoints`` (a list or a comma-separated string), or else the URL built from the
  connection's scheme (extra ``scheme``, default ``https``), host, port and schema (the path);
* the protocol (extra ``protocol``: ``openai-chat`` | ``openai-embeddings`` | ``inputs``);
* the model (extra ``model``);
* the API key: the connection's password. On Kubernetes the key should come from a Secret instead:
  extra ``kubernetes_secret`` = ``"name"`` or ``"name:key"`` (key defaults to ``api-key``);
* the prices of the model, USD per 1,000 tokens (extras ``price_input_per_1k`` and
  ``price_output_per_1k``, fields of the form): without them every call counts as $0, the stage
  says so (a warning, ``"pricing": "missing"`` in its XCom) and refuses a budget (exit 2);
* optional stage options as further extras (``max_in_flight``, ``batch_size``, ``timeout``,
  ``max_tokens``, ...), passed to ``infer`` as ``--max-in-flight`` etc. The operator's own
  ``options`` win over these; an operator that overrides the model must give its prices too.

Example (environment)::

    AIRFLOW_CONN_PODSTAGE_LLM='{"conn_type": "podstage_inference", "password": "sk-...",
      "extra": {"endpoints": ["https://api.openai.com/v1", "https://eu.example.com/v1"],
                "protocol": "openai-chat", "model": "gpt-4o-mini", "kubernetes_secret": "llm-key:api-key",
                "price_input_per_1k": 0.00015, "price_output_per_1k": 0.0006}}'
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from airflow.sdk import BaseHook

PROTOCOLS = ("openai-chat", "openai-embeddings", "inputs")
PRICE_EXTRAS = ("price_input_per_1k", "price_output_per_1k")

#: Extras that are the connection's own, not infer options.
_RESERVED_EXTRAS = frozenset({"endpoints", "protocol", "model", "scheme", "kubernetes_secret"})


class InferenceConnectionError(ValueError):
    """The connection cannot be used; the message names the connection and the field."""


@dataclass(frozen=True)
class InferenceEndpoint:
    """A resolved ``podstage_inference`` connection. ``api_key`` never appears in ``repr``."""

    conn_id: str
    endpoints: tuple[str, ...]
    protocol: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    kubernetes_secret: tuple[str, str] | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def stage_options(self) -> dict[str, Any]:
        """The infer options this connection stands for (never the key): endpoints, protocol, model, extras."""
        return {**self.options, "endpoint": list(self.endpoints), "protocol": self.protocol, "model": self.model}


def _split_secret(raw: str, conn_id: str) -> tuple[str, str]:
    name, _, key = raw.partition(":")
    if not name.strip():
        raise InferenceConnectionError(f"connection {conn_id!r}: extra kubernetes_secret={raw!r} names no secret")
    return name.strip(), (key.strip() or "api-key")


def parse_connection(
    conn_id: str,
    *,
    host: str | None,
    schema: str | None,
    port: int | None,
    password: str | None,
    extra: dict[str, Any],
) -> InferenceEndpoint:
    """Turns connection fields into an :class:`InferenceEndpoint`, or says which field is wrong."""
    secret_raw = extra.get("kubernetes_secret")
    return InferenceEndpoint(
        conn_id=conn_id,
        endpoints=_endpoints(conn_id, host, schema, port, extra),
        protocol=_protocol(conn_id, extra),
        model=_model(conn_id, extra),
        api_key=password or None,
        kubernetes_secret=_split_secret(str(secret_raw), conn_id) if secret_raw else None,
        options=_options(conn_id, extra),
    )


def _options(conn_id: str, extra: dict[str, Any]) -> dict[str, Any]:
    options = {k: v for k, v in extra.items() if k not in _RESERVED_EXTRAS and v not in (None, "")}
    for price in PRICE_EXTRAS:
        if price in options:
            value = options[price]
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = -1.0
            if isinstance(value, bool) or not number >= 0:
                raise InferenceConnectionError(
                    f"connection {conn_id!r}: {price}={value!r} is not a price (USD per 1k tokens, 0 or more)"
                )
    return options


def _endpoints(
    conn_id: str, host: str | None, schema: str | None, port: int | None, extra: dict[str, Any]
) -> tuple[str, ...]:
    """The extra ``endpoints`` (a list or a comma-separated string), else the URL of scheme, host, port and path."""
    raw = extra.get("endpoints")
    if isinstance(raw, str):
        endpoints = [e.strip() for e in raw.split(",") if e.strip()]
    elif isinstance(raw, list) and all(isinstance(e, str) for e in raw):
        endpoints = [e.strip() for e in raw if e.strip()]
    elif raw:
        raise InferenceConnectionError(
            f"connection {conn_id!r}: extra endpoints must be a list of URLs or a comma-separated string"
        )
    else:
        endpoints = []
    if not endpoints and host:
        scheme = str(extra.get("scheme") or "https")
        netloc = host if port is None else f"{host}:{port}"
        path = f"/{schema.strip('/')}" if schema else ""
        endpoints = [f"{scheme}://{netloc}{path}"]
    if not endpoints:
        raise InferenceConnectionError(f"connection {conn_id!r} names no endpoint: set host, or extra endpoints")
    for url in endpoints:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InferenceConnectionError(f"connection {conn_id!r}: endpoint {url!r} is not an http(s) URL")
    return tuple(endpoints)


def _protocol(conn_id: str, extra: dict[str, Any]) -> str:
    protocol = str(extra.get("protocol") or "openai-chat")
    if protocol not in PROTOCOLS:
        raise InferenceConnectionError(
            f"connection {conn_id!r}: protocol={protocol!r} (allowed: {', '.join(PROTOCOLS)})"
        )
    return protocol


def _model(conn_id: str, extra: dict[str, Any]) -> str:
    model = extra.get("model")
    if not model or not isinstance(model, str):
        raise InferenceConnectionError(f"connection {conn_id!r} names no model: set extra model")
    return model


class InferenceEndpointHook(BaseHook):
    """Reads a ``podstage_inference`` connection: endpoints, protocol, model and API key."""

    conn_name_attr = "podstage_inference_conn_id"
    default_conn_name = "podstage_llm"
    conn_type = "podstage_inference"
    hook_name = "Podstage inference endpoint"

    def __init__(self, podstage_inference_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.podstage_inference_conn_id = podstage_inference_conn_id

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """The provider info's form (one definition: Airflow 3 reads that one), in the hook's older shape."""
        from podstage_provider import get_provider_info  # noqa: PLC0415 - the package imports this module

        (connection,) = get_provider_info()["connection-types"]
        behaviour = connection["ui-field-behaviour"]
        return {
            "hidden_fields": list(behaviour["hidden-fields"]),
            "relabeling": dict(behaviour["relabeling"]),
            "placeholders": dict(behaviour["placeholders"]),
        }

    def get_endpoint(self) -> InferenceEndpoint:
        conn = self.get_connection(self.podstage_inference_conn_id)
        extra = conn.extra_dejson
        return parse_connection(
            self.podstage_inference_conn_id,
            host=conn.host,
            schema=conn.schema,
            port=conn.port,
            password=conn.password,
            extra=extra if isinstance(extra, dict) else {},
        )

    def get_conn(self) -> InferenceEndpoint:
        return self.get_endpoint()

    def test_connection(self) -> tuple[bool, str]:
        """Reaches every endpoint once (any HTTP answer counts as reachable; the key is not checked)."""
        try:
            endpoint = self.get_endpoint()
        except Exception as e:
            return False, str(e)
        unreachable = []
        for url in endpoint.endpoints:
            try:
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - http(s) checked in parse_connection
                    pass
            except urllib.error.HTTPError:
                continue  # it answered
            except Exception as e:
                unreachable.append(f"{url}: {e}")
        if unreachable:
            return False, "unreachable: " + "; ".join(unreachable)
        return (
            True,
            f"{len(endpoint.endpoints)} endpoint(s) reachable; protocol {endpoint.protocol}, model {endpoint.model}",
        )
