"""The job-type dictionary (工种)."""
from sqlalchemy import Column, Integer, String

from app.models.base import AuditMixin, Model


class JobType(AuditMixin, Model):
    __tablename__ = "job_type"

    id = Column(Integer, primary_key=True)
    name = Column(String(30), unique=True, nullable=False)
    occupation_code = Column(String(20), nullable=True)
    sort_order = Column(Integer, nullable=False, default=0)

    def __str__(self):
        return self.name
