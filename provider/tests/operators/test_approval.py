"""Human approval, and its unattended shortcut."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG

from podstage_provider.operators import PodstageApprovalOperator
from podstage_provider.operators.approval import truthy


def test_truthy_and_auto_approval_shortcut():
    assert truthy(True) and truthy("true") and truthy(" Yes ") and truthy("1")
    assert not truthy(False) and not truthy("false") and not truthy(None) and not truthy("")
    with DAG("approve_test", schedule=None, start_date=datetime(2025, 1, 1)):
        op = PodstageApprovalOperator(task_id="approve", subject="Promote?", auto_approve="true")
    result = op.execute({"ti": None, "task": op, "task_instance": None})
    assert result["chosen_options"] == ["Approve"]
    assert result["responded_by_user"]["id"] == "podstage-auto-approve"
