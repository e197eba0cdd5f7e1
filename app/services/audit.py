"""The operation log: every create, update and delete, login and logout, import and export.

Row changes are captured in one place, a session ``after_flush`` hook, and written
in the same transaction as the change they describe.
"""
import json
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from app.models import OperationLog
from app.models.base import AuditMixin
from app.models.user import LingongUser
from app.security.actor import current_actor

ACTION_CREATE = "新增"
ACTION_UPDATE = "修改"
ACTION_DELETE = "删除"
ACTION_LOGIN = "登录"
ACTION_LOGIN_FAILED = "登录失败"
ACTION_LOGOUT = "退出"
ACTION_LOCKED = "账户锁定"
ACTION_IMPORT = "导入"
ACTION_EXPORT = "导出"

_IGNORED_COLUMNS = {"changed_on", "changed_by_fk", "created_on", "created_by_fk"}
_USER_NOISE = {"last_login", "login_count", "fail_login_count", "locked_until"}
_SECRET_COLUMNS = {"password"}


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _who(user=None):
    actor = user if user is not None else current_actor()
    if not hasattr(actor, "username"):
        return {"user_id": None, "username": None, "role": None, "village": None}
    return {
        "user_id": actor.id,
        "username": actor.username,
        "role": "、".join(sorted(r.name for r in actor.roles)),
        "village": actor.village.name if getattr(actor, "village", None) else None,
    }


def _ip():
    return request.remote_addr if has_request_context() else "命令行"


def log_row(action, resource=None, record_id=None, summary=None, changes=None, user=None, username=None):
    """A log row as a dict ready for INSERT."""
    row = _who(user)
    if username and not row["username"]:
        row["username"] = username
    row.update(
        at=datetime.now(),
        ip=_ip(),
        action=action,
        resource=resource,
        record_id=None if record_id is None else str(record_id),
        summary=(summary or "")[:500] or None,
        changes=json.dumps(changes, ensure_ascii=False) if changes else None,
    )
    return row


def record(session, action, **fields):
    """Write one log row in the session's current transaction (not committed here)."""
    session.execute(insert(OperationLog), [log_row(action, **fields)])


def _logged(obj):
    return isinstance(obj, (AuditMixin, LingongUser))


def _changes(obj):
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _IGNORED_COLUMNS:
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        if key in _SECRET_COLUMNS:
            old, new = "******", "******"
        changes[key] = [_plain(old), _plain(new)]
    return changes


@event.listens_for(Session, "after_flush")
def _log_flush(session, _flush_context):
    rows = []
    for obj in session.new:
        if _logged(obj):
            rows.append(log_row(ACTION_CREATE, obj.__tablename__, obj.id, str(obj)))
    for obj in session.dirty:
        if _logged(obj) and session.is_modified(obj):
            changes = _changes(obj)
            if isinstance(obj, LingongUser) and set(changes) <= _USER_NOISE:
                continue
            if changes:
                rows.append(log_row(ACTION_UPDATE, obj.__tablename__, obj.id, str(obj), changes))
    for obj in session.deleted:
        if _logged(obj):
            rows.append(log_row(ACTION_DELETE, obj.__tablename__, obj.id, str(obj)))
    if rows:
        session.connection().execute(insert(OperationLog), rows)
