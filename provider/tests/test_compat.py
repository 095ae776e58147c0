"""The Airflow internals podstage_provider.compat relies on are still there, in the shape it uses them.

Each check fails naming the internal, the shim and the installed Airflow version: an Airflow upgrade that
moves or renames one has to change compat.py (and only compat.py). Each shim also runs once, for real.
"""

from __future__ import annotations

import importlib
import inspect
from datetime import datetime
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any

from airflow.sdk import DAG, BaseOperator
from airflow.sdk.definitions.mappedoperator import MappedOperator

from podstage_provider.compat import TemplatesRenderedHook, current_dag, instantiated_from_mapped

AIRFLOW = f"apache-airflow {version('apache-airflow')} (apache-airflow-task-sdk {version('apache-airflow-task-sdk')})"


def moved(internal: str, shim: str, change: str) -> str:
    return f"{AIRFLOW}: {internal} {change}; podstage_provider.compat.{shim} relies on it: update compat.py"


def make_dag(dag_id: str) -> DAG:
    return DAG(dag_id, schedule=None, start_date=datetime(2025, 1, 1))


class RecordsFromMapped(BaseOperator):
    def __init__(self, *, value: Any = None, **kwargs: Any) -> None:
        self.from_mapped_in_init = instantiated_from_mapped(self)  # before BaseOperator's __init__, as used
        self.value = value
        super().__init__(**kwargs)


class Nested:
    """A templated object inside a template field: Airflow renders it through the same private method."""

    template_fields = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class RecordsRendering(TemplatesRenderedHook, BaseOperator):
    template_fields = ("value", "nested")

    def __init__(self, *, value: Any = None, nested: Nested | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.value = value
        self.nested = nested
        self.rendered: list[tuple[Any, Any]] = []

    def templates_rendered(self, context: Any) -> None:
        self.rendered.append((self.value, self.nested.text if self.nested else None))


def render_context(op: Any, map_index: int = -1) -> dict[str, Any]:
    ti = SimpleNamespace(map_index=map_index, try_number=1, task_id=op.task_id, dag_id=op.dag_id, run_id="r")
    dag_run = SimpleNamespace(conf={}, run_id="r")
    return {"dag": op.dag, "task": op, "run_id": "r", "ti": ti, "task_instance": ti, "dag_run": dag_run, "params": {}}


def test_base_operator_still_flags_an_operator_instantiated_from_a_mapped_task():
    internal = "BaseOperator._BaseOperator__from_mapped (set by BaseOperatorMeta from _airflow_from_mapped)"
    assert "_BaseOperator__from_mapped" in vars(BaseOperator), moved(internal, "instantiated_from_mapped", "is gone")
    assert vars(BaseOperator)["_BaseOperator__from_mapped"] is False, moved(
        internal, "instantiated_from_mapped", "no longer defaults to False"
    )
    assert "resolve" in inspect.signature(MappedOperator.unmap).parameters, moved(
        "MappedOperator.unmap(resolve)", "instantiated_from_mapped", "changed its signature"
    )

    with make_dag("compat_from_mapped"):
        plain = RecordsFromMapped(task_id="plain")
        mapped = RecordsFromMapped.partial(task_id="mapped").expand(value=[1, 2])
    unmapped = mapped.unmap({"value": 2})
    assert plain.from_mapped_in_init is False, moved(internal, "instantiated_from_mapped", "is set for a plain task")
    assert unmapped.from_mapped_in_init is True, moved(
        internal, "instantiated_from_mapped", "is no longer set before the operator's __init__ runs when unmapping"
    )
    assert instantiated_from_mapped(unmapped) and not instantiated_from_mapped(plain)


def test_dag_context_still_knows_the_dag_being_defined():
    internal = "airflow.sdk.definitions._internal.contextmanager.DagContext.get_current()"
    try:
        module = importlib.import_module("airflow.sdk.definitions._internal.contextmanager")
    except ImportError as e:
        raise AssertionError(moved(internal, "current_dag", f"cannot be imported ({e})")) from e
    dag_context = getattr(module, "DagContext", None)
    assert dag_context is not None, moved(internal, "current_dag", "is gone (no DagContext)")
    get_current = getattr(dag_context, "get_current", None)
    assert callable(get_current), moved(internal, "current_dag", "is gone (no DagContext.get_current)")
    required = [p for p in inspect.signature(get_current).parameters.values() if p.default is inspect.Parameter.empty]
    assert not required, moved(internal, "current_dag", f"now requires {[p.name for p in required]}")

    assert current_dag() is None, moved(internal, "current_dag", "returns a DAG outside any `with DAG(...)`")
    with make_dag("compat_current_dag") as dag:
        assert current_dag() is dag, moved(internal, "current_dag", "no longer returns the DAG being defined")
    assert current_dag() is None


def test_templater_still_renders_through_do_render_template_fields():
    internal = "Templater._do_render_template_fields(parent, template_fields, context, jinja_env, seen_oids)"
    method = getattr(BaseOperator, "_do_render_template_fields", None)
    assert callable(method), moved(internal, "TemplatesRenderedHook", "is gone from BaseOperator")
    expected = ["self", "parent", "template_fields", "context", "jinja_env", "seen_oids"]
    assert list(inspect.signature(method).parameters) == expected, moved(
        internal, "TemplatesRenderedHook", f"changed its signature to {inspect.signature(method)}"
    )
    render = inspect.getsource(BaseOperator.render_template_fields)
    assert "_do_render_template_fields" in render, moved(
        internal, "TemplatesRenderedHook", "is no longer what BaseOperator.render_template_fields calls"
    )

    with make_dag("compat_render"):
        op = RecordsRendering(task_id="plain", value="{{ 1 + 1 }}", nested=Nested("{{ run_id }}"))
    op.render_template_fields(render_context(op))
    assert op.rendered == [("2", "r")], moved(
        internal, "TemplatesRenderedHook", f"no longer runs once after the fields are rendered: {op.rendered}"
    )


def test_a_mapped_task_still_renders_through_do_render_template_fields():
    internal = "MappedOperator.render_template_fields → unmapped._do_render_template_fields(parent=..., ...)"
    render = inspect.getsource(MappedOperator.render_template_fields)
    assert "._do_render_template_fields(" in render, moved(internal, "TemplatesRenderedHook", "no longer calls it")
    with make_dag("compat_render_mapped"):
        mapped = RecordsRendering.partial(task_id="mapped").expand(value=["{{ 1 + 1 }}", "{{ 2 + 2 }}"])
    context = render_context(mapped, map_index=1)
    mapped.render_template_fields(context)
    unmapped = context["task"]
    assert isinstance(unmapped, RecordsRendering), moved(
        internal, "TemplatesRenderedHook", f"no longer puts the unmapped task in the context: {unmapped!r}"
    )
    assert unmapped.rendered == [("4", None)], moved(
        internal, "TemplatesRenderedHook", f"no longer renders a mapped task through it: {unmapped.rendered}"
    )
