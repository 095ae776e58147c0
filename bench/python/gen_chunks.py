"""Writes N deterministic chunk records shaped like embed's output, for the store benchmark.

Each record: {"id", "doc_id", "chunk_index", "text", "embedding" (DIM floats, L2-normalised),
"model", "metadata"}; ten chunks per document. The same --count/--seed always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

CHUNKS_PER_DOC = 10
MODEL = "all-MiniLM-L6-v2"


def embedding(rng: random.Random, dim: int) -> list[float]:
    values = [rng.gauss(0.0, 1.0) for _ in range(dim)]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [round(v / norm, 8) for v in values]


def chunk(index: int, rng: random.Random, dim: int) -> dict[str, object]:
    doc, position = divmod(index, CHUNKS_PER_DOC)
    return {
        "id": f"doc-{doc:06d}#{position}",
        "doc_id": f"doc-{doc:06d}",
        "chunk_index": position,
        "text": f"Document {doc}, part {position}: a paragraph of about this length, as a chunker cuts it.",
        "embedding": embedding(rng, dim),
        "model": MODEL,
        "metadata": {"source": f"s3://corpus/doc-{doc:06d}.txt", "chars": 88},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with args.output.open("w", encoding="utf-8") as out:
        for index in range(args.count):
            out.write(json.dumps(chunk(index, rng, args.dim), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
