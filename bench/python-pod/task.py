"""A Python task as a team writes one for a pod: the seed tutorial's imports, then each input record read
and written out, and the XCom. bench/run kubernetes times its pod against the stages' pods. It takes the
arguments a Podstage operator passes (``--input``, ``--output``, others ignored), so the same operator
builds both pods and only the image differs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import aiohttp  # noqa: F401  the seed's concurrent LLM calls
import prometheus_client  # noqa: F401  its metrics
import redis  # noqa: F401  its cache
import requests  # noqa: F401  its retries across endpoints

XCOM = Path("/airflow/xcom/return.json")


def main() -> int:
    print("python-task ready", file=sys.stderr, flush=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args, _ = parser.parse_known_args()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(args.input, encoding="utf-8") as source, output.open("w", encoding="utf-8") as sink:
        for line in source:
            if line.strip():
                sink.write(json.dumps(json.loads(line)) + "\n")
                count += 1
    XCOM.write_text(json.dumps({"records_in": count, "records_out": count, "outputs": [str(output)]}))
    print(f"python-task done: {count} records", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
