"""Households (户) with their category; members are workers."""
from sqlalchemy import Column, Integer, String, Text
from sqlalchemy.orm import relationship, validates

from app.models.base import AuditMixin, Model
from app.models.village import VillageOwned
from app.services.identity import parse_id_number


class Household(VillageOwned, AuditMixin, Model):
    __tablename__ = "household"

    id = Column(Integer, primary_key=True)
    group_name = Column(String(30), nullable=True)
    head_name = Column(String(50), nullable=False, index=True)
    head_id_number = Column(String(18), unique=True, nullable=False)
    category = Column(String(10), nullable=False, default="一般户", index=True)
    notes = Column(Text, nullable=True)

    members = relationship("Worker", back_populates="household", order_by="Worker.id")

    @validates("head_id_number")
    def _normalise_head_id(self, _key, value):
        return parse_id_number(value).number

    def __str__(self):
        village = self.village.name if self.village else ""
        return f"{village}{self.group_name or ''} {self.head_name}户"
