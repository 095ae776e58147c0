"""The seed tutorial's way: a synchronous `requests` loop over batches with a per-item Redis cache.

Each batch of inputs is looked up item by item (`cache_inference`: key = sha256 of json.dumps(input),
one GET per item); the misses go out in one `requests.post(API_URL, json={"inputs": batch})` and
each answer is stored with its own SET ... EX 3600. One request at a time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import redis
import requests

from common import Answer, Record, Tally, base_parser, batches, clock, read_records, write_outputs


def cache_key(input_data: str) -> str:
    return hashlib.sha256(json.dumps(input_data).encode()).hexdigest()


def cached_results(cache: redis.Redis | None, texts: Sequence[str]) -> list[Answer | None]:
    if cache is None:
        return [None] * len(texts)
    hits: list[Answer | None] = []
    for text in texts:
        cached = cache.get(cache_key(text))
        hits.append(json.loads(cached) if cached else None)
    return hits


def infer(session: requests.Session, url: str, texts: list[str]) -> list[Answer]:
    response = session.post(url, json={"inputs": texts}, timeout=60)
    response.raise_for_status()
    answers: list[Answer] = response.json()
    if len(answers) != len(texts):
        raise RuntimeError(f"expected {len(texts)} answers, got {len(answers)}")
    return answers


def store(cache: redis.Redis | None, texts: Sequence[str], results: Sequence[Answer]) -> None:
    if cache is None:
        return
    for text, result in zip(texts, results, strict=True):
        cache.set(cache_key(text), json.dumps(result), ex=3600)  # 1 hour expiry


def run_batch(
    session: requests.Session, url: str, cache: redis.Redis | None, batch: Sequence[Record], tally: Tally
) -> list[Answer]:
    texts = [record["text"] for record in batch]
    results = cached_results(cache, texts)
    misses = [i for i, result in enumerate(results) if result is None]
    tally.cache_hits += len(texts) - len(misses)
    if misses:
        miss_texts = [texts[i] for i in misses]
        answers = infer(session, url, miss_texts)
        tally.requests += 1
        store(cache, miss_texts, answers)
        for i, answer in zip(misses, answers, strict=True):
            results[i] = answer
    return results


def main() -> None:
    args = base_parser(__doc__ or "").parse_args()
    start = clock()
    records = read_records(args.input)
    cache = redis.Redis.from_url(args.redis_url) if args.redis_url else None
    tally = Tally(records=len(records))
    results: list[Answer] = []
    with requests.Session() as session:
        for batch in batches(records, args.batch_size):
            results.extend(run_batch(session, args.url, cache, batch, tally))
    write_outputs(args.output, records, results)
    tally.seconds = clock() - start
    tally.report(args.label)


if __name__ == "__main__":
    main()
