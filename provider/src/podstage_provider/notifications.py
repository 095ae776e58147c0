"""Alerts from a DAG: a loud log line always, and a webhook POST when a connection is configured.

``PodstageAlertNotifier`` is an Airflow notifier (usable as ``on_failure_callback``) and can be
called directly from a task. The webhook is the ``host`` (full URL) of the HTTP-style connection
``podstage_alerts`` when it exists (Slack/Teams/Alertmanager-style receivers accept a JSON POST);
without it the alert is the ERROR log line, which log-based alerting picks up.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

from airflow.sdk import BaseHook, BaseNotifier

log = logging.getLogger(__name__)

ALERT_CONN_ID = "podstage_alerts"


def send_alert(title: str, details: dict[str, Any], *, conn_id: str = ALERT_CONN_ID) -> bool:
    """Logs the alert; POSTs it to the webhook of ``conn_id`` when that connection exists. True if posted."""
    log.error("PODSTAGE ALERT: %s %s", title, json.dumps(details, sort_keys=True, default=str))
    try:
        conn = BaseHook.get_connection(conn_id)
    except Exception:
        return False
    url = conn.host or ""
    if not url.startswith(("http://", "https://")):
        log.warning("connection %s has no http(s) URL in host: alert not posted", conn_id)
        return False
    body = json.dumps({"text": f"Podstage alert: {title}", "title": title, "details": details}, default=str)
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=body.encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            return True
    except Exception as e:  # an alert channel that is down must not hide the original failure
        log.warning("alert webhook %s failed: %s", conn_id, e)
        return False


class PodstageAlertNotifier(BaseNotifier):
    """Notifier for task/DAG callbacks: ``on_failure_callback=PodstageAlertNotifier("p95 too high")``."""

    template_fields = ("title",)

    def __init__(self, title: str = "Podstage task failed", conn_id: str = ALERT_CONN_ID) -> None:
        super().__init__()
        self.title = title
        self.conn_id = conn_id

    def notify(self, context: Any) -> None:
        ti = context.get("ti") or context.get("task_instance")
        details = {
            "dag_id": getattr(ti, "dag_id", None),
            "task_id": getattr(ti, "task_id", None),
            "run_id": getattr(ti, "run_id", None),
            "map_index": getattr(ti, "map_index", None),
            "exception": str(context.get("exception")) if context.get("exception") else None,
        }
        send_alert(self.title, details, conn_id=self.conn_id)
