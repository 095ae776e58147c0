"""images/base/debian-mirror.sh: debootstrap goes where the machine's apt goes, or where it is told."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "images" / "base" / "debian-mirror.sh"


def mirror(etc: Path, suite: str = "bookworm", override: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PODSTAGE_DEBIAN_MIRROR"}
    env["PODSTAGE_APT_ETC"] = str(etc)
    if override is not None:
        env["PODSTAGE_DEBIAN_MIRROR"] = override
    return subprocess.run([str(SCRIPT), suite], env=env, capture_output=True, text=True, check=False)


@pytest.fixture
def etc(tmp_path: Path) -> Path:
    (tmp_path / "sources.list.d").mkdir()
    return tmp_path


def test_reads_the_deb822_paragraph_that_lists_the_suite(etc: Path):
    (etc / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\n"
        "# a comment line\n"
        "URIs: http://security.example.org/debian-security\n"
        "Suites: bookworm-security\n"
        "Components: main\n"
        "\n"
        "Types: deb-src deb\n"
        "URIs: http://mirror.example.org/debian/ http://second.example.org/debian\n"
        "Suites: bookworm bookworm-updates\n"
        "Components: main\n"
    )
    result = mirror(etc)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://mirror.example.org/debian"
    assert mirror(etc, "bookworm-security").stdout.strip() == "http://security.example.org/debian-security"


def test_skips_disabled_source_only_and_other_suites(etc: Path):
    (etc / "sources.list.d" / "a.sources").write_text(
        "Types: deb\nURIs: http://disabled.example.org/debian\nSuites: bookworm\nEnabled: no\n\n"
        "Types: deb-src\nURIs: http://sources.example.org/debian\nSuites: bookworm\n\n"
        "Types: deb\nURIs: https://vendor.example.org/apt\nSuites: vendor-bookworm\n"
    )
    (etc / "sources.list.d" / "b.list").write_text(
        "# deb http://commented.example.org/debian bookworm main\n"
        "deb-src http://sources.example.org/debian bookworm main\n"
        "deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] https://one-line.example.org/debian bookworm main\n"
    )
    result = mirror(etc)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://one-line.example.org/debian"


def test_reads_one_line_sources_list(etc: Path):
    (etc / "sources.list").write_text("deb [trusted=yes] file:///srv/mirror/debian bookworm main contrib\n")
    assert mirror(etc).stdout.strip() == "file:///srv/mirror/debian"


def test_the_override_wins(etc: Path):
    (etc / "sources.list").write_text("deb http://mirror.example.org/debian bookworm main\n")
    assert mirror(etc, override="http://override.example.org/debian").stdout.strip() == (
        "http://override.example.org/debian"
    )


def test_no_source_for_the_suite_is_a_clear_error(etc: Path):
    (etc / "sources.list").write_text("deb http://mirror.example.org/debian bullseye main\n")
    result = mirror(etc)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "'bookworm'" in result.stderr
    assert "PODSTAGE_DEBIAN_MIRROR" in result.stderr
    assert str(etc) in result.stderr


def test_this_machine_has_a_mirror_for_the_base_image():
    # images/base/build.sh debootstraps bookworm from it: the image tests need one.
    result = subprocess.run([str(SCRIPT), "bookworm"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "://" in result.stdout
