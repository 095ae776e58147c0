"""Hooks of the Podstage provider."""

from podstage_provider.hooks.inference import InferenceEndpoint, InferenceEndpointHook

__all__ = ["InferenceEndpoint", "InferenceEndpointHook"]
