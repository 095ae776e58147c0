"""Python baseline of the embed stage: all-MiniLM-L6-v2 on onnxruntime + tokenizers, the Python way.

The same model and tokenizer files as the Java stage (extracted from the langchain4j jar), the same batch
size and the same number of threads: one InferenceSession with intra_op_num_threads=--threads; texts sorted
by length into batches as sentence-transformers' encode does; WordPiece truncated at 256 tokens
(sentence-transformers' max_seq_length for this model) and padded to each batch's longest text; mean
pooling over the attention mask; L2 normalisation. Writes {id, embedding} JSON Lines in input order.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Tokenizer

from common import Record, clock, read_records

MAX_TOKENS = 256
Vectors = npt.NDArray[np.float32]


def load_tokenizer(path: Path) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest, not the file's fixed 128
    return tokenizer


def load_session(path: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def embed(session: ort.InferenceSession, tokenizer: Tokenizer, texts: list[str]) -> Vectors:
    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": mask}
    if any(i.name == "token_type_ids" for i in session.get_inputs()):
        feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
    hidden: Vectors = session.run(None, feeds)[0]
    weights = mask[:, :, None].astype(np.float32)
    mean = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.clip(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12, None)
    return (mean / norms).astype(np.float32)


def embed_all(session: ort.InferenceSession, tokenizer: Tokenizer, texts: list[str], size: int) -> list[Vectors]:
    """As sentence-transformers' encode: sorted by length (less padding), vectors in input order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors: list[Vectors] = [np.empty(0, dtype=np.float32)] * len(texts)
    for start in range(0, len(order), size):
        batch = order[start : start + size]
        for i, vector in zip(batch, embed(session, tokenizer, [texts[i] for i in batch]), strict=True):
            vectors[i] = vector
    return vectors


def write(path: Path, records: Sequence[Record], vectors: Sequence[Vectors]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record, vector in zip(records, vectors, strict=True):
            out.write(json.dumps({"id": record["id"], "embedding": vector.tolist()}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, required=True, help="JSON Lines of {id, text}")
    parser.add_argument("--output", type=Path, required=True, help="JSON Lines of {id, embedding}")
    parser.add_argument("--model", type=Path, required=True, help="all-minilm-l6-v2.onnx")
    parser.add_argument("--tokenizer", type=Path, required=True, help="all-minilm-l6-v2-tokenizer.json")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--label", default="python", help="prefix of the printed key=value lines")
    args = parser.parse_args()

    start = clock()
    tokenizer = load_tokenizer(args.tokenizer)
    session = load_session(args.model, args.threads)
    loaded = clock()
    records = read_records(args.input)
    vectors = embed_all(session, tokenizer, [record["text"] for record in records], args.batch_size)
    write(args.output, records, vectors)
    done = clock()

    print(f"{args.label}_records={len(records)}")
    print(f"{args.label}_load_s={loaded - start:.3f}")
    print(f"{args.label}_embed_s={done - loaded:.3f}")
    print(f"{args.label}_chunks_per_s={len(records) / (done - loaded):.1f}")
    print(f"{args.label}_total_chunks_per_s={len(records) / (done - start):.1f}")


if __name__ == "__main__":
    main()
