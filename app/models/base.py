"""Shared model pieces: the audit columns every business table carries."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import declared_attr, relationship

from app.security.actor import current_user_id

__all__ = ["Model", "AuditMixin"]


def _now():
    return datetime.now()


class AuditMixin:
    """Who created and last changed a row, and when (SPEC §3)."""

    created_on = Column(DateTime, default=_now, nullable=False)
    changed_on = Column(DateTime, default=_now, onupdate=_now, nullable=False)

    @declared_attr
    def created_by_fk(cls):
        return Column(Integer, ForeignKey("ab_user.id"), default=current_user_id, nullable=True)

    @declared_attr
    def changed_by_fk(cls):
        return Column(
            Integer,
            ForeignKey("ab_user.id"),
            default=current_user_id,
            onupdate=current_user_id,
            nullable=True,
        )

    @declared_attr
    def created_by(cls):
        return relationship(
            "LingongUser", primaryjoin=f"{cls.__name__}.created_by_fk == LingongUser.id",
            viewonly=True,
        )

    @declared_attr
    def changed_by(cls):
        return relationship(
            "LingongUser", primaryjoin=f"{cls.__name__}.changed_by_fk == LingongUser.id",
            viewonly=True,
        )
