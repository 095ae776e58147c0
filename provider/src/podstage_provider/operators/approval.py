"""Human approval with a switch for unattended runs (demos, CI, ``airflow dags test``).

:class:`PodstageApprovalOperator` is Airflow's HITL :class:`ApprovalOperator` (Approve / Reject in
the "Required actions" view). A run waits there for a person, which ``airflow dags test`` would do
forever; so when ``auto_approve`` renders true, the operator records an approval by
"podstage-auto-approve" instead of waiting, and everything downstream runs as after a real Approve.

The example DAGs template ``auto_approve`` from the run's ``auto_approve`` param (``-c
'{"auto_approve": true}'``) or the Airflow Variable ``podstage_auto_approve``, both false by default:
a production run always waits for a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.providers.standard.operators.hitl import ApprovalOperator
from airflow.sdk.timezone import utcnow

if TYPE_CHECKING:
    from airflow.sdk import Context

AUTO_APPROVER = {"id": "podstage-auto-approve", "name": "podstage auto-approve (demo mode)"}


def truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class PodstageApprovalOperator(ApprovalOperator):
    """Approve/Reject by a person, or auto-approved when ``auto_approve`` renders true.

    :param auto_approve: templated; true, "true", "1", "yes" or "on" approve without waiting.
    """

    template_fields = (*ApprovalOperator.template_fields, "auto_approve")

    def __init__(self, *, auto_approve: bool | str = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.auto_approve = auto_approve

    def execute(self, context: Context) -> Any:
        if not truthy(self.auto_approve):
            return super().execute(context)
        self.log.warning("auto-approved (auto_approve=%r): no person was asked", self.auto_approve)
        event = {
            "chosen_options": [self.APPROVE],
            "params_input": {},
            "responded_at": utcnow(),
            "responded_by_user": dict(AUTO_APPROVER),
        }
        return self.execute_complete(context, event)
