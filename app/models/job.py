"""The job-demand ledger (单位岗位需求台账)."""
from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import relationship, validates

from app.models.base import AuditMixin, Model
from app.services.identity import normalize_phone


class Job(AuditMixin, Model):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("headcount >= 1", name="ck_job_headcount_positive"),
        {"extend_existing": True},
    )

    id = Column(Integer, primary_key=True)
    employer_id = Column(Integer, ForeignKey("employer.id"), nullable=False, index=True)
    title = Column(String(100), nullable=False)
    job_type_id = Column(Integer, ForeignKey("job_type.id"), nullable=False, index=True)
    headcount = Column(Integer, nullable=False, default=1)
    work_place = Column(String(100), nullable=True)
    work_start = Column(Date, nullable=True)
    work_end = Column(Date, nullable=True)
    work_hours = Column(String(100), nullable=True)
    wage_amount = Column(Numeric(10, 2), nullable=True)
    wage_unit = Column(String(10), nullable=False, default="元/天")
    requirements = Column(Text, nullable=True)
    age_min = Column(Integer, nullable=True)
    age_max = Column(Integer, nullable=True)
    gender_req = Column(String(4), nullable=False, default="不限")
    meals = Column(Boolean, nullable=False, default=False)
    lodging = Column(Boolean, nullable=False, default=False)
    transport = Column(String(100), nullable=True)
    insured = Column(Boolean, nullable=False, default=False)
    insurance_note = Column(String(200), nullable=True)
    status = Column(String(10), nullable=False, default="待发布", index=True)
    village_id = Column(Integer, ForeignKey("village.id"), nullable=True, index=True)
    source_office = Column(String(20), nullable=False, default="村(社区)采集", index=True)
    collected_on = Column(Date, nullable=True, default=date.today)
    published_on = Column(Date, nullable=True)
    contact_name = Column(String(50), nullable=True)
    contact_phone = Column(String(20), nullable=True)

    employer = relationship("Employer", back_populates="jobs")
    job_type = relationship("JobType")
    village = relationship("Village")

    @validates("contact_phone")
    def _normalise_phone(self, _key, value):
        return normalize_phone(value) or None

    def __str__(self):
        return self.title
