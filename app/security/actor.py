"""Who is acting: the logged-in user in a request, or the user a CLI command acts as.

Outside a request and with no user set, the actor is the system itself (``flask init``,
``flask demo``), which the row rule does not restrict.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context

SYSTEM = "system"
ANONYMOUS = "anonymous"

_acting_user = ContextVar("lingong_acting_user", default=None)


@contextmanager
def acting_as(user):
    """Run a block as ``user`` (CLI ``--as``, services called outside a request)."""
    token = _acting_user.set(user)
    try:
        yield user
    finally:
        _acting_user.reset(token)


def current_actor():
    """The acting user object, ``ANONYMOUS`` or ``SYSTEM``."""
    user = _acting_user.get()
    if user is not None:
        return user
    if has_request_context():
        user = g.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return ANONYMOUS
    return SYSTEM


def current_user_id():
    actor = current_actor()
    return getattr(actor, "id", None)
