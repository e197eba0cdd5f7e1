"""The read-only operation log list."""
import json

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.models import OperationLog
from app.security.permissions import RESOURCE_OPERATION_LOG
from app.views.filters import LedgerInterface
from app.views.base import LedgerModelView
from app.views.labels import (
    EMPLOYER_LABELS,
    HOUSEHOLD_LABELS,
    JOB_LABELS,
    JOB_TYPE_LABELS,
    OPLOG_LABELS,
    VILLAGE_LABELS,
    WORKER_LABELS,
)

TABLE_LABELS = {
    "worker": _l("劳动力"),
    "household": _l("户"),
    "job": _l("用工需求"),
    "employer": _l("用工主体"),
    "village": _l("村(社区)"),
    "job_type": _l("工种"),
    "ab_user": _l("用户"),
    "operation_log": _l("操作日志"),
}
FIELD_LABELS = {
    "worker": WORKER_LABELS,
    "household": HOUSEHOLD_LABELS,
    "job": JOB_LABELS,
    "employer": EMPLOYER_LABELS,
    "village": VILLAGE_LABELS,
    "job_type": JOB_TYPE_LABELS,
}


def _table(value):
    return TABLE_LABELS.get(value, value or "")


def _time(value):
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _changes(value):
    """The recorded changes as “字段：旧 → 新” lines, with the field's Chinese label."""
    if not value:
        return ""
    try:
        changes = json.loads(value)
    except ValueError:
        return value
    labels = {}
    for group in FIELD_LABELS.values():
        labels.update({k: str(v) for k, v in group.items()})
    lines = []
    for field, (old, new) in changes.items():
        label = labels.get(field.removesuffix("_id"), labels.get(field, field))
        lines.append(f"{escape(label)}：{escape('' if old is None else old)} → {escape('' if new is None else new)}")
    return Markup("<br>".join(lines))


class OperationLogView(LedgerModelView):
    datamodel = LedgerInterface(OperationLog)
    class_permission_name = RESOURCE_OPERATION_LOG
    base_permissions = ["can_read"]
    list_title = show_title = _l("操作日志")
    list_columns = ["at", "username", "role", "village", "ip", "action", "resource", "record_id", "summary"]
    show_columns = list_columns + ["changes"]
    search_columns = ["at", "username", "action", "resource", "record_id", "ip"]
    base_order = ("id", "desc")
    label_columns = OPLOG_LABELS
    formatters_columns = {"at": _time, "resource": _table, "changes": _changes}
    add_query_rel_fields = edit_query_rel_fields = {}
