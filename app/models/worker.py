"""The labour-force ledger (劳动力信息台账): one row per person."""
from datetime import date

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, Numeric, String, Text, event, inspect
from sqlalchemy.orm import relationship, validates

from app.models.base import AuditMixin, Model
from app.models.enums import EMPLOYED_STATUSES, NO_LABOR_CAPACITY, NOT_SEEKING_STATUS
from app.models.village import VillageOwned
from app.services.identity import normalize_phone, parse_id_number


class Worker(VillageOwned, AuditMixin, Model):
    __tablename__ = "worker"
    __table_args__ = (
        Index("ix_worker_village_name", "village_id", "name"),
        Index("ix_worker_village_status", "village_id", "employment_status"),
        {"extend_existing": True},
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, index=True)
    id_number = Column(String(18), unique=True, nullable=False)
    gender = Column(String(2), nullable=False)
    birth_date = Column(Date, nullable=False)
    phone = Column(String(20), nullable=True)
    group_name = Column(String(30), nullable=True)
    household_id = Column(Integer, ForeignKey("household.id"), nullable=True, index=True)
    relation = Column(String(10), nullable=True)
    is_poverty_alleviated = Column(Boolean, nullable=False, default=False)
    is_monitored = Column(Boolean, nullable=False, default=False)
    is_hard_to_employ = Column(Boolean, nullable=False, default=False)
    education = Column(String(10), nullable=True)
    health = Column(String(10), nullable=True)
    labor_capacity = Column(String(10), nullable=False, default="普通劳动力")
    employment_status = Column(String(10), nullable=False, default="未就业", index=True)
    work_place = Column(String(100), nullable=True)
    employer_name = Column(String(100), nullable=True)
    skills = Column(String(200), nullable=True)
    wanted_job_types = Column(String(200), nullable=True)
    work_range = Column(String(10), nullable=True)
    expected_daily_wage = Column(Numeric(10, 2), nullable=True)
    verified_on = Column(Date, nullable=True, default=date.today)
    notes = Column(Text, nullable=True)

    household = relationship("Household", back_populates="members")

    @validates("id_number")
    def _normalise_id(self, _key, value):
        parsed = parse_id_number(value)
        self.gender = parsed.gender
        self.birth_date = parsed.birth_date
        return parsed.number

    @validates("phone")
    def _normalise_phone(self, _key, value):
        return normalize_phone(value) or None

    @property
    def is_employed(self):
        return self.employment_status in EMPLOYED_STATUSES

    @property
    def in_labour_force(self):
        return self.labor_capacity != NO_LABOR_CAPACITY and self.employment_status != NOT_SEEKING_STATUS

    def __str__(self):
        return self.name


@event.listens_for(Worker, "before_update")
def _verified_today(_mapper, _connection, worker):
    """SPEC §3: ``verified_on`` is set to today on every edit unless the edit gives it."""
    state = inspect(worker)
    if not state.attrs.verified_on.history.has_changes():
        worker.verified_on = date.today()
