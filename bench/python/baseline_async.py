"""The tutorial's async way: asyncio + aiohttp, `gather` over every batch, a Semaphore bounding in-flight.

Same batches (32 inputs) and the same number of requests in flight (8) as the Java run; no cache.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import aiohttp

from common import Answer, Record, Tally, base_parser, batches, clock, read_records, write_outputs


async def fetch(session: aiohttp.ClientSession, gate: asyncio.Semaphore, url: str, texts: list[str]) -> list[Answer]:
    async with gate, session.post(url, json={"inputs": texts}) as response:
        response.raise_for_status()
        answers: list[Answer] = await response.json()
    if len(answers) != len(texts):
        raise RuntimeError(f"expected {len(texts)} answers, got {len(answers)}")
    return answers


async def infer_all(url: str, chunks: Sequence[Sequence[Record]], in_flight: int) -> list[list[Answer]]:
    gate = asyncio.Semaphore(in_flight)
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        tasks = [fetch(session, gate, url, [record["text"] for record in chunk]) for chunk in chunks]
        return await asyncio.gather(*tasks)


def main() -> None:
    args = base_parser(__doc__ or "").parse_args()
    if args.redis_url:
        print("# baseline_async: --redis-url ignored, this baseline has no cache")
    start = clock()
    records = read_records(args.input)
    chunks = list(batches(records, args.batch_size))
    answers = asyncio.run(infer_all(args.url, chunks, args.in_flight))
    results = [answer for chunk_answers in answers for answer in chunk_answers]
    write_outputs(args.output, records, results)
    tally = Tally(records=len(records), requests=len(chunks), seconds=clock() - start)
    tally.report(args.label)


if __name__ == "__main__":
    main()
