"""The tutorial's way of storing rows: psycopg, one executemany INSERT ... ON CONFLICT per batch.

Reads embed-shaped chunk records (gen_chunks.py) and upserts them in batches into tables shaped
like the store stage's (podstage_documents, podstage_chunks with a real[] embedding), in a schema
of their own: per batch, one executemany for the batch's documents and one for its chunks, then a
commit. ON CONFLICT ... DO UPDATE rewrites every conflicting row, as the tutorial does. Prints
key=value lines: <label>_rows, <label>_seconds (reading the input to the last commit),
<label>_rows_per_s.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from common import Record, batches, clock, read_records

DDL = (
    """CREATE TABLE IF NOT EXISTS podstage_documents (
        doc_id text PRIMARY KEY,
        model text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS podstage_chunks (
        id text PRIMARY KEY,
        doc_id text NOT NULL REFERENCES podstage_documents (doc_id) ON DELETE CASCADE,
        chunk_index integer NOT NULL,
        text text NOT NULL,
        embedding real[] NOT NULL,
        model text NOT NULL,
        metadata jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now())""",
    "CREATE INDEX IF NOT EXISTS podstage_chunks_doc ON podstage_chunks (doc_id, chunk_index)",
)

UPSERT_DOCUMENT = """
    INSERT INTO podstage_documents (doc_id, model) VALUES (%s, %s)
    ON CONFLICT (doc_id) DO UPDATE SET model = excluded.model, updated_at = now()"""

UPSERT_CHUNK = """
    INSERT INTO podstage_chunks (id, doc_id, chunk_index, text, embedding, model, metadata)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (id) DO UPDATE SET doc_id = excluded.doc_id, chunk_index = excluded.chunk_index,
        text = excluded.text, embedding = excluded.embedding, model = excluded.model,
        metadata = excluded.metadata, updated_at = now()"""


def store_batch(conn: psycopg.Connection, batch: Sequence[Record]) -> None:
    documents = {record["doc_id"]: record["model"] for record in batch}
    with conn.cursor() as cur:
        cur.executemany(UPSERT_DOCUMENT, sorted(documents.items()))
        cur.executemany(
            UPSERT_CHUNK,
            [
                (
                    record["id"],
                    record["doc_id"],
                    record["chunk_index"],
                    record["text"],
                    record["embedding"],
                    record["model"],
                    Jsonb(record.get("metadata")),
                )
                for record in batch
            ],
        )
    conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, required=True, help="JSON Lines of chunks (gen_chunks.py)")
    parser.add_argument("--dsn", required=True, help="e.g. postgresql://user:password@127.0.0.1:5432/db")
    parser.add_argument("--schema", default="public", help="schema the tables live in (created if missing)")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--label", default="python")
    args = parser.parse_args()
    with psycopg.connect(args.dsn) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(args.schema)))
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(args.schema)))
        for statement in DDL:
            conn.execute(statement)
        conn.commit()
        start = clock()
        records = read_records(args.input)
        for batch in batches(records, args.batch_size):
            store_batch(conn, batch)
        seconds = clock() - start
    rate = len(records) / seconds if seconds > 0 else 0.0
    print(f"{args.label}_rows={len(records)}")
    print(f"{args.label}_seconds={seconds:.3f}")
    print(f"{args.label}_rows_per_s={rate:.1f}")


if __name__ == "__main__":
    main()
