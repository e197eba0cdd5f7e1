"""Point-to-point matching records: referrals (推荐对接) and placements (务工记录).

Both rows belong to the village of their worker (``village_id`` is copied from the
worker when the row is made), so the row rule of ``app.security.scoping`` keys on
one column, as for workers and households.
"""
from datetime import date

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin, Model
from app.models.village import VillageOwned
from app.models.worker import Worker


class Referral(VillageOwned, AuditMixin, Model):
    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_job_worker", "job_id", "worker_id"),)

    id = Column(Integer, primary_key=True)
    job_id = Column(Integer, ForeignKey("job.id"), nullable=False)
    worker_id = Column(Integer, ForeignKey("worker.id"), nullable=False, index=True)
    status = Column(String(10), nullable=False, default="已推荐", index=True)
    referred_on = Column(Date, nullable=False, default=date.today)
    note = Column(Text, nullable=True)

    job = relationship("Job")
    worker = relationship("Worker")

    def __str__(self):
        worker = self.worker.name if self.worker else self.worker_id
        job = self.job.title if self.job else self.job_id
        return f"{worker} → {job}"


class Placement(VillageOwned, AuditMixin, Model):
    __tablename__ = "placement"
    __table_args__ = (Index("ix_placement_worker_end", "worker_id", "end_date"),)

    id = Column(Integer, primary_key=True)
    worker_id = Column(Integer, ForeignKey("worker.id"), nullable=False)
    job_id = Column(Integer, ForeignKey("job.id"), nullable=True, index=True)
    employer_id = Column(Integer, ForeignKey("employer.id"), nullable=True, index=True)
    referral_id = Column(Integer, ForeignKey("referral.id"), nullable=True, index=True)
    employer_name = Column(String(100), nullable=True)
    start_date = Column(Date, nullable=False, default=date.today)
    end_date = Column(Date, nullable=True)
    daily_wage = Column(Numeric(10, 2), nullable=True)
    work_place = Column(String(100), nullable=True)
    kind = Column(String(10), nullable=False, default="就地就近")
    note = Column(Text, nullable=True)

    worker = relationship("Worker")
    job = relationship("Job")
    employer = relationship("Employer")
    referral = relationship("Referral")

    def __str__(self):
        worker = self.worker.name if self.worker else self.worker_id
        return f"{worker} @ {self.employer_name or ''}".strip()


# "本户尚无人就业" asks, per candidate, whether a household member is employed.
Index("ix_worker_household_status", Worker.household_id, Worker.employment_status)


ANY_TYPE = 0


class WorkerMatchRank(Model):
    """The candidate index of the matching rule: derived from the worker ledger and kept in
    step with it by ``app.services.match_index`` (which explains the rows). Not a resource:
    no view shows it, and the candidate queries reach it through the worker, under the row rule.
    """

    __tablename__ = "worker_match_rank"
    __table_args__ = (
        Index("ix_worker_match_rank_walk", "job_type_id", "village_id", "rank", "verified_on"),  # one village
        Index("ix_worker_match_rank_town", "job_type_id", "rank", "verified_on"),  # the whole town
    )

    id = Column(Integer, primary_key=True)
    worker_id = Column(Integer, ForeignKey("worker.id", ondelete="CASCADE"), nullable=False, index=True)
    # 0 (ANY_TYPE) for the worker's own-points row: a value, not NULL, so that PostgreSQL can walk
    # the index in rank order (it does not treat IS NULL as fixing the column). No foreign key for the
    # same reason; rows of a deleted job type are removed by app.services.match_index.
    job_type_id = Column(Integer, nullable=False)
    village_id = Column(Integer, nullable=False)
    rank = Column(Integer, nullable=False)
    verified_on = Column(Date, nullable=True)  # the worker's 核实日期, for 近期核实
