"""Airflow's UI in Chromium, as a person uses it with Podstage: sign in, find the DAGs, trigger them from their
forms, read what a stage logged and returned, add an inference connection, approve an A/B promotion.

One Airflow for the session (conftest.py); the tests run in this order and share its state: the LLM batch
run of the trigger test is the one whose rendered templates the next test reads. Runs are waited for through
the REST API (their state, bounded), never by sleeping.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from browser_pages import (
    choose_option,
    command_line,
    copied_value,
    open_from_menu,
    open_run,
    open_task_instance,
    open_trigger_form,
    open_xcom_tab,
    param_input,
    paste_json,
    rendered_template,
    sign_in,
    submit_trigger,
    switch_on,
    value_after,
)
from browser_support import AirflowUi, Credentials, unique_run_id
from e2e_support import SMALL_MODEL

PODSTAGE_DAGS = ("podstage_ab_test", "podstage_llm_batch", "podstage_rag_ingest")
#: The connection the connection-form test adds, and the model it names: one no other run of the session
#: asks for, so none of its answers come from the cache (a cached answer costs $0).
BROWSER_CONN_ID = "podstage_llm_browser"
BROWSER_MODEL = "sim-chat-browser"
PROMPT = "Answer in one sentence: {text}"


@pytest.fixture(scope="module")
def llm_batch_run() -> dict[str, str]:
    """The LLM batch run the trigger test starts, for the tests after it: ``{"run_id": ...}`` once it ran."""
    return {}


def test_sign_in_through_the_login_page(fresh_page: Page, airflow_ui: AirflowUi) -> None:
    page = fresh_page
    page.goto(f"{airflow_ui.base}/dags/podstage_llm_batch")
    # not signed in: the login page, which will send us back where we were going
    expect(page).to_have_url(re.compile(r"/auth/login\?next=.*podstage_llm_batch"))
    sign_in(page, Credentials(airflow_ui.admin.username, "not-the-password"))
    expect(page.get_by_text("Invalid credentials")).to_be_visible()
    sign_in(page, airflow_ui.admin)
    expect(page).to_have_url(f"{airflow_ui.base}/dags/podstage_llm_batch")
    expect(page.get_by_role("button", name="Trigger Dag", exact=True)).to_be_visible()
    page.get_by_role("button", name="User").click()
    expect(page.get_by_role("menuitem", name="Logout")).to_be_visible()


def test_find_the_podstage_dags_by_tag_and_by_search(page: Page, airflow_ui: AirflowUi) -> None:
    page.get_by_role("link", name="Dags", exact=True).click()
    tag_filter = page.get_by_role("combobox", name="Filter Dags by tag")
    tag_filter.click()
    tag_filter.press_sequentially("podstage")
    page.get_by_role("option", name="podstage", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]tags=podstage"))
    for dag_id in PODSTAGE_DAGS:
        expect(page.get_by_role("link", name=dag_id, exact=True)).to_be_visible()
    # the search narrows the tagged list down to one
    page.get_by_placeholder("Search Dags").fill("llm_batch")
    expect(page.get_by_role("link", name="podstage_llm_batch", exact=True)).to_be_visible()
    for other in ("podstage_ab_test", "podstage_rag_ingest"):
        expect(page.get_by_role("link", name=other, exact=True)).to_have_count(0)


def test_trigger_llm_batch_from_its_form_then_read_a_stage_log_and_xcom(
    page: Page, airflow_ui: AirflowUi, llm_batch_run: dict[str, str]
) -> None:
    dag_id, api = "podstage_llm_batch", airflow_ui.api
    dialog = open_trigger_form(page, airflow_ui.base, dag_id)
    # a param of the form: 30 records a shard makes two infer tasks of the 60 sample questions
    dialog.get_by_label("shard_size").fill("30")
    run_id = unique_run_id("browser_llm_batch")
    submit_trigger(page, dialog, dag_id, run_id)
    assert api.wait_for_run(dag_id, run_id) == "success", api.task_states(dag_id, run_id)
    assert api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")["conf"]["shard_size"] == 30
    llm_batch_run["run_id"] = run_id

    open_run(page, airflow_ui.base, dag_id, run_id)
    expect(page.get_by_role("row").filter(has_text="summary")).to_contain_text("Success")
    open_task_instance(page, "shard-00000-of-00002")
    # the Logs tab opens first: the stage's own line, written by the Java process
    expect(page.get_by_text("infer done").first).to_be_visible()
    row = open_xcom_tab(page)
    expect(row).to_contain_text('"records_out"')
    returned = copied_value(page, row)
    assert (returned["stage"], returned["status"]) == ("infer", "success"), returned
    assert returned["records_out"] == returned["records_in"] > 0, returned


def test_rendered_templates_show_the_stage_command_line_but_never_the_api_key(
    page: Page, airflow_ui: AirflowUi, llm_batch_run: dict[str, str]
) -> None:
    dag_id, api = "podstage_llm_batch", airflow_ui.api
    assert "run_id" in llm_batch_run, "needs the LLM batch run that test_trigger_llm_batch_from_its_form… starts"
    run_id = llm_batch_run["run_id"]
    open_run(page, airflow_ui.base, dag_id, run_id)
    open_task_instance(page, "shard-00000-of-00002")
    expect(page.get_by_text("infer done").first).to_be_visible()
    assert airflow_ui.llm_api_key not in page.content(), "the task log shows the connection's API key"

    arguments = command_line(rendered_template(page, "arguments"))
    # the connection podstage_llm's options are in the effective command line: what the stage really ran with
    assert value_after(arguments, "--endpoint") == airflow_ui.llm_endpoint
    assert value_after(arguments, "--model") == SMALL_MODEL
    assert value_after(arguments, "--price-input-per-1k") == "0.00015"
    assert value_after(arguments, "--price-output-per-1k") == "0.0006"
    assert value_after(arguments, "--protocol") == "openai-chat"
    # the key travels in the process's environment only: neither the page nor the stored fields hold it
    assert airflow_ui.llm_api_key not in page.content(), "Rendered Templates show the connection's API key"
    assert airflow_ui.llm_api_key not in json.dumps(api.rendered_fields(dag_id, run_id, "infer", 0))


def test_add_an_inference_connection_in_its_form_and_run_a_variant_on_it(page: Page, airflow_ui: AirflowUi) -> None:
    dag_id, api = "podstage_ab_test", airflow_ui.api
    endpoint = urlsplit(airflow_ui.llm_endpoint)
    assert endpoint.hostname, airflow_ui.llm_endpoint
    assert endpoint.port, airflow_ui.llm_endpoint
    api_key = f"sk-browser-form-{unique_run_id('key')}"
    open_from_menu(page, "Admin", "Connections")
    page.get_by_role("button", name="Add Connection").click()
    form = page.get_by_role("dialog").filter(has_text="Add Connection")
    form.get_by_label("Connection ID").fill(BROWSER_CONN_ID)
    choose_option(page, form.get_by_role("combobox", name="Connection Type"), "Podstage inference endpoint")
    # the standard fields, relabelled by the provider: the simulator's URL as host, port and path
    form.get_by_label("Endpoint host").fill(endpoint.hostname)
    form.get_by_label("Port").fill(str(endpoint.port))
    form.get_by_label("Path").fill(endpoint.path.strip("/"))
    form.get_by_label("API key").fill(api_key)
    form.get_by_role("button", name="Extra Fields", exact=True).click()
    choose_option(page, form.get_by_role("combobox", name="Scheme of the host above"), "http")
    protocol = form.get_by_role("group").filter(has=page.get_by_role("combobox", name="Protocol"))
    expect(protocol).to_contain_text("openai-chat")  # the default, shown
    choose_option(page, form.get_by_role("combobox", name="Protocol"), "openai-chat")
    param_input(form, "model").fill(BROWSER_MODEL)
    form.get_by_label("Input price (USD per 1k tokens)").fill("0.002")
    form.get_by_label("Output price (USD per 1k tokens)").fill("0.004")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    expect(page.get_by_role("row").filter(has_text=BROWSER_CONN_ID)).to_be_visible()
    saved = api.connection(BROWSER_CONN_ID)
    extra = json.loads(saved["extra"])
    assert (saved["conn_type"], saved["host"], saved["port"], saved["schema"]) == (
        "podstage_inference",
        endpoint.hostname,
        endpoint.port,
        endpoint.path.strip("/"),
    ), saved
    assert (extra["scheme"], extra["protocol"], extra["model"]) == ("http", "openai-chat", BROWSER_MODEL), extra
    assert (extra["price_input_per_1k"], extra["price_output_per_1k"]) == (0.002, 0.004), extra

    # variant b of an A/B run on the new connection, set in the trigger form's JSON editor of the param
    dialog = open_trigger_form(page, airflow_ui.base, dag_id)
    choose_option(page, dialog.get_by_role("combobox", name="force"), "both")
    # approved without a person: the next test is the one that approves
    switch_on(page, dialog, "auto_approve")
    variant_b = {"conn_id": BROWSER_CONN_ID, "model": "", "prompt_template": PROMPT}
    paste_json(page, param_input(dialog, "variant_b"), variant_b)
    run_id = unique_run_id("browser_ab_connection")
    submit_trigger(page, dialog, dag_id, run_id)
    assert api.wait_for_run(dag_id, run_id) == "success", api.task_states(dag_id, run_id)
    assert api.call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")["conf"]["variant_b"] == variant_b

    open_run(page, airflow_ui.base, dag_id, run_id)
    open_task_instance(page, "infer_b")
    arguments = command_line(rendered_template(page, "arguments"))
    assert value_after(arguments, "--endpoint") == f"http://{endpoint.hostname}:{endpoint.port}{endpoint.path}"
    assert value_after(arguments, "--model") == BROWSER_MODEL
    assert value_after(arguments, "--price-input-per-1k") == "0.002"
    assert api_key not in page.content(), "Rendered Templates show the new connection's API key"
    returned = copied_value(page, open_xcom_tab(page))
    assert (returned["model"], returned["pricing"]) == (BROWSER_MODEL, "given"), returned
    assert returned["metrics"]["cost_usd"] > 0, returned["metrics"]


def test_approve_an_ab_promotion_in_required_actions(page: Page, airflow_ui: AirflowUi) -> None:
    dag_id, api = "podstage_ab_test", airflow_ui.api
    dialog = open_trigger_form(page, airflow_ui.base, dag_id)
    # with the params as they come (force empty: the deterministic split) the form can be submitted
    expect(dialog.get_by_role("button", name="Trigger", exact=True)).to_be_enabled()
    choose_option(page, dialog.get_by_role("combobox", name="force"), "both")
    expect(dialog.get_by_role("checkbox", name="auto_approve")).not_to_be_checked()  # a person decides
    run_id = unique_run_id("browser_ab_approval")
    submit_trigger(page, dialog, dag_id, run_id)
    api.wait_for_task_state(dag_id, run_id, "approve", "awaiting_input")

    open_from_menu(page, "Browse", "Required Actions")
    request = page.get_by_role("row").filter(has_text=run_id)
    expect(request).to_contain_text("Approval Required")
    request.get_by_role("button", name="Open Review Drawer").click()
    drawer = page.get_by_role("dialog").filter(has_text=run_id)
    # the side-by-side run: the large model answers better, so evaluate names b (as the e2e tests check)
    expect(drawer.get_by_text("Promote variant b?")).to_be_visible()
    drawer.get_by_role("button", name="Approve").click()
    expect(request).to_contain_text("Approval Received")
    expect(request).to_contain_text(airflow_ui.admin.username)

    assert api.wait_for_run(dag_id, run_id) == "success", api.task_states(dag_id, run_id)
    assert api.task_state(dag_id, run_id, "promote") == "success", api.task_states(dag_id, run_id)
    open_run(page, airflow_ui.base, dag_id, run_id)
    expect(page.get_by_role("row").filter(has_text="promote")).to_contain_text("Success")
    # what promote does: the winner, and this run, in the Variable podstage_ab_winner
    open_from_menu(page, "Admin", "Variables")
    expect(page.get_by_role("row").filter(has_text="podstage_ab_winner")).to_be_visible()
    promoted = json.loads(api.variable("podstage_ab_winner") or "null")
    assert promoted is not None, "promote wrote no Variable podstage_ab_winner"
    assert (promoted["run_id"], promoted["winner"]) == (run_id, "b"), promoted
    assert promoted["variant"]["conn_id"] == "podstage_llm_candidate", promoted
