"""What the provider knows about each stage: its image name and its pod's resources.

Requests are what a stage needs to make steady progress on the sample sizes the examples use;
limits leave room for a burst (JIT at start, a large batch) without letting one shard starve a node.
``embed`` runs an ONNX model in-process (model + runtime ~200 MB, several threads) and gets the most;
``infer`` waits on the network and gets the least CPU. Every stage's request, with the XCom sidecar's,
fits a node of 2 vCPUs next to a few small pods (``embed`` asks 1.5 CPU, not 2: at 2 the sidecar's 1m
alone made it unschedulable on such a node; its limit of 4 lets it use every idle core).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUANTITY = re.compile(r"^([0-9]+)(Ki|Mi|Gi|Ti|k|M|G|T)?$")
_UNITS = {
    None: 1,
    "Ki": 1 << 10,
    "Mi": 1 << 20,
    "Gi": 1 << 30,
    "Ti": 1 << 40,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
}


def memory_bytes(quantity: str) -> int:
    """A Kubernetes memory quantity (``768Mi``, ``3Gi``, ``1G``, ``512``) in bytes."""
    match = _QUANTITY.match(quantity.strip())
    if match is None:
        raise ValueError(f"not a memory quantity: {quantity!r} (expected e.g. 768Mi, 3Gi, 1G)")
    return int(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class StageSpec:
    name: str
    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str
    #: emptyDir size for /tmp (embed unpacks native libraries there).
    tmp_size: str = "256Mi"

    def memory_limit_bytes(self) -> int:
        """The pod's memory limit: what a local run gives the stage too (the JVM sizes its heap from it)."""
        return memory_bytes(self.memory_limit)

    def resources(self) -> dict[str, dict[str, str]]:
        return {
            "requests": {"cpu": self.cpu_request, "memory": self.memory_request},
            "limits": {"cpu": self.cpu_limit, "memory": self.memory_limit},
        }


STAGES: dict[str, StageSpec] = {
    spec.name: spec
    for spec in (
        StageSpec("ingest", "250m", "1", "384Mi", "768Mi"),
        StageSpec("preprocess", "500m", "1", "384Mi", "768Mi"),
        StageSpec("embed", "1500m", "4", "1536Mi", "3Gi", tmp_size="1Gi"),
        StageSpec("infer", "250m", "1", "384Mi", "768Mi"),
        StageSpec("store", "250m", "1", "384Mi", "768Mi"),
        StageSpec("evaluate", "500m", "1", "512Mi", "1Gi"),
    )
}
