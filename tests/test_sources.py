"""Where things come from: no registry host and no path outside the clone in the repository.

The registries are reached through their ordinary clients as the machine configures them, so the hosts
to look for are read from this machine's own configuration (apt's sources, Go's proxy, pip's index, npm's
registry, Maven's settings and its built-in central repository, cargo's sources): this file names none.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
# The design notes the project grew from sat beside the clone; a clone elsewhere has no such directory.
OUTSIDE_THE_CLONE = "../" + "shared"


def _run(*command: str) -> str:
    if not shutil.which(command[0]):
        return ""
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    return result.stdout if result.returncode == 0 else ""


def _host(url: str) -> str | None:
    url = url.strip().strip("\"'")
    if "://" not in url:
        url = "//" + url  # GOSUMDB and friends name a bare host
    host = urlsplit(url).hostname
    if not host or host in {"localhost", "0.0.0.0"} or re.fullmatch(r"[\d.]+|[\d:a-f]+", host):
        return None
    return host


def apt_hosts() -> set[str]:
    hosts = set()
    for path in glob.glob("/etc/apt/sources.list.d/*.sources"):
        for line in Path(path).read_text(errors="replace").splitlines():
            if line.lower().startswith("uris:"):
                hosts.update(filter(None, (_host(u) for u in line.split()[1:])))
    for path in ["/etc/apt/sources.list", *glob.glob("/etc/apt/sources.list.d/*.list")]:
        if os.path.isfile(path):
            for line in Path(path).read_text(errors="replace").splitlines():
                hosts.update(filter(None, (_host(w) for w in line.split() if re.match(r"[a-z+]+://", w))))
    return hosts


def go_hosts() -> set[str]:
    go = shutil.which("go") or ("/usr/local/go/bin/go" if os.path.exists("/usr/local/go/bin/go") else "")
    if not go:
        return set()
    out = _run(go, "env", "GOPROXY", "GOSUMDB")
    words = re.split(r"[\s,|]+", out)
    return set(filter(None, (_host(w.split()[0]) for w in words if w and w not in {"direct", "off"})))


def pip_hosts() -> set[str]:
    from pip._internal.models.index import PyPI  # pip's own default index, when nothing overrides it

    hosts = {_host(PyPI.url), _host(PyPI.file_storage_domain)}
    for line in _run(sys.executable, "-m", "pip", "config", "list").splitlines():
        key, _, value = line.partition("=")
        if key.endswith(("index-url", "extra-index-url", "trusted-host")):
            hosts.update(_host(v) for v in value.strip("'\"").split())
    return {h for h in hosts if h}


def npm_hosts() -> set[str]:
    hosts = {_host(_run("npm", "config", "get", "registry"))}
    npmrc = Path.home() / ".npmrc"
    if npmrc.is_file():
        hosts.update(_host(m) for m in re.findall(r"registry\s*=\s*(\S+)", npmrc.read_text(errors="replace")))
    return {h for h in hosts if h}


def maven_hosts() -> set[str]:
    hosts: set[str] = set()
    maven_home = Path(os.environ.get("MAVEN_HOME", "/usr/share/maven"))
    settings = [Path.home() / ".m2/settings.xml", maven_home / "conf/settings.xml", Path("/etc/maven/settings.xml")]
    for path in settings:
        if path.is_file():
            # A parsed document has no comments: the examples in Maven's stock settings.xml are not read.
            root = ET.parse(path).getroot()
            hosts.update(_host(e.text or "") for e in root.iter() if e.tag.endswith("}url") or e.tag == "url")
    # Maven's built-in central repository, from the super POM in its model builder.
    for jar in glob.glob(str(maven_home / "lib/maven-model-builder-*.jar")):
        with zipfile.ZipFile(jar) as z:
            pom = z.read("org/apache/maven/model/pom-4.0.0.xml").decode()
        hosts.update(_host(u) for u in re.findall(r"<url>([^<]+)</url>", pom))
    return {h for h in hosts if h}


def cargo_hosts() -> set[str]:
    hosts: set[str] = set()
    for path in (Path.home() / ".cargo/config.toml", Path.home() / ".cargo/config"):
        if path.is_file():
            hosts.update(_host(u) for u in re.findall(r"(?:registry|index)\s*=\s*\"([^\"]+)\"", path.read_text()))
    return {h for h in hosts if h}


@functools.cache  # several subprocesses; the machine's configuration does not change during a run
def registry_hosts() -> dict[str, set[str]]:
    return {
        "apt": apt_hosts(),
        "go": go_hosts(),
        "pip": pip_hosts(),
        "npm": npm_hosts(),
        "maven": maven_hosts(),
        "cargo": cargo_hosts(),
    }


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return [REPO / name for name in out.decode().split("\0") if name]


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace").lower()
    except (IsADirectoryError, FileNotFoundError):
        return ""


def test_the_machine_configures_registries_to_look_for():
    hosts = registry_hosts()
    # pip's default and Maven's central are always known; apt's sources are on every Debian machine.
    assert hosts["pip"], hosts
    assert hosts["maven"], hosts
    assert hosts["apt"], hosts


def test_no_tracked_file_names_a_registry_host():
    hosts = set().union(*registry_hosts().values())
    found = {
        str(path.relative_to(REPO)): sorted(h for h in hosts if h.lower() in text)
        for path in tracked_files()
        if (text := _text(path)) and any(h.lower() in text for h in hosts)
    }
    assert not found, f"registry hosts in tracked files (use the machine's configuration instead): {found}"


def test_no_commit_message_names_a_registry_host():
    hosts = set().union(*registry_hosts().values())
    log = subprocess.run(
        ["git", "log", "--format=%H %B%x00"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    found = [
        (message.split()[0][:10], sorted(h for h in hosts if h.lower() in message.lower()))
        for message in log.split("\0")
        if message.strip() and any(h.lower() in message.lower() for h in hosts)
    ]
    assert not found, f"commit messages naming a registry host: {found}"


def test_nothing_refers_outside_the_clone():
    found = [str(p.relative_to(REPO)) for p in tracked_files() if OUTSIDE_THE_CLONE in _text(p)]
    assert not found, f"{OUTSIDE_THE_CLONE} is not part of a clone; point at docs/ instead: {found}"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://mirror.example.org/debian", "mirror.example.org"),
        ("mirror.example.org", "mirror.example.org"),
        ("http://127.0.0.1:8080/x", None),
        ("http://0.0.0.0/", None),
    ],
)
def test_host_extraction(url: str, host: str | None):
    assert _host(url) == host
