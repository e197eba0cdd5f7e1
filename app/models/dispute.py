"""Labour disputes (劳资纠纷) with their timeline (办理记录), and subsidy-application guidance."""
from datetime import timedelta

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Numeric, String, Table, Text
from sqlalchemy.orm import relationship, validates

from app.models.base import AuditMixin, Model
from app.models.enums import DISPUTE_CONCLUDED_STATUSES
from app.models.village import VillageOwned

# 劳动争议调解仲裁法 art. 14: mediation ends within 15 days of receipt.
MEDIATION_DAYS = 15

dispute_applicant = Table(
    "dispute_applicant",
    Model.metadata,
    Column("dispute_id", Integer, ForeignKey("dispute.id", ondelete="CASCADE"), primary_key=True),
    Column("worker_id", Integer, ForeignKey("worker.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class DisputeCounter(Model):
    """The last case number given out per receipt year; one row per year, bumped atomically."""

    __tablename__ = "dispute_counter"

    year = Column(Integer, primary_key=True, autoincrement=False)
    last_no = Column(Integer, nullable=False, default=0)


class Dispute(VillageOwned, AuditMixin, Model):
    __tablename__ = "dispute"
    __table_args__ = (
        Index("ix_dispute_village_received", "village_id", "received_on"),
        Index("ix_dispute_status_deadline", "status", "deadline"),
    )

    id = Column(Integer, primary_key=True)
    case_no = Column(String(20), unique=True, nullable=False)
    received_on = Column(Date, nullable=False)
    source = Column(String(20), nullable=False, default="来访")
    applicant_names = Column(String(200), nullable=False)
    workers_involved = Column(Integer, nullable=False, default=1)
    respondent_employer_id = Column(Integer, ForeignKey("employer.id"), nullable=True, index=True)
    respondent_name = Column(String(100), nullable=False)
    kind = Column(String(10), nullable=False, default="拖欠工资")
    amount_claimed = Column(Numeric(12, 2), nullable=True)
    description = Column(Text, nullable=True)
    status = Column(String(10), nullable=False, default="已登记")
    accepted_on = Column(Date, nullable=True)
    deadline = Column(Date, nullable=False)
    handler = Column(String(50), nullable=True)
    closed_on = Column(Date, nullable=True)
    amount_recovered = Column(Numeric(12, 2), nullable=True)
    outcome = Column(Text, nullable=True)
    agreement = Column(Text, nullable=True)

    respondent_employer = relationship("Employer")
    applicant_workers = relationship("Worker", secondary=dispute_applicant, order_by="Worker.id")
    events = relationship(
        "DisputeEvent", back_populates="dispute", cascade="all, delete-orphan",
        order_by="(DisputeEvent.happened_on, DisputeEvent.id)",
    )

    @validates("received_on")
    def _set_deadline(self, _key, value):
        self.deadline = None if value is None else value + timedelta(days=MEDIATION_DAYS)
        return value

    @property
    def concluded(self):
        return self.status in DISPUTE_CONCLUDED_STATUSES

    @property
    def time_flags(self):
        """The late flags today (待受理, 已超期, 即将到期), joined for lists and pages."""
        from app.services.disputes import flags

        return "、".join(flags(self))

    def __str__(self):
        return self.case_no or ""


class DisputeEvent(AuditMixin, Model):
    """One entry of a case's timeline; the transitions write theirs, users add the rest."""

    __tablename__ = "dispute_event"

    id = Column(Integer, primary_key=True)
    dispute_id = Column(Integer, ForeignKey("dispute.id", ondelete="CASCADE"), nullable=False, index=True)
    happened_on = Column(Date, nullable=False)
    action = Column(String(10), nullable=False)
    content = Column(Text, nullable=True)

    dispute = relationship("Dispute", back_populates="events")

    def __str__(self):
        return f"{self.dispute.case_no if self.dispute else ''} {self.action}".strip()


class Subsidy(AuditMixin, Model):
    """Guidance given to an employer for one employment-subsidy application."""

    __tablename__ = "subsidy"

    id = Column(Integer, primary_key=True)
    employer_id = Column(Integer, ForeignKey("employer.id"), nullable=False, index=True)
    subsidy_type = Column(String(20), nullable=False)
    people_count = Column(Integer, nullable=False, default=0)
    amount = Column(Numeric(12, 2), nullable=True)
    status = Column(String(10), nullable=False, default="指导中", index=True)
    guided_on = Column(Date, nullable=True)
    applied_on = Column(Date, nullable=True)
    decided_on = Column(Date, nullable=True)
    amount_paid = Column(Numeric(12, 2), nullable=True)
    note = Column(Text, nullable=True)

    employer = relationship("Employer")

    def __str__(self):
        return f"{self.employer.name if self.employer else ''} {self.subsidy_type}".strip()
