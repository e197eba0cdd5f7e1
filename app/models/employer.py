"""Employers (用工主体 / 市场主体) that publish labour demand."""
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship, validates

from app.models.base import AuditMixin, Model
from app.services.identity import normalize_credit_code, normalize_phone


class Employer(AuditMixin, Model):
    __tablename__ = "employer"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), unique=True, nullable=False)
    kind = Column(String(20), nullable=False, default="企业")
    credit_code = Column(String(18), nullable=True)
    contact_name = Column(String(50), nullable=True)
    contact_phone = Column(String(20), nullable=True)
    address = Column(String(200), nullable=True)
    village_id = Column(Integer, ForeignKey("village.id"), nullable=True, index=True)
    source_office = Column(String(20), nullable=False, default="村(社区)采集", index=True)
    notes = Column(Text, nullable=True)

    village = relationship("Village")
    jobs = relationship("Job", back_populates="employer", order_by="Job.id.desc()")

    @validates("credit_code")
    def _normalise_credit_code(self, _key, value):
        return normalize_credit_code(value) or None

    @validates("contact_phone")
    def _normalise_phone(self, _key, value):
        return normalize_phone(value) or None

    def __str__(self):
        return self.name
