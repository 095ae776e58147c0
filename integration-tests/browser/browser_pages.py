"""What a person does in Airflow's UI, one helper per action, with the selectors found by looking at the
pages of Airflow 3.3 (roles, labels and text where the UI has them; see README.md for where it has not)."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from browser_support import Credentials, wait_until


def sign_in(page: Page, user: Credentials) -> None:
    """Fills the simple auth manager's login form and submits it (the page must show the form)."""
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Sign in").click()


def ensure_signed_in(page: Page, base: str, user: Credentials) -> None:
    """Signs in through the login page unless the page's browser context holds the session cookie already
    (the tests share one context). The cookie, not the page: the UI draws its menu before it redirects."""
    if not any(cookie["name"] == "_token" for cookie in page.context.cookies(base)):
        page.goto(base + "/")
        expect(page).to_have_url(re.compile("/auth/login"))
        sign_in(page, user)
        expect(page).not_to_have_url(re.compile("/auth/login"))
    page.goto(base + "/")
    expect(page.get_by_role("link", name="Dags", exact=True)).to_be_visible()


def choose_option(page: Page, combobox: Locator, option: str) -> None:
    """Opens a select (Chakra or react-select) and picks the option of that exact name."""
    combobox.click()
    page.get_by_role("option", name=option, exact=True).click()


def open_trigger_form(page: Page, base: str, dag_id: str) -> Locator:
    """The DAG's page, its Trigger button: the trigger dialog (Single Run, the params form)."""
    page.goto(f"{base}/dags/{dag_id}")
    page.get_by_role("button", name="Trigger Dag", exact=True).click()
    dialog = page.get_by_role("dialog").filter(has_text=f"Trigger Dag - {dag_id}")
    expect(dialog.get_by_text("Run Parameters")).to_be_visible()
    return dialog


def param_input(dialog: Locator, name: str) -> Locator:
    """A param's text input or JSON editor. Airflow 3.3's form gives these the id ``element_<param>`` while
    their label points at another id, so get_by_label cannot find them (number fields it can)."""
    return dialog.locator(f"#element_{name}")


def paste_json(page: Page, editor: Locator, value: dict[str, Any]) -> None:
    """Replaces a JSON editor's text as a person pastes it: typed text would get the editor's auto-closed
    brackets and quotes on top. Needs the context's clipboard permissions (conftest.py grants them)."""
    editor.click()
    page.keyboard.press("Control+A")
    page.evaluate("text => navigator.clipboard.writeText(text)", json.dumps(value, indent=2))
    page.keyboard.press("Control+V")
    for text in value.values():
        if isinstance(text, str) and text:
            expect(editor).to_contain_text(text)


def submit_trigger(page: Page, dialog: Locator, dag_id: str, run_id: str) -> None:
    """Names the run (Advanced Options → Run ID) and triggers it; the UI then shows the run's page."""
    dialog.get_by_role("button", name="Advanced Options").click()
    dialog.get_by_label("Run ID").fill(run_id)
    dialog.get_by_role("button", name="Trigger", exact=True).click()
    expect(page).to_have_url(re.compile(f"/dags/{dag_id}/runs/{re.escape(run_id)}"))


def switch_on(page: Page, dialog: Locator, name: str) -> None:
    """Turns a boolean param's switch on. Its checkbox is visually hidden under the switch drawn for it, so
    the click goes to the label that wraps both, as a person's would."""
    checkbox = dialog.get_by_role("checkbox", name=name)
    dialog.locator("label", has=page.get_by_role("checkbox", name=name)).click()
    expect(checkbox).to_be_checked()


def open_run(page: Page, base: str, dag_id: str, run_id: str) -> None:
    page.goto(f"{base}/dags/{dag_id}/runs/{run_id}")
    expect(page.get_by_role("link", name="Task Instances")).to_be_visible()


def open_task_instance(page: Page, link_name: str) -> None:
    """From a run's page: the task instance whose row of the Task Instances table links with that name (task
    id, or a mapped instance's label). The grid beside the table links task ids to the DAG's task pages."""
    page.get_by_role("table").get_by_role("link", name=link_name, exact=True).first.click()
    expect(page.get_by_role("link", name="Rendered Templates")).to_be_visible()


def open_xcom_tab(page: Page) -> Locator:
    """A task instance's Storage → XCom tab, every value unfolded; returns the return_value row."""
    page.get_by_role("link", name="Storage").click()
    page.get_by_role("link", name="XCom", exact=True).click()
    row = page.get_by_role("row").filter(has_text="return_value")
    expect(row).to_be_visible()
    page.get_by_role("button", name="Expand all extra JSON").click()
    return row


def copied_value(page: Page, row: Locator) -> Any:
    """The whole value of an XCom row, by its Copy button: the page shows it in an editor that draws only the
    lines in view, so the end of a long value is not in the page's text."""
    page.evaluate("() => navigator.clipboard.writeText('')")
    row.get_by_role("button", name="Copy to clipboard").click()
    copied: list[Any] = []

    def clipboard_holds_json() -> bool:
        text = page.evaluate("() => navigator.clipboard.readText()")
        if text:
            copied.append(json.loads(text))
        return bool(copied)

    wait_until("the XCom value reaching the clipboard", clipboard_holds_json, timeout=30)
    return copied[0]


def rendered_template(page: Page, field: str) -> str:
    """A task instance's Rendered Templates tab: the text of one field's row."""
    page.get_by_role("link", name="Rendered Templates").click()
    row = page.get_by_role("row").filter(has=page.get_by_text(field, exact=True))
    expect(row).to_be_visible()
    return row.inner_text()


def command_line(rendered_arguments: str) -> list[str]:
    """The arguments of a Rendered Templates ``arguments`` row (a JSON list drawn with line numbers)."""
    return [json.loads(f'"{quoted}"') for quoted in re.findall(r'"((?:[^"\\]|\\.)*)"', rendered_arguments)]


def value_after(arguments: list[str], flag: str) -> str:
    assert flag in arguments, f"{flag} is not in the command line {arguments}"
    return arguments[arguments.index(flag) + 1]


def open_from_menu(page: Page, menu: str, item: str) -> None:
    """A page of the sidebar's menus (Browse, Admin)."""
    page.get_by_role("button", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()
