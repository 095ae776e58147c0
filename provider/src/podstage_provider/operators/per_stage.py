"""One operator per Podstage stage: :class:`PodstageOperator` with the stage and its own parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from podstage_provider import arguments
from podstage_provider.hooks.inference import InferenceEndpoint, InferenceEndpointHook
from podstage_provider.operators.base import PodstageOperator


class IngestOperator(PodstageOperator):
    """``ingest``: files, directories or URLs → shards of JSON Lines in ``output_uri`` (a directory).

    Its XCom value has ``shards`` (a list of shard URIs) and ``shard_records``: map the next stage
    over ``shards_of(ingest)``.

    :param shards: exactly N shards. :param shard_size: about M records per shard.
    """

    stage = "ingest"
    output_is_directory = True
    stage_option_names = ("shards", "shard_size")

    def __init__(self, *, shards: int | None = None, shard_size: int | None = None, **kwargs: Any) -> None:
        self.shards = shards
        self.shard_size = shard_size
        super().__init__(**kwargs)


class PreprocessOperator(PodstageOperator):
    """``preprocess``: one shard → cleaned, deduplicated chunks (JSON Lines)."""

    stage = "preprocess"


class EmbedOperator(PodstageOperator):
    """``embed``: chunks → chunks with their embeddings (all-MiniLM-L6-v2, in-process)."""

    stage = "embed"
    stage_option_names = ("batch_size",)

    def __init__(self, *, batch_size: int | None = None, **kwargs: Any) -> None:
        self.batch_size = batch_size
        super().__init__(**kwargs)


class InferOperator(PodstageOperator):
    """``infer``: records → one answer per record from an LLM endpoint.

    :param conn_id: a ``podstage_inference`` connection: endpoints (primary first), protocol, model,
        API key (see :mod:`podstage_provider.hooks.inference`). ``None``: pass ``endpoint``,
        ``protocol`` and ``model`` in ``options`` instead.
    :param max_cost_usd: the budget of this task (exit 4 when reached: fails without retrying).
    :param prompt_template: e.g. ``"Summarise: {text}"``.
    """

    stage = "infer"
    stage_option_names = ("max_cost_usd", "prompt_template")
    template_fields: Sequence[str] = (*PodstageOperator.template_fields, "conn_id")

    def __init__(
        self,
        *,
        conn_id: str | None = InferenceEndpointHook.default_conn_name,
        max_cost_usd: float | None = None,
        prompt_template: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.conn_id = conn_id
        self.max_cost_usd = max_cost_usd
        self.prompt_template = prompt_template
        super().__init__(**kwargs)

    def resolve_connections(self) -> InferenceEndpoint | None:
        if not self.conn_id:
            return None
        return InferenceEndpointHook(self.conn_id).get_endpoint()

    def check_options(self, options: Mapping[str, Any]) -> None:
        """A model other than the connection's needs its own prices: the connection's price another model."""
        arguments.check_model_prices(self.task_id, self._endpoint, options, self._own_options())


class StoreOperator(PodstageOperator):
    """``store``: chunks with embeddings, or infer's results, upserted into PostgreSQL.

    Needs ``PODSTAGE_DB_URL`` (and the DB password: Secret on Kubernetes, environment locally).
    Given infer's XCom values as ``input``, their rejects files become ``--errors`` (error rows).

    :param kind: ``auto`` | ``chunks`` | ``results``.
    """

    stage = "store"

    def __init__(self, *, kind: str | None = None, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(**kwargs)

    def stage_options(self) -> dict[str, Any]:
        return {"kind": self.kind, "errors": arguments.rejects_of(self.input) or None}

    def read_uris(self) -> list[str]:
        return self.input_uris() + arguments.rejects_of(self.input)


class EvaluateOperator(PodstageOperator):
    """``evaluate``: compares two variants' stored results (PostgreSQL, written by ``store``) and writes an
    HTML report to ``output_uri``; its XCom value names the winner and the report's URI.

    :param variant_a: the label of variant A (``InferOperator(variant=...)``).
    :param variant_b: the label of variant B.
    :param references: JSON Lines ``{id, reference}``: expected answers to score quality against.
    """

    stage = "evaluate"
    stage_option_names = ("variant_a", "variant_b", "references")
    template_fields: Sequence[str] = (*PodstageOperator.template_fields, *stage_option_names)

    def __init__(
        self,
        *,
        variant_a: str = "a",
        variant_b: str = "b",
        references: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.variant_a = variant_a
        self.variant_b = variant_b
        self.references = references
        super().__init__(**kwargs)

    def read_uris(self) -> list[str]:
        return self.input_uris() + arguments.stage_uris(self.references)
