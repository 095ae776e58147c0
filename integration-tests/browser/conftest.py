"""Fixtures of the browser tests: one Airflow (started once for the session, behind the login), the LLM
simulator, Debian's Chromium, and one signed-in page the tests share. The fixtures have names of their own:
the other test directories' conftest modules define ``services`` and ``llm_endpoint`` too.

A failing test (or fixture) gets a screenshot and the HTML of its pages under out/<test>/, named in the
failure's message."""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import sys
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

# scheduled_airflow.py lives with the Kubernetes tests; pytest puts that folder on sys.path only when it
# collects it, and this folder also runs alone.
sys.path.append(str(Path(__file__).resolve().parents[1] / "kubernetes"))

from playwright.sync_api import Browser, Page, expect, sync_playwright

from browser_pages import ensure_signed_in
from browser_support import (
    OUT,
    PAGES,
    AirflowUi,
    Credentials,
    launch_chromium,
    save_evidence,
    ui_airflow,
    wait_until,
    with_api_key,
)
from e2e_support import DAG_STAGES, LLM_SIM_OPTIONS, make_home, missing_pieces, reachable, services_env
from support import LLM_SIM, running_llm_sim

#: A Redis database of its own (e2e_support: 5 and 6 per backend, 7 the Kubernetes baseline), emptied at start.
REDIS_DB = 8
#: UI actions wait for what they need (Playwright's auto-wait); this bounds one wait on a busy 2-CPU machine.
UI_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def ui_services() -> dict[str, str]:
    if not (reachable("127.0.0.1", 6379) and reachable("127.0.0.1", 5432)):
        pytest.fail("Redis/PostgreSQL are not running: run scripts/services.sh start first", pytrace=False)
    return services_env()


@pytest.fixture(scope="session")
def ui_llm_endpoint() -> Iterator[str]:
    if not LLM_SIM.exists():
        pytest.fail(f"the LLM simulator is not built ({LLM_SIM}): mvn -B -ntp -q install -DskipTests", pytrace=False)
    with running_llm_sim(*LLM_SIM_OPTIONS) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def airflow_ui(ui_services: dict[str, str], ui_llm_endpoint: str) -> Iterator[AirflowUi]:
    home = make_home("local", ui_services, ui_llm_endpoint, redis_db=REDIS_DB)
    missing = sorted({piece for dag_id in DAG_STAGES for piece in missing_pieces("local", dag_id, home)})
    if missing:
        pytest.fail(f"stages not built: {', '.join(missing)} (mvn -B -ntp -q install -DskipTests)", pytrace=False)
    # a key of this session's own, so that finding it on a page means the page leaked it
    api_key = f"sk-browser-{secrets.token_hex(8)}"
    home.env["AIRFLOW_CONN_PODSTAGE_LLM"] = with_api_key(home.env["AIRFLOW_CONN_PODSTAGE_LLM"], api_key)
    admin = Credentials("podstage", secrets.token_urlsafe(12))
    with ui_airflow(home, admin) as api:
        for dag_id in DAG_STAGES:
            wait_until(f"the DAG processor parsing {dag_id}", functools.partial(api.dag_parsed, dag_id), timeout=180)
        yield AirflowUi(api.base, api, admin, home, ui_llm_endpoint, api_key)
    if not os.environ.get("PODSTAGE_KEEP_E2E"):
        shutil.rmtree(home.home, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    shutil.rmtree(OUT, ignore_errors=True)  # evidence of an earlier session's failures
    expect.set_options(timeout=UI_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def new_page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    """A page in a context of its own, registered for the evidence of a failure. The clipboard is granted:
    the tests paste JSON into the UI's editors and copy XCom values out of them."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    request.session.stash.setdefault(PAGES, []).append(page)
    return page


@pytest.fixture
def fresh_page(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page nobody has signed in on yet."""
    page = new_page(chromium, request)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def shared_page(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = new_page(chromium, request)
    yield page
    page.context.close()


@pytest.fixture
def page(shared_page: Page, airflow_ui: AirflowUi) -> Page:
    """The session's page, signed in (through the login page, the first time)."""
    ensure_signed_in(shared_page, airflow_ui.base, airflow_ui.admin)
    return shared_page


def attach_evidence(item: pytest.Item, failure: BaseException) -> None:
    pages = item.session.stash.get(PAGES, [])
    saved = save_evidence(pages, item.name) if pages else []
    if saved:
        failure.add_note("browser evidence: " + ", ".join(str(path) for path in saved))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    except Exception as failure:
        attach_evidence(item, failure)
        raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    except Exception as failure:
        attach_evidence(item, failure)
        raise
