"""Local execution backends: the stage as a process (``local``) or in its image under podman (``podman``).

Both run the stage with the arguments and environment the pod would get, give it an XCom file to
write, and turn its exit into what KubernetesPodOperator would: the parsed ``return.json`` on
success, :mod:`podstage_provider.exit_codes` otherwise.
"""

from __future__ import annotations

from podstage_provider.backends.base import Invocation, StageRunner
from podstage_provider.backends.local import LocalProcessRunner
from podstage_provider.backends.podman import PodmanRunner
from podstage_provider.settings import Settings


def runner_for(settings: Settings) -> StageRunner:
    if settings.execution == "local":
        return LocalProcessRunner(settings)
    if settings.execution == "podman":
        return PodmanRunner(settings)
    raise ValueError(f"no local runner for execution backend {settings.execution!r}")


__all__ = ["Invocation", "LocalProcessRunner", "PodmanRunner", "StageRunner", "runner_for"]
