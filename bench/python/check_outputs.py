"""Checks a run's output: the expected number of records, every input id once, an output for each,
and (with --reference) the same output per id as another run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def outputs_by_id(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in found:
                raise SystemExit(f"{path}: id {record['id']} appears twice")
            found[record["id"]] = record["output"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--reference", type=Path)
    args = parser.parse_args()
    got = outputs_by_id(args.output)
    if len(got) != args.count or any(not isinstance(v, str) or not v for v in got.values()):
        sys.exit(f"{args.output}: {len(got)} records with text output, expected {args.count}")
    if args.reference is not None and got != outputs_by_id(args.reference):
        sys.exit(f"{args.output}: outputs differ from {args.reference}")


if __name__ == "__main__":
    main()
