"""Podstage operators: one per stage, plus human approval with an unattended mode."""

from podstage_provider.operators.approval import PodstageApprovalOperator
from podstage_provider.operators.stage import (
    EmbedOperator,
    EvaluateOperator,
    InferOperator,
    IngestOperator,
    PodstageOperator,
    PreprocessOperator,
    StoreOperator,
)

__all__ = [
    "EmbedOperator",
    "EvaluateOperator",
    "InferOperator",
    "IngestOperator",
    "PodstageApprovalOperator",
    "PodstageOperator",
    "PreprocessOperator",
    "StoreOperator",
]
