"""Writes N unique, deterministic {id, text} records for the benchmarks."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = (
    "invoice",
    "shipment",
    "delay",
    "refund",
    "warranty",
    "battery",
    "screen",
    "keyboard",
    "login",
    "password",
    "account",
    "upgrade",
    "billing",
    "outage",
    "latency",
    "report",
    "summary",
    "contract",
    "renewal",
    "discount",
    "feedback",
    "survey",
    "onboarding",
)


def text_for(index: int, rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24)))
    return f"Ticket {index}: customer writes about {words}. Summarise the request in one sentence."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with args.output.open("w", encoding="utf-8") as out:
        for index in range(args.count):
            out.write(json.dumps({"id": f"rec-{index:06d}", "text": text_for(index, rng)}) + "\n")


if __name__ == "__main__":
    main()
