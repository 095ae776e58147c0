"""The whitespace rules of .editorconfig, checked on every tracked text file: an editor that ignores the file
still cannot land a change that breaks them."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: Files whose bytes are data, not text someone edits.
DATA = (".jsonl", ".onnx", ".png", ".jar", ".gz", ".tar")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    paths = [REPO / name for name in listed.decode().split("\0") if name]
    return [p for p in paths if p.is_file() and not p.name.endswith(DATA) and b"\0" not in p.read_bytes()[:8192]]


FILES = tracked_text_files()


def test_the_rules_cover_a_real_tree():
    assert len(FILES) > 400
    assert (REPO / ".editorconfig").read_text().startswith("#")


def whitespace_problems(path: Path) -> list[str]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"charset = utf-8: {e}"]
    problems = []
    if b"\r" in data:
        problems.append("end_of_line = lf: a carriage return")
    if text and not text.endswith("\n"):
        problems.append("insert_final_newline = true: none")
    lines = text.split("\n")
    trailing = [n for n, line in enumerate(lines, 1) if line != line.rstrip(" \t")]
    if trailing and path.suffix != ".md":
        problems.append(f"trim_trailing_whitespace = true: lines {trailing[:10]}")
    tabbed = [n for n, line in enumerate(lines, 1) if line.startswith("\t")]
    if tabbed:
        problems.append(f"indent_style = space: tab-indented lines {tabbed[:10]}")
    return problems


def test_every_tracked_text_file_keeps_the_whitespace_rules():
    found = {str(p.relative_to(REPO)): problems for p in FILES if (problems := whitespace_problems(p))}
    assert not found, "\n".join(f"{name}: {'; '.join(problems)}" for name, problems in sorted(found.items()))


def test_the_check_finds_what_it_looks_for(tmp_path: Path):
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"x = 1 \n\ty = 2\r")
    assert [p.split(":")[0] for p in whitespace_problems(bad)] == [
        "end_of_line = lf",
        "insert_final_newline = true",
        "trim_trailing_whitespace = true",
        "indent_style = space",
    ]
