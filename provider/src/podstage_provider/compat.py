"""Every use of an Airflow internal in the provider, in one place.

Airflow offers no public way to do these few things. Each shim says which internal it relies on and why;
provider/tests/test_compat.py checks each internal is still there with the shape used here and runs each
shim once, so an Airflow upgrade that moves one fails there, naming it, rather than somewhere in a DAG.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2
    from airflow.sdk import DAG, BaseOperator, Context

    # For the type checker the mixin is an operator, so that ``super()`` has the method it extends.
    _Operator = BaseOperator
else:
    _Operator = object


def instantiated_from_mapped(operator: BaseOperator) -> bool:
    """Is ``operator`` being created for one task instance of a mapped task (``.partial().expand()``)?

    Relies on BaseOperator's private attribute ``_BaseOperator__from_mapped`` (``__from_mapped``, name-mangled):
    BaseOperator's ``__init__`` wrapper (BaseOperatorMeta) sets it from ``MappedOperator.unmap``'s
    ``_airflow_from_mapped=True`` before the operator's own ``__init__`` runs, which is when a default has to
    be chosen; Airflow offers no public way to tell.
    """
    return bool(getattr(operator, "_BaseOperator__from_mapped", False))


def current_dag() -> DAG | None:
    """The DAG of the enclosing ``with DAG(...):`` block, if any.

    Relies on ``DagContext.get_current()`` of the private module
    ``airflow.sdk.definitions._internal.contextmanager``: an operator's ``partial()`` override needs the DAG's
    ``default_args`` before BaseOperator.partial looks them up, and nothing public returns the DAG being defined.
    """
    from airflow.sdk.definitions._internal.contextmanager import DagContext  # noqa: PLC0415 - private, only here

    return DagContext.get_current()


class TemplatesRenderedHook(_Operator):
    """A mixin for an operator (listed before the operator class it extends) that calls
    :meth:`templates_rendered` once the operator's own template fields are rendered, before anything reads them.

    Relies on the private method ``Templater._do_render_template_fields(parent, template_fields, context,
    jinja_env, seen_oids)`` (``airflow.sdk.definitions._internal.templater``). For a mapped task Airflow renders
    through it directly (``MappedOperator.render_template_fields`` calls it on the unmapped operator with keyword
    arguments), bypassing the operator's public ``render_template_fields``; it is the one place that runs for
    mapped and unmapped tasks alike, for a run and for the Rendered Templates view. Airflow also calls it for
    nested templated objects, whose ``parent`` is not the operator.
    """

    def _do_render_template_fields(
        self,
        parent: Any,
        template_fields: Iterable[str],
        context: Context,
        jinja_env: jinja2.Environment,
        seen_oids: set[int],
    ) -> None:
        super()._do_render_template_fields(parent, template_fields, context, jinja_env, seen_oids)
        if parent is self:
            self.templates_rendered(context)

    def templates_rendered(self, context: Context) -> None:
        """Called once the operator's template fields hold their rendered values (subclasses)."""
