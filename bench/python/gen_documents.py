"""Writes N deterministic documents of mixed HTML, Markdown and plain text for the preprocess benchmark.

Each line is {"id", "text", "metadata": {"format"}}. The texts carry what preprocess has to clean:
markup, entities, decomposed accents (NFD), non-breaking spaces, tabs, stray control characters and
blank-line runs. About 1% of documents repeat an earlier text under a new id (dedupe has work) and
about 0.5% are empty once cleaned.
"""

from __future__ import annotations

import argparse
import json
import random
import unicodedata
from collections.abc import Callable
from pathlib import Path

from gen_records import WORDS as TICKET_WORDS

# The tickets' vocabulary (gen_records.py), then words of this domain and accented ones for NFC to work on.
WORDS = [
    *TICKET_WORDS,
    "pipeline",
    "cluster",
    "shard",
    "token",
    "model",
    "prompt",
    "answer",
    "cache",
    "ledger",
    "budget",
    "metric",
    "dashboard",
    "region",
    "café",
    "résumé",
    "naïve",
    "façade",
    "jalapeño",
    "über",
    "coöperate",
    "Zürich",
    "Ångström",
    "crème",
    "brûlée",
]
DUPLICATE_RATE = 0.01
EMPTY_RATE = 0.005


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 18))]
    text = " ".join(words)
    if rng.random() < 0.2:
        text = unicodedata.normalize("NFD", text)  # decomposed accents: NFC has work
    if rng.random() < 0.1:
        text = text.replace(" ", "\u00a0", 2)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "!", "?"))


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 8)))


def html_document(rng: random.Random) -> str:
    parts = [f"<html><head><title>{sentence(rng)}</title><style>p {{ margin: 0 }}</style></head><body>"]
    parts.append(f"<h1>{sentence(rng)}</h1>")
    for _ in range(rng.randint(2, 10)):
        kind = rng.random()
        if kind < 0.6:
            parts.append(f"<p>{paragraph(rng)} <b>{rng.choice(WORDS)}</b> &amp; <a href='/x'>link</a></p>\n")
        elif kind < 0.8:
            items = "".join(f"<li>{sentence(rng)}</li>" for _ in range(rng.randint(2, 5)))
            parts.append(f"<ul>\n  {items}\n</ul>")
        else:
            parts.append(f"<script>var x = '{rng.choice(WORDS)}';</script><div>{paragraph(rng)}&nbsp;&eacute;</div>")
    parts.append("</body></html>")
    return "".join(parts)


def markdown_document(rng: random.Random) -> str:
    lines = [f"# {sentence(rng)}", ""]
    for _ in range(rng.randint(2, 10)):
        kind = rng.random()
        if kind < 0.5:
            lines += [f"{paragraph(rng)} **{rng.choice(WORDS)}** and [a link](https://example.com/a_b).", ""]
        elif kind < 0.7:
            lines += [f"- {sentence(rng)}" for _ in range(rng.randint(2, 5))] + [""]
        elif kind < 0.85:
            lines += [f"## {sentence(rng)}", "", f"> {paragraph(rng)}", ""]
        else:
            lines += [
                "```python",
                f"x = '{rng.choice(WORDS)}'  # *code*",
                "```",
                "",
                f"Use `{rng.choice(WORDS)}`.",
                "",
            ]
    return "\n".join(lines)


def text_document(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(2, 10)):
        text = paragraph(rng)
        if rng.random() < 0.3:
            text = text.replace(" ", "\t", 1) + "\u0007"
        paragraphs.append(text)
    return "\r\n\r\n\r\n".join(paragraphs) + "   \n"


def empty_document(rng: random.Random) -> tuple[str, str]:
    return rng.choice((("text", " \n\t\u200b "), ("html", "<div><script>void 0;</script></div>")))


MAKERS: tuple[tuple[str, Callable[[random.Random], str]], ...] = (
    ("html", html_document),
    ("markdown", markdown_document),
    ("text", text_document),
)


def documents(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    docs: list[dict[str, object]] = []
    for index in range(count):
        roll = rng.random()
        if docs and roll < DUPLICATE_RATE:
            earlier = docs[rng.randrange(len(docs))]
            form, text = earlier["metadata"]["format"], earlier["text"]  # type: ignore[index]
        elif roll < DUPLICATE_RATE + EMPTY_RATE:
            form, text = empty_document(rng)
        else:
            form, make = MAKERS[index % len(MAKERS)]
            text = make(rng)
        docs.append({"id": f"doc-{index:06d}", "text": text, "metadata": {"format": form}})
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    with args.output.open("w", encoding="utf-8") as out:
        for doc in documents(args.count, args.seed):
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
