"""Podstage: AI-workflow stages (ingest, preprocess, embed, infer, store, evaluate) as Airflow operators.

The operators run each stage's container image as a Kubernetes pod, or, with the same DAG, as a
local process or a podman container (``PODSTAGE_EXECUTION``). See :mod:`podstage_provider.operators`.
"""

from __future__ import annotations

from typing import Any

from podstage_provider.version import __version__

__all__ = ["__version__", "get_provider_info"]


def get_provider_info() -> dict[str, Any]:
    """Provider metadata for Airflow's ProvidersManager (entry point ``apache_airflow_provider``)."""
    return {
        "package-name": "airflow-provider-podstage",
        "name": "Podstage",
        "description": "AI-workflow stages (ingest, preprocess, embed, infer, store, evaluate) as "
        "KubernetesPodOperator tasks that also run locally as processes or podman containers.",
        "versions": [__version__],
        "operators": [
            {
                "integration-name": "Podstage",
                "python-modules": ["podstage_provider.operators.stage", "podstage_provider.operators.approval"],
            }
        ],
        "hooks": [{"integration-name": "Podstage", "python-modules": ["podstage_provider.hooks.inference"]}],
        "integrations": [
            {
                "integration-name": "Podstage",
                "external-doc-url": "https://github.com/podstage/podstage",
                "tags": ["software"],
            }
        ],
        "connection-types": [
            {
                "connection-type": "podstage_inference",
                "hook-class-name": "podstage_provider.hooks.inference.InferenceEndpointHook",
                "hook-name": "Podstage inference endpoint",
                "conn-fields": {
                    "endpoints": {
                        "label": "Endpoints (comma-separated, primary first)",
                        "description": "Or leave empty and give host, port and path above.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "scheme": {
                        "label": "Scheme of the host above",
                        "description": "http for an endpoint inside the cluster without TLS.",
                        "schema": {"type": "string", "enum": ["https", "http"], "default": "https"},
                    },
                    "protocol": {
                        "label": "Protocol",
                        "description": "openai-chat: /chat/completions, one prompt per request; openai-embeddings: "
                        "/embeddings, batched; inputs: TGI/KServe {'inputs': [...]}, batched.",
                        "schema": {
                            "type": "string",
                            "enum": ["openai-chat", "openai-embeddings", "inputs"],
                            "default": "openai-chat",
                        },
                    },
                    "model": {"label": "Model", "schema": {"type": "string", "minLength": 1}},
                    "price_input_per_1k": {
                        "label": "Input price (USD per 1k tokens)",
                        "description": "Without prices every call counts as $0: a budget is refused (exit 2), "
                        "cost metrics stay 0, an A/B test compares $0 with $0.",
                        "schema": {"type": ["number", "null"], "minimum": 0},
                    },
                    "price_output_per_1k": {
                        "label": "Output price (USD per 1k tokens)",
                        "schema": {"type": ["number", "null"], "minimum": 0},
                    },
                    "kubernetes_secret": {
                        "label": "Kubernetes Secret with the API key (name or name:key)",
                        "schema": {"type": ["string", "null"]},
                    },
                },
                # The one definition of the form (Airflow 3 reads it from here; the hook derives its own from it).
                "ui-field-behaviour": {
                    "hidden-fields": ["login"],
                    "relabeling": {
                        "host": "Endpoint host (https unless Extra Fields → Scheme says http)",
                        "schema": "Path",
                        "password": "API key (on Kubernetes prefer Extra Fields → Kubernetes Secret)",
                    },
                    "placeholders": {"host": "api.openai.com (or list endpoints under Extra Fields)", "schema": "v1"},
                },
            }
        ],
        "notifications": ["podstage_provider.notifications.PodstageAlertNotifier"],
    }
