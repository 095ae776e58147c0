"""Checks that two embed outputs agree: the same ids in the same order, each pair of vectors of the same
dimension with a cosine similarity of at least --min-cosine. Prints the lowest and mean cosine."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]


def read(path: Path) -> tuple[list[str], Matrix]:
    ids: list[str] = []
    rows: list[list[float]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            ids.append(record["id"])
            rows.append(record["embedding"])
    return ids, np.array(rows, dtype=np.float64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("reference", type=Path)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--min-cosine", type=float, default=0.999)
    parser.add_argument("--label", default="agreement", help="prefix of the printed key=value lines")
    args = parser.parse_args()
    ids, a = read(args.output)
    ref_ids, b = read(args.reference)
    if len(ids) != args.count or ids != ref_ids:
        expected = f"the {args.count} ids of {args.reference}, in order"
        sys.exit(f"{args.output}: {len(ids)} records, expected {expected}")
    if a.shape != (args.count, args.dim) or b.shape != a.shape:
        sys.exit(f"vectors of shape {a.shape} and {b.shape}, expected ({args.count}, {args.dim})")
    cosine = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    worst = int(np.argmin(cosine))
    print(f"{args.label}_min_cosine={cosine.min():.6f}")
    print(f"{args.label}_mean_cosine={cosine.mean():.6f}")
    if cosine[worst] < args.min_cosine:
        sys.exit(f"{ids[worst]}: cosine {cosine[worst]:.6f} below {args.min_cosine}")


if __name__ == "__main__":
    main()
