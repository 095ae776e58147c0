"""One operator per Podstage stage, on top of KubernetesPodOperator.

Each operator is a KubernetesPodOperator with the stage's image, arguments, environment, resources,
restricted security context and retry policy filled in. Where it runs is decided by
``PODSTAGE_EXECUTION`` when the DAG file is parsed (see :mod:`podstage_provider.settings`):
``kubernetes`` launches the pod; ``local`` and ``podman`` run the same arguments and environment as
a local process or a podman container and return the same XCom value. A DAG never changes between
backends.

Inputs are URIs or paths, a list of them, or an upstream stage's XCom value (its ``outputs`` are
used), so stages chain directly and work with dynamic task mapping::

    shards = shards_of(ingest)                       # ingest's XCom "shards", as a list to map over
    chunks = PreprocessOperator.partial(task_id="preprocess", output_dir=...).expand(input=shards)
    vectors = EmbedOperator.partial(task_id="embed", output_dir=...).expand(input=chunks.output)
    StoreOperator(task_id="store", input=vectors.output, output_uri=...)

This module is the operators' public import path; they are defined in
:mod:`podstage_provider.operators.base` (:class:`PodstageOperator`) and
:mod:`podstage_provider.operators.per_stage` (one per stage), their command line in
:mod:`podstage_provider.arguments`.
"""

from podstage_provider.arguments import (
    AIRFLOW_CONTEXT_ENV,
    PRICE_FLAGS,
    OptionValue,
    option_arguments,
    option_flag,
    stage_uris,
)
from podstage_provider.operators.base import DEFAULT_MAX_RETRY_DELAY, MAP_INDEX_TEMPLATE, PodstageOperator
from podstage_provider.operators.per_stage import (
    EmbedOperator,
    EvaluateOperator,
    InferOperator,
    IngestOperator,
    PreprocessOperator,
    StoreOperator,
)

__all__ = [
    "AIRFLOW_CONTEXT_ENV",
    "DEFAULT_MAX_RETRY_DELAY",
    "MAP_INDEX_TEMPLATE",
    "PRICE_FLAGS",
    "EmbedOperator",
    "EvaluateOperator",
    "InferOperator",
    "IngestOperator",
    "OptionValue",
    "PodstageOperator",
    "PreprocessOperator",
    "StoreOperator",
    "option_arguments",
    "option_flag",
    "stage_uris",
]
