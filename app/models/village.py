"""Villages and communities (村/社区) of the town, and the mixin for rows owned by one."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declared_attr, relationship

from app.models.base import AuditMixin, Model


class Village(AuditMixin, Model):
    __tablename__ = "village"

    id = Column(Integer, primary_key=True)
    name = Column(String(50), unique=True, nullable=False)
    kind = Column(String(10), nullable=False, default="村")
    code = Column(String(12), nullable=True)
    sort_order = Column(Integer, nullable=False, default=0)

    label = _l("村(社区)")

    def __str__(self):
        return self.name


class VillageOwned:
    """A row that belongs to exactly one village; the row rule keys on ``village_id``."""

    @declared_attr
    def village_id(cls):
        return Column(Integer, ForeignKey("village.id"), nullable=False, index=True)

    @declared_attr
    def village(cls):
        return relationship(Village)
