"""Weekly village reports (周报) and the 10-day scoring (旬调度): settings, periods, village scores."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin, Model
from app.models.village import VillageOwned
from app.models.worker import Worker

REPORT_DRAFT = "草稿"
REPORT_SUBMITTED = "已报送"
REPORT_STATUSES = (REPORT_DRAFT, REPORT_SUBMITTED)
# How a report reached the 社保所: from the system, or on paper / by WeChat (recorded by the office).
REPORT_CHANNELS = ("系统报送", "纸质", "微信")
INDICATORS = ("I1", "I2", "I3", "I4", "I5")


class WeeklyReport(VillageOwned, AuditMixin, Model):
    """One village's report for one ISO week; the figures are drafted from the ledgers."""

    __tablename__ = "weekly_report"
    __table_args__ = (UniqueConstraint("village_id", "year", "week", name="uq_weekly_report_village_week"),)

    id = Column(Integer, primary_key=True)
    year = Column(Integer, nullable=False)
    week = Column(Integer, nullable=False)
    new_workers = Column(Integer, nullable=False, default=0)
    updated_workers = Column(Integer, nullable=False, default=0)
    jobs_collected = Column(Integer, nullable=False, default=0)
    referrals = Column(Integer, nullable=False, default=0)
    placements = Column(Integer, nullable=False, default=0)
    open_disputes = Column(Integer, nullable=False, default=0)
    summary = Column(Text, nullable=True)
    problems = Column(Text, nullable=True)
    status = Column(String(10), nullable=False, default=REPORT_DRAFT)
    channel = Column(String(10), nullable=True)
    submitted_at = Column(DateTime, nullable=True)
    submitted_by_fk = Column(Integer, ForeignKey("ab_user.id"), nullable=True)

    submitted_by = relationship("LingongUser", foreign_keys=[submitted_by_fk], viewonly=True)

    label = _l("周报")

    def __str__(self):
        village = self.village.name if self.village else ""
        return f"{village} {self.year}年第{self.week}周"


class _Weights:
    """The editable scoring rule: weights, the I2 window and the I3 target (SPEC §4)."""

    weight_i1 = Column(Integer, nullable=False, default=25)
    weight_i2 = Column(Integer, nullable=False, default=25)
    weight_i3 = Column(Integer, nullable=False, default=15)
    weight_i4 = Column(Integer, nullable=False, default=25)
    weight_i5 = Column(Integer, nullable=False, default=10)
    i2_window_days = Column(Integer, nullable=False, default=29)
    i3_target = Column(Integer, nullable=False, default=2)

    @property
    def weights(self):
        return {name: getattr(self, f"weight_{name.lower()}") for name in INDICATORS}


class ScoringSettings(_Weights, AuditMixin, Model):
    """The current rule (one row), edited by the 社保所; copied into each computed period."""

    __tablename__ = "scoring_settings"

    id = Column(Integer, primary_key=True)
    # Empty: 4月中旬 of the period's year (SPEC §4).
    first_period = Column(String(10), nullable=True)

    def __str__(self):
        return str(_l("旬调度评分规则"))


class ScoringPeriod(_Weights, AuditMixin, Model):
    """One computed 旬 with the rule it was computed under; frozen once published."""

    __tablename__ = "scoring_period"

    id = Column(Integer, primary_key=True)
    key = Column(String(10), nullable=False, unique=True)
    year = Column(Integer, nullable=False, index=True)
    start_on = Column(Date, nullable=False)
    end_on = Column(Date, nullable=False)
    computed_at = Column(DateTime, nullable=False)
    published_at = Column(DateTime, nullable=True)
    published_by_fk = Column(Integer, ForeignKey("ab_user.id"), nullable=True)

    published_by = relationship("LingongUser", foreign_keys=[published_by_fk], viewonly=True)
    scores = relationship(
        "VillageScore", back_populates="period", cascade="all, delete-orphan", order_by="VillageScore.position",
    )

    @property
    def published(self):
        return self.published_at is not None

    def __str__(self):
        return self.key


class VillageScore(Model):
    """A village's five indicators in one period: the numbers behind each, total and rank."""

    __tablename__ = "village_score"
    __table_args__ = (
        UniqueConstraint("period_id", "village_id", name="uq_village_score_period_village"),
        CheckConstraint("rank >= 1", name="ck_village_score_rank_positive"),
    )

    id = Column(Integer, primary_key=True)
    period_id = Column(Integer, ForeignKey("scoring_period.id", ondelete="CASCADE"), nullable=False)
    village_id = Column(Integer, ForeignKey("village.id"), nullable=False, index=True)
    i1_num = Column(Integer, nullable=False)
    i1_den = Column(Integer, nullable=False)
    i2_num = Column(Integer, nullable=False)
    i2_den = Column(Integer, nullable=False)
    i3_num = Column(Integer, nullable=False)
    i3_den = Column(Integer, nullable=False)
    i4_num = Column(Integer, nullable=False)
    i4_den = Column(Integer, nullable=False)
    i5_num = Column(Integer, nullable=False)
    i5_den = Column(Integer, nullable=False)
    total = Column(Numeric(5, 1), nullable=False)
    rank = Column(Integer, nullable=False)
    # Listing order: rank, then village sort_order (ties share a rank).
    position = Column(Integer, nullable=False)

    period = relationship("ScoringPeriod", back_populates="scores")
    village = relationship("Village")

    def __str__(self):
        return f"{self.period.key if self.period else ''} {self.village.name if self.village else ''}".strip()


# The scoring's aggregates over the worker ledger read these indexes only (bench/scoring.py):
# I2 counts labour-force workers per village by verified_on; I4 asks, per key household,
# whether a member is in the labour force (the employed-member test uses ix_worker_household_status).
Index("ix_worker_scoring", Worker.village_id, Worker.labor_capacity, Worker.employment_status, Worker.verified_on)
Index("ix_worker_household_labour", Worker.household_id, Worker.labor_capacity, Worker.employment_status)
