"""The home-page dashboard's figures: SQL aggregates through the row rule, so each role counts only its rows.

Every query is an ORM SELECT and so passes through ``app.security.scoping``: a village
specialist's figures are their village's, the 社保所's the town's. A section is only
computed when the user may read its resource (``allowed``).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select

from app.models import Dispute, Job, Placement, Referral, Village, Worker
from app.models.enums import DISPUTE_CONCLUDED_STATUSES, EMPLOYMENT_STATUSES, OPEN_JOB_STATUS
from app.services import reports, scoring

RECENT_WEEKS = 8


@dataclass
class Dashboard:
    workers_by_status: list = field(default_factory=list)  # [(status, count)] in SPEC order
    workers_total: int = 0
    coverage: list = field(default_factory=list)  # [(village, covered, households)]
    open_jobs: int = 0
    open_headcount: int = 0
    weeks: list = field(default_factory=list)  # ["4/15", …] Mondays
    referrals_by_week: list = field(default_factory=list)
    placements_by_week: list = field(default_factory=list)
    disputes_by_status: list = field(default_factory=list)  # [(status, count)]
    disputes_late: int = 0
    report_week: str = ""
    reports_this_week: list = field(default_factory=list)  # [(village, state)]
    bulletin: object = None  # ScoringPeriod
    bulletin_lines: list = field(default_factory=list)
    sections: set = field(default_factory=set)


def _week_buckets(column, mondays):
    return [func.sum(case((and_(column >= m, column < m + timedelta(days=7)), 1), else_=0)) for m in mondays]


def build(session, allowed, today=None, village_id=None):
    """The figures of the sections in ``allowed`` ({"workers", "jobs", "referrals", "disputes",
    "reports", "scoring"}); ``village_id`` narrows the report row to one village."""
    today = today or date.today()
    board = Dashboard(sections=set(allowed))
    if "workers" in allowed:
        counts = dict(session.execute(
            select(Worker.employment_status, func.count()).group_by(Worker.employment_status)).all())
        board.workers_by_status = [(s, counts.get(s, 0)) for s in EMPLOYMENT_STATUSES]
        board.workers_total = sum(counts.values())
        names = dict(session.execute(select(Village.id, Village.name)).all())
        orders = dict(session.execute(select(Village.id, Village.sort_order)).all())
        coverage = scoring.key_household_coverage(session)
        board.coverage = [(names[vid], num, den) for vid, (num, den) in
                          sorted(coverage.items(), key=lambda item: orders.get(item[0], 0))]
    if "jobs" in allowed:
        jobs, headcount = session.execute(
            select(func.count(), func.sum(Job.headcount)).where(Job.status == OPEN_JOB_STATUS)).one()
        board.open_jobs, board.open_headcount = jobs or 0, int(headcount or 0)
    monday = today - timedelta(days=today.weekday())
    mondays = [monday - timedelta(weeks=n) for n in reversed(range(RECENT_WEEKS))]
    board.weeks = [f"{m.month}/{m.day}" for m in mondays]
    if "referrals" in allowed:
        board.referrals_by_week = [int(v or 0) for v in session.execute(
            select(*_week_buckets(Referral.referred_on, mondays)).where(Referral.referred_on >= mondays[0])).one()]
        board.placements_by_week = [int(v or 0) for v in session.execute(
            select(*_week_buckets(Placement.start_date, mondays)).where(Placement.start_date >= mondays[0])).one()]
    if "disputes" in allowed:
        board.disputes_by_status = session.execute(
            select(Dispute.status, func.count()).group_by(Dispute.status).order_by(func.count().desc())).all()
        board.disputes_late = session.scalar(select(func.count()).select_from(Dispute).where(
            Dispute.status.not_in(DISPUTE_CONCLUDED_STATUSES), Dispute.deadline < today)) or 0
    if "reports" in allowed:
        year, week = reports.week_of(today)
        board.report_week = reports.week_label(year, week)
        grid = reports.submission_grid(session, [(year, week)], now=datetime.combine(today, datetime.now().time()))
        board.reports_this_week = [(name, cells[0].state) for vid, name, cells in grid
                                   if village_id is None or vid == village_id]
    if "scoring" in allowed:
        board.bulletin = scoring.latest_published(session)
        if board.bulletin is not None:
            board.bulletin_lines = scoring.score_lines(session, board.bulletin)
    return board
