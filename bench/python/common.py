"""Shared helpers of the Python baselines: JSON Lines in and out, batching, timing report."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Record = dict[str, Any]
# One answer of the endpoint: {"generated_text": ..., "details": {...}}.
Answer = dict[str, Any]


@dataclass
class Tally:
    """What a baseline run did, printed as key=value lines."""

    records: int = 0
    requests: int = 0
    cache_hits: int = 0
    seconds: float = 0.0

    def report(self, prefix: str) -> None:
        rate = self.records / self.seconds if self.seconds > 0 else 0.0
        print(f"{prefix}_records={self.records}")
        print(f"{prefix}_requests={self.requests}")
        print(f"{prefix}_cache_hits={self.cache_hits}")
        print(f"{prefix}_seconds={self.seconds:.3f}")
        print(f"{prefix}_records_per_s={rate:.1f}")


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--input", type=Path, required=True, help="JSON Lines of {id, text}")
    parser.add_argument("--output", type=Path, required=True, help="JSON Lines of {id, output}")
    parser.add_argument("--url", required=True, help="the {'inputs': [...]} endpoint, e.g. http://host:port/generate")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--redis-url", default=None, help="redis://host:port/db; unset = no cache")
    parser.add_argument("--label", default="baseline", help="prefix of the printed key=value lines")
    return parser


def read_records(path: Path) -> list[Record]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def batches(records: Sequence[Record], size: int) -> Iterator[Sequence[Record]]:
    for start in range(0, len(records), size):
        yield records[start : start + size]


def output_line(record: Record, result: Answer) -> str:
    return json.dumps({"id": record["id"], "output": result["generated_text"]}) + "\n"


def write_outputs(path: Path, records: Sequence[Record], results: Sequence[Answer]) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(output_line(record, result) for record, result in zip(records, results, strict=True))


def clock() -> float:
    return time.perf_counter()
