"""Plain-Python preprocess: the steps of the preprocess stage, one document at a time, standard library only.

Markdown stripping (the stage's regular expressions), HTML to text (html.parser, the same block and
hidden elements), Unicode NFC (unicodedata), whitespace and control-character cleanup (re), chunking
by the stage's rule (code points / 4, whole words, sentence ends, overlap), dropping repeated ids,
empty documents and repeated chunk texts (sha256), JSON Lines out. Prints key=value lines.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

# ------------------------------------------------------------------ Markdown (MarkdownStripper.java)

FENCE = re.compile(r" {0,3}(`{3,}|~{3,}).*")
RULE = re.compile(r" {0,3}([-*_])( *\1){2,} *")
SETEXT = re.compile(r" {0,3}=+ *")
TABLE_SEPARATOR = re.compile(r" *\|? *:?-{3,}:? *(\| *:?-{3,}:? *)*\|? *")
REFERENCE = re.compile(r" {0,3}\[[^\]]+\]: *\S+.*")
QUOTE = re.compile(r"^ {0,3}(> ?)+")
HEADING = re.compile(r"^ {0,3}#{1,6}( +|$)")
CLOSING_HASHES = re.compile(r" +#+ *$")
LIST = re.compile(r"^ *([-*+]|\d{1,9}[.)]) +(\[[ xX]\] +)?")
TABLE_PIPES = re.compile(r" *\| *")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# (pattern, replacement, strings one of which a match contains)
INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1", ("![",)),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1", ("](",)),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1", ("][",)),
    (re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>"), r"\1", ("<",)),
    (re.compile(r"(?<![\\])(\*\*|__)(?=\S)(.+?)(?<=\S)(?<!\\)\1"), r"\2", ("**", "__")),
    (re.compile(r"(?<![\w*\\])\*(?=\S)(.+?)(?<=\S)(?<!\\)\*(?![\w*])"), r"\1", ("*",)),
    (re.compile(r"(?<![\w_\\])_(?=\S)(.+?)(?<=\S)(?<!\\)_(?![\w_])"), r"\1", ("_",)),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1", ("~~",)),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])"), r"\1", ("\\",)),
)


def inline_text(text: str) -> str:
    for pattern, keep, triggers in INLINE:
        if any(c in text for c in triggers):
            text = pattern.sub(keep, text)
    return text


def inline(line: str) -> str:
    if "`" not in line:
        return inline_text(line)
    out, last = [], 0
    for code in CODE_SPAN.finditer(line):
        out.append(inline_text(line[last : code.start()]))
        out.append(code.group(2))
        last = code.end()
    out.append(inline_text(line[last:]))
    return "".join(out)


def strip_line(line: str) -> str:
    if any(p.fullmatch(line) for p in (RULE, SETEXT, TABLE_SEPARATOR, REFERENCE)):
        return ""
    s = QUOTE.sub("", line, count=1)
    heading = HEADING.match(s)
    if heading:
        s = CLOSING_HASHES.sub("", s[heading.end() :], count=1)
    s = LIST.sub("", s, count=1)
    if s.strip().startswith("|"):
        s = TABLE_PIPES.sub(" ", s).strip()
    return inline(s)


def strip_markdown(text: str) -> str:
    out, fenced, fence = [], False, ""
    for line in text.split("\n"):
        match = FENCE.fullmatch(line)
        if match and (not fenced or match.group(1)[0] == fence):
            fenced, fence = not fenced, match.group(1)[0]
            out.append("")
        else:
            out.append(line if fenced else strip_line(line))
    return "\n".join(out)


# ------------------------------------------------------------------ HTML (HtmlStripper.java)

BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    ]
)
HIDDEN = frozenset(["script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas"])
TAG_START = re.compile(r"<[A-Za-z/!?]")
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class TextExtractor(HTMLParser):
    """Text of an HTML document: blocks start new lines, hidden elements are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif self.hidden == 0 and (tag in BLOCKS or tag == "br"):
            self.out.append("\n")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif self.hidden == 0 and tag in BLOCKS:
            self.out.append("\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.hidden == 0:
            self.out.append(data if self.pre else HTML_SPACE.sub(" ", data))


def strip_html(text: str) -> str:
    if not TAG_START.search(text):
        return html.unescape(text) if "&" in text else text
    extractor = TextExtractor()
    extractor.feed(text)
    extractor.close()
    return "".join(extractor.out)


# ------------------------------------------------------------------ cleanup (TextCleaner.java)

LINE_BREAKS = re.compile("\r\n|[\r\u0085\u2028\u2029]")
SPACES = re.compile("[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
DROPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b\u2060\ufeff\u00ad]")
SPACE_RUNS = re.compile(" +")
AROUND_BREAKS = re.compile(" ?\n ?")
BLANK_RUNS = re.compile("\n{3,}")


def clean(text: str) -> str:
    text = DROPPED.sub("", SPACES.sub(" ", LINE_BREAKS.sub("\n", text)))
    text = AROUND_BREAKS.sub("\n", SPACE_RUNS.sub(" ", text))
    return BLANK_RUNS.sub("\n\n", text).strip(" \n")


# ------------------------------------------------------------------ chunking (Chunker.java)

WORD = re.compile("[^ \n]+")
CLOSERS = "\"')]}»”’"  # noqa: RUF001 - typographic closing quotes end sentences too
CHARS_PER_TOKEN = 4


def tokens(code_points: int) -> int:
    return (code_points + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def ends_sentence(word: str) -> bool:
    stripped = word.rstrip(CLOSERS) or word[0]
    return stripped[-1] in ".!?…"


def word_spans(text: str) -> tuple[list[int], list[int], list[bool]]:
    starts, ends, sentence_end = [], [], []
    for match in WORD.finditer(text):
        if ends and "\n" in text[ends[-1] : match.start()]:
            sentence_end[-1] = True
        starts.append(match.start())
        ends.append(match.end())
        sentence_end.append(ends_sentence(match.group()))
    return starts, ends, sentence_end


Spans = tuple[list[int], list[int], list[bool]]


class Chunker:
    """Chunker.java's rule: whole words, at most max_tokens, back to a sentence end, overlap."""

    def __init__(self, max_tokens: int, overlap_tokens: int) -> None:
        self.budget = max_tokens * CHARS_PER_TOKEN
        self.overlap = overlap_tokens * CHARS_PER_TOKEN

    def split(self, text: str) -> list[tuple[str, int]]:
        spans = word_spans(text)
        starts, ends, _ = spans
        if not starts:
            return []
        if ends[-1] - starts[0] <= self.budget:
            return [(text, tokens(ends[-1] - starts[0]))]
        chunks: list[tuple[str, int]] = []
        start = covered = 0
        while start < len(starts):
            if ends[start] - starts[start] > self.budget:
                word = text[starts[start] : ends[start]]
                chunks += [
                    (word[i : i + self.budget], tokens(len(word[i : i + self.budget])))
                    for i in range(0, len(word), self.budget)
                ]
                start += 1
                covered = start
                continue
            end = self.end_of(spans, start, covered)
            chunks.append((text[starts[start] : ends[end - 1]], tokens(ends[end - 1] - starts[start])))
            if end == len(starts):
                break
            covered = end
            start = self.next_start(spans, start, end)
        return chunks

    def end_of(self, spans: Spans, start: int, covered: int) -> int:
        starts, ends, sentence_end = spans
        end = start + 1
        while end < len(starts) and ends[end] - starts[start] <= self.budget:
            end += 1
        if end < len(starts):
            for b in range(end - 1, max(start, covered) - 1, -1):
                if ends[b] - starts[start] < self.budget // 2:
                    break
                if sentence_end[b]:
                    return b + 1
        return end

    def next_start(self, spans: Spans, start: int, end: int) -> int:
        starts, ends, sentence_end = spans
        following = end
        while following - 1 > start and ends[end - 1] - starts[following - 1] <= self.overlap:
            following -= 1
        for i in range(following, end):
            if sentence_end[i - 1]:
                following = i
                break
        if following < end and ends[end] - starts[following] > self.budget:
            following = end
        return following


# ------------------------------------------------------------------ the run


def metadata_of(record: dict[str, Any]) -> dict[str, Any]:
    given = record.get("metadata")
    metadata = dict(given) if isinstance(given, dict) else {}
    for name, value in record.items():
        known = name in ("id", "text", "source") or (name == "metadata" and isinstance(given, dict))
        if not known and name not in metadata:
            metadata[name] = value
    return metadata


class Run:
    """One pass over the input: counts what it writes and what it drops."""

    def __init__(self, chunker: Chunker) -> None:
        self.chunker = chunker
        self.doc_ids: set[str] = set()
        self.chunk_digests: set[bytes] = set()
        self.documents = self.chunks = self.tokens = self.empty = self.deduplicated = 0

    def document(self, record: dict[str, Any]) -> list[str]:
        self.documents += 1
        if record["id"] in self.doc_ids:
            return []
        self.doc_ids.add(record["id"])
        text = clean(unicodedata.normalize("NFC", strip_html(strip_markdown(record["text"]))))
        pieces = self.chunker.split(text)
        if not pieces:
            self.empty += 1
        metadata, lines = metadata_of(record), []
        for index, (piece, estimate) in enumerate(pieces):
            digest = hashlib.sha256(piece.encode("utf-8")).digest()[:16]
            if digest in self.chunk_digests:
                self.deduplicated += 1
                continue
            self.chunk_digests.add(digest)
            out = {"id": f"{record['id']}#{index}", "doc_id": record["id"], "chunk_index": index}
            out |= {"chunk_count": len(pieces), "text": piece, "tokens": estimate}
            if "source" in record:
                out["source"] = record["source"]
            out["metadata"] = metadata
            lines.append(json.dumps(out, ensure_ascii=False) + "\n")
            self.chunks += 1
            self.tokens += estimate
        return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, required=True, help="JSON Lines of {id, text, ...}")
    parser.add_argument("--output", type=Path, required=True, help="JSON Lines of chunks")
    parser.add_argument("--chunk-tokens", type=int, default=512)
    parser.add_argument("--chunk-overlap", type=int, default=64)
    parser.add_argument("--label", default="python", help="prefix of the printed key=value lines")
    args = parser.parse_args()
    run = Run(Chunker(args.chunk_tokens, args.chunk_overlap))
    start = time.perf_counter()
    with args.input.open(encoding="utf-8") as lines, args.output.open("w", encoding="utf-8") as out:
        for line in lines:
            if line.strip():
                out.writelines(run.document(json.loads(line)))
    seconds = time.perf_counter() - start
    prefix = args.label
    print(f"{prefix}_records={run.documents}")
    print(f"{prefix}_chunks={run.chunks}")
    print(f"{prefix}_tokens={run.tokens}")
    print(f"{prefix}_empty_documents={run.empty}")
    print(f"{prefix}_deduplicated={run.deduplicated}")
    print(f"{prefix}_seconds={seconds:.3f}")
    print(f"{prefix}_records_per_s={run.documents / seconds:.1f}")


if __name__ == "__main__":
    main()
