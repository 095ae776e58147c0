"""Helpers of the browser tests (a plain module, not conftest.py: conftest modules of two test directories
would shadow each other on import).

Airflow as scheduled_airflow.py runs it (API server, scheduler with the LocalExecutor, DAG processor), but
behind a real login: the simple auth manager with one admin whose password the tests write, instead of
``simple_auth_manager_all_admins``. Debian's Chromium, driven by Playwright, never a downloaded browser.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cluster_support import wait_until
from e2e_support import AirflowHome
from scheduled_airflow import AirflowApi, scheduled_airflow

try:
    from playwright.sync_api import Browser, Page, Playwright
    from playwright.sync_api import Error as PlaywrightError
except ImportError as missing:  # a collection error: the run fails, saying what to do
    raise ImportError(
        "playwright is not installed in this venv: it is pinned in provider/requirements-airflow.txt; "
        "rebuild the venv with scripts/airflow-venv.sh"
    ) from missing

HERE = Path(__file__).resolve().parent
#: Where a failed test leaves a screenshot and the HTML of each of its pages (git-ignored).
OUT = HERE / "out"
#: Debian's chromium package: the binary itself first (/usr/bin/chromium is a shell wrapper that reads
#: /etc/chromium.d, with a shell error on the way), the wrapper second.
CHROMIUM_CANDIDATES = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))
#: A run of an example DAG takes one to two minutes here (2 CPUs); the bound only says something broke.
RUN_TIMEOUT = 300
#: The pages a failing test leaves evidence of (conftest.py's hooks read it).
PAGES = pytest.StashKey[list[Page]]()


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


@dataclass(frozen=True)
class AirflowUi:
    """The Airflow the browser tests share: where its UI is, its REST API, who signs in, and what its
    ``podstage_llm`` connection points at (the simulator) with which API key (that no page may show)."""

    base: str
    api: SignedInApi
    admin: Credentials
    home: AirflowHome
    llm_endpoint: str
    llm_api_key: str


def chromium_executable() -> Path:
    """Debian's Chromium, or a failure that says how to get it (CI installs it: scripts/test.sh)."""
    for candidate in CHROMIUM_CANDIDATES:
        if candidate.exists():
            return candidate
    pytest.fail(
        "Chromium is not installed: the browser tests drive Debian's chromium package "
        "(apt-get install chromium; scripts/test.sh installs it)",
        pytrace=False,
    )


def launch_chromium(playwright: Playwright) -> Browser:
    # --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start
    return playwright.chromium.launch(
        executable_path=str(chromium_executable()), args=["--headless=new", "--no-sandbox"]
    )


def unique_run_id(prefix: str) -> str:
    """A run id no earlier session used: runs share the services' PostgreSQL, where evaluate reads by run id."""
    return f"{prefix}_{secrets.token_hex(4)}"


def with_api_key(connection_uri: str, api_key: str) -> str:
    """An ``AIRFLOW_CONN_…`` JSON value with its password (the API key) replaced."""
    connection = json.loads(connection_uri)
    connection["password"] = api_key
    return json.dumps(connection)


class SignedInApi(AirflowApi):
    """Airflow's REST API (v2) as the tests' admin, with a token from the simple auth manager's /auth/token."""

    def __init__(self, port: int, user: Credentials) -> None:
        super().__init__(port)
        self.user = user
        self._token: str | None = None

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if path != "/api/v2/monitor/health":  # the one call made before the server can issue tokens
            headers["Authorization"] = f"Bearer {self.token()}"
        return self._send(method, path, body, headers)

    def token(self) -> str:
        if self._token is None:
            credentials = {"username": self.user.username, "password": self.user.password}
            self._token = str(
                self._send("POST", "/auth/token", credentials, {"Content-Type": "application/json"})["access_token"]
            )
        return self._token

    def _send(self, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        # http://127.0.0.1:<port>, built here: no other scheme can get in
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str | None]:
        """Each task's state in the run (a mapped task's instances as ``task[map_index]``)."""
        listing = self.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100")
        return {
            ti["task_id"] + (f"[{ti['map_index']}]" if ti["map_index"] >= 0 else ""): ti["state"]
            for ti in listing["task_instances"]
        }

    def rendered_fields(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> dict[str, Any]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"
        if map_index >= 0:
            path += f"/{map_index}"
        return dict(self.call("GET", path)["rendered_fields"])

    def connection(self, conn_id: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/api/v2/connections/{conn_id}"))

    def variable(self, key: str) -> str | None:
        try:
            return str(self.call("GET", f"/api/v2/variables/{key}")["value"])
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = RUN_TIMEOUT) -> str:
        """Waits until the run has finished; returns its state (``success`` or ``failed``)."""
        wait_until(
            f"{dag_id} run {run_id} finishing",
            lambda: self.run_state(dag_id, run_id) in ("success", "failed"),
            timeout,
        )
        return self.run_state(dag_id, run_id)

    def wait_for_task_state(
        self, dag_id: str, run_id: str, task_id: str, state: str, timeout: float = RUN_TIMEOUT
    ) -> None:
        """Waits until the task is in ``state``; fails at once, with every task's state, if the run ends first."""

        def reached() -> bool:
            if self.task_state(dag_id, run_id, task_id) == state:
                return True
            run_state = self.run_state(dag_id, run_id)
            assert run_state not in ("success", "failed"), (
                f"{dag_id} run {run_id} ended {run_state} before {task_id} was {state}: "
                f"{self.task_states(dag_id, run_id)}"
            )
            return False

        wait_until(f"{task_id} of {dag_id} run {run_id} being {state}", reached, timeout)


@contextmanager
def ui_airflow(home: AirflowHome, admin: Credentials) -> Iterator[SignedInApi]:
    """The home's Airflow (scheduled_airflow.py) behind the simple auth manager's login instead of all_admins;
    output in ``<home>/<component>.log``."""
    passwords = home.home / "simple-auth-passwords.json"
    passwords.write_text(json.dumps({admin.username: admin.password}))
    sign_in = {
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{admin.username}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
    }
    with scheduled_airflow(home, extra_env=sign_in, api=lambda port: SignedInApi(port, admin)) as api:
        yield api


def save_evidence(pages: list[Page], test_name: str) -> list[Path]:
    """A screenshot and the HTML of each open page, under out/<test name>/; what could not be saved is skipped
    (a crashed page must not hide the failure that is being reported)."""
    folder = OUT / re.sub(r"[^\w.-]+", "_", test_name)
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for number, page in enumerate(p for p in pages if not p.is_closed()):
        screenshot, html = folder / f"page-{number}.png", folder / f"page-{number}.html"
        try:
            page.screenshot(path=str(screenshot), full_page=True, timeout=15_000)
            html.write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
        except PlaywrightError:
            continue
        saved += [screenshot, html]
    return saved
