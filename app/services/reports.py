"""Weekly village reports (周报, SPEC §3): drafting the figures, submitting, recording paper reports, the grid.

A report covers one ISO week (Monday–Sunday) of one village. While it is a draft its
figures are drafted again from the ledgers each time it is opened; once submitted it
is frozen. It is on time when submitted by that Sunday 23:59 (local time), which is
what I1 of the scoring counts.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select

from app.models import Dispute, Job, Placement, Referral, Village, WeeklyReport, Worker
from app.models.enums import DISPUTE_CONCLUDED_STATUSES
from app.models.reporting import REPORT_CHANNELS, REPORT_DRAFT, REPORT_SUBMITTED

CHANNEL_SYSTEM = REPORT_CHANNELS[0]
PAPER_CHANNELS = REPORT_CHANNELS[1:]


class ReportError(ValueError):
    """A refused report action; ``str()`` is the Chinese message."""


def week_of(day):
    """(ISO year, ISO week) of a date."""
    iso = day.isocalendar()
    return iso[0], iso[1]


def week_days(year, week):
    """(Monday, Sunday) of an ISO week; a week that does not exist is refused."""
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ReportError(f"{year}年没有第{week}周") from None
    return monday, monday + timedelta(days=6)


def due_before(year, week):
    """A report is on time when submitted before this moment: the Monday 00:00 after the week
    (any time on the Sunday, 23:59 included, is on time)."""
    return datetime.combine(week_days(year, week)[1] + timedelta(days=1), time())


def is_on_time(report):
    return (report.status == REPORT_SUBMITTED and report.submitted_at is not None
            and report.submitted_at < due_before(report.year, report.week))


def week_label(year, week):
    monday, sunday = week_days(year, week)
    return f"{year}年第{week}周（{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日）"


def draft_figures(session, village_id, year, week):
    """The week's figures of one village from the ledgers (each a COUNT in SQL)."""
    monday, sunday = week_days(year, week)
    start, after = datetime.combine(monday, time()), datetime.combine(sunday + timedelta(days=1), time())

    def count(model, *where):
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "new_workers": count(Worker, Worker.village_id == village_id,
                             Worker.created_on >= start, Worker.created_on < after),
        "updated_workers": count(Worker, Worker.village_id == village_id, Worker.created_on < start,
                                 or_(and_(Worker.changed_on >= start, Worker.changed_on < after),
                                     and_(Worker.verified_on >= monday, Worker.verified_on <= sunday))),
        "jobs_collected": count(Job, Job.village_id == village_id,
                                Job.collected_on >= monday, Job.collected_on <= sunday),
        "referrals": count(Referral, Referral.village_id == village_id,
                           Referral.referred_on >= monday, Referral.referred_on <= sunday),
        "placements": count(Placement, Placement.village_id == village_id,
                            Placement.start_date >= monday, Placement.start_date <= sunday),
        "open_disputes": count(Dispute, Dispute.village_id == village_id, Dispute.received_on <= sunday,
                               or_(Dispute.status.not_in(DISPUTE_CONCLUDED_STATUSES),
                                   Dispute.closed_on.is_(None), Dispute.closed_on > sunday)),
    }


def find(session, village_id, year, week):
    return session.scalar(select(WeeklyReport).where(
        WeeklyReport.village_id == village_id, WeeklyReport.year == year, WeeklyReport.week == week))


def open_report(session, village_id, year, week):
    """The village's report for the week, made as a draft when missing; a draft's figures are
    drafted again. Commits. The row rule decides whether the actor may open it."""
    week_days(year, week)
    report = find(session, village_id, year, week)
    try:
        if report is None:
            report = WeeklyReport(village_id=village_id, year=year, week=week, status=REPORT_DRAFT)
            session.add(report)
        if report.status == REPORT_DRAFT:
            for column, value in draft_figures(session, village_id, year, week).items():
                if getattr(report, column) != value:
                    setattr(report, column, value)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


def save_draft(session, report, summary, problems):
    if report.status != REPORT_DRAFT:
        raise ReportError("周报已报送，不能再修改")
    report.summary, report.problems = (summary or "").strip() or None, (problems or "").strip() or None
    session.commit()
    return report


def submit(session, report, summary, problems, user_id, now=None):
    """报送 from the system: submitted_at = now; the report is read-only afterwards."""
    if report.status == REPORT_SUBMITTED:
        raise ReportError("周报已报送，不能重复报送")
    summary = (summary or "").strip()
    if not summary:
        raise ReportError("请填写本周工作情况后再报送")
    try:
        report.summary, report.problems = summary, (problems or "").strip() or None
        report.status, report.channel = REPORT_SUBMITTED, CHANNEL_SYSTEM
        report.submitted_at, report.submitted_by_fk = now or datetime.now(), user_id
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


def record_received(session, village_id, year, week, submitted_at, channel, summary, problems, user_id, now=None):
    """The 社保所 records a report received on paper or by WeChat, with its real time of receipt."""
    if channel not in PAPER_CHANNELS:
        raise ReportError(f"报送方式应为{'或'.join(PAPER_CHANNELS)}")
    if submitted_at is None:
        raise ReportError("请填写实际报送时间")
    if submitted_at > (now or datetime.now()):
        raise ReportError("实际报送时间不能晚于现在")
    if submitted_at.date() < week_days(year, week)[0]:
        raise ReportError("实际报送时间不能早于该周的周一")
    report = open_report(session, village_id, year, week)
    if report.status == REPORT_SUBMITTED:
        raise ReportError("该村(社区)本周周报已报送")
    try:
        report.summary = (summary or "").strip() or report.summary
        report.problems = (problems or "").strip() or report.problems
        report.status, report.channel = REPORT_SUBMITTED, channel
        report.submitted_at, report.submitted_by_fk = submitted_at, user_id
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


STATE_ON_TIME, STATE_LATE, STATE_MISSING, STATE_DRAFT, STATE_OPEN = "按时", "逾期", "未报", "草稿", "本周未到期"


@dataclass
class GridCell:
    state: str
    report_id: int | None = None
    submitted_at: datetime | None = None


def recent_weeks(today, count=8):
    """The last ``count`` ISO weeks up to and including the current one, oldest first."""
    monday = today - timedelta(days=today.weekday())
    return [week_of(monday - timedelta(weeks=n)) for n in reversed(range(count))]


def submission_grid(session, weeks, now=None):
    """villages (as the actor may read them) × weeks → GridCell, from one query."""
    now = now or datetime.now()
    villages = session.execute(select(Village.id, Village.name).order_by(Village.sort_order, Village.id)).all()
    wanted = or_(*[and_(WeeklyReport.year == y, WeeklyReport.week == w) for y, w in weeks]) if weeks else False
    rows = session.execute(select(WeeklyReport.id, WeeklyReport.village_id, WeeklyReport.year, WeeklyReport.week,
                                  WeeklyReport.status, WeeklyReport.submitted_at).where(wanted)).all()
    found = {(r.village_id, r.year, r.week): r for r in rows}
    grid = []
    for vid, name in villages:
        cells = []
        for year, week in weeks:
            row = found.get((vid, year, week))
            deadline = due_before(year, week)
            if row is not None and row.status == REPORT_SUBMITTED:
                state = STATE_ON_TIME if row.submitted_at < deadline else STATE_LATE
                cells.append(GridCell(state, row.id, row.submitted_at))
            elif now < deadline:
                cells.append(GridCell(STATE_DRAFT if row else STATE_OPEN, row.id if row else None))
            else:
                cells.append(GridCell(STATE_MISSING, row.id if row else None))
        grid.append((vid, name, cells))
    return grid
