"""The read-only operation log list."""
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models import OperationLog
from app.security.permissions import RESOURCE_OPERATION_LOG
from app.views.base import LedgerModelView
from app.views.labels import OPLOG_LABELS


class OperationLogView(LedgerModelView):
    datamodel = SQLAInterface(OperationLog)
    class_permission_name = RESOURCE_OPERATION_LOG
    base_permissions = ["can_read"]
    list_title = show_title = _l("操作日志")
    list_columns = ["at", "username", "role", "village", "ip", "action", "resource", "record_id", "summary"]
    show_columns = list_columns + ["changes"]
    search_columns = ["at", "username", "action", "resource", "record_id", "ip"]
    base_order = ("id", "desc")
    label_columns = OPLOG_LABELS
    add_query_rel_fields = edit_query_rel_fields = {}
