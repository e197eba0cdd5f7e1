"""The 10-day scoring of villages (旬调度, SPEC §4): periods, the five indicators, compute, publish, year-end.

For each village and period (a 旬: days 1–10, 11–20, 21–end of month), with ``end`` the
period's last day:

- I1 周报按时报送: of the ISO weeks whose Sunday falls in the period, the share whose weekly
  report was submitted on or before that Sunday 23:59 (local time); no such week → 1.
- I2 台账更新及时: of the village's labour-force workers, the share with ``verified_on`` in
  [end − window, end] (window 29 days by default); none → 1.
- I3 用工需求收集: min(1, jobs of the village with ``collected_on`` in the period / target).
- I4 一户一人一就业: of the 脱贫户/监测户 households with a labour-force member, the share
  with an employed member; none → 1.
- I5 纠纷按期化解: of the village's disputes whose ``deadline`` is in the period, the share
  concluded with ``closed_on`` ≤ deadline; none → 1.

Total = Σ weight × fraction, rounded half-up to one decimal; rank by total, ties share a
rank (1, 1, 3) and are listed in village ``sort_order``. Every figure is an SQL aggregate
grouped by village; the arithmetic on the five numbers per village is exact (fractions).
A published period is frozen.
"""
import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import and_, case, delete, func, or_, select

from app.models import Dispute, Job, ScoringPeriod, ScoringSettings, Village, VillageScore, WeeklyReport, Worker
from app.models.enums import (
    DISPUTE_CONCLUDED_STATUSES,
    NO_LABOR_CAPACITY,
    NOT_SEEKING_STATUS,
)
from app.models.reporting import INDICATORS, REPORT_SUBMITTED
from app.services import matching

PARTS = {1: "上旬", 2: "中旬", 3: "下旬"}
DEFAULT_FIRST_MONTH, DEFAULT_FIRST_PART = 4, 2  # 4月中旬 (SPEC §4)
ATTENTION_BELOW = Decimal(60)
INDICATOR_NAMES = {
    "I1": "周报按时报送",
    "I2": "台账更新及时",
    "I3": "用工需求收集",
    "I4": "一户一人一就业",
    "I5": "纠纷按期化解",
}
_KEY = re.compile(r"^(\d{4})-(\d{1,2})-(\d)$")


class ScoringError(ValueError):
    """A refused scoring request; ``str()`` is the Chinese message."""


# --- periods ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """One 旬: ``part`` 1 = 上旬 (1–10), 2 = 中旬 (11–20), 3 = 下旬 (21–end of month)."""

    year: int
    month: int
    part: int

    @classmethod
    def parse(cls, key):
        """``2024-04-2`` → 2024年4月中旬; a malformed key is refused with a Chinese message."""
        match = _KEY.match((key or "").strip())
        if not match:
            raise ScoringError(f"无法识别的评分期“{key}”，请写成 2024-04-2（年-月-旬，旬为 1 上旬、2 中旬、3 下旬）")
        year, month, part = (int(g) for g in match.groups())
        if not 1 <= month <= 12:
            raise ScoringError(f"评分期“{key}”的月份应在 1 到 12 之间")
        if part not in PARTS:
            raise ScoringError(f"评分期“{key}”的旬应为 1（上旬）、2（中旬）或 3（下旬）")
        if not 2000 <= year <= 2100:
            raise ScoringError(f"评分期“{key}”的年份不合理")
        return cls(year, month, part)

    @classmethod
    def containing(cls, day):
        return cls(day.year, day.month, 1 if day.day <= 10 else 2 if day.day <= 20 else 3)

    @property
    def key(self):
        return f"{self.year:04d}-{self.month:02d}-{self.part}"

    @property
    def start(self):
        return date(self.year, self.month, (self.part - 1) * 10 + 1)

    @property
    def end(self):
        if self.part < 3:
            return date(self.year, self.month, self.part * 10)
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self):
        return f"{self.year}年{self.month}月{PARTS[self.part]}"

    def previous(self):
        if self.part > 1:
            return Period(self.year, self.month, self.part - 1)
        if self.month > 1:
            return Period(self.year, self.month - 1, 3)
        return Period(self.year - 1, 12, 3)

    def sundays(self):
        """The Sundays in the period: each closes one ISO week whose report I1 checks."""
        first = self.start + timedelta(days=(6 - self.start.weekday()) % 7)
        return [first + timedelta(weeks=n) for n in range((self.end - first).days // 7 + 1)] if first <= self.end else []

    def __str__(self):
        return self.label


def period_label(key):
    return Period.parse(key).label


# --- settings --------------------------------------------------------------------------


def current_settings(session):
    """The one settings row, created with SPEC §4's defaults when missing."""
    settings = session.scalar(select(ScoringSettings).order_by(ScoringSettings.id).limit(1))
    if settings is None:
        settings = ScoringSettings(weight_i1=25, weight_i2=25, weight_i3=15, weight_i4=25, weight_i5=10,
                                   i2_window_days=29, i3_target=2)
        session.add(settings)
        session.flush()
    return settings


def validate_settings(weights, i2_window_days, i3_target, first_period=None):
    """Chinese messages for a rule that cannot be used; [] when it is fine."""
    errors = []
    if any(w is None or w < 0 for w in weights.values()):
        errors.append("各项权重不能为空或负数")
    elif sum(weights.values()) != 100:
        errors.append(f"五项权重之和应为100，现为{sum(weights.values())}")
    if i2_window_days is None or not 0 <= i2_window_days <= 365:
        errors.append("台账更新核实期限应在 0 到 365 天之间")
    if i3_target is None or not 1 <= i3_target <= 1000:
        errors.append("每旬用工需求收集目标应在 1 到 1000 条之间")
    if first_period:
        try:
            Period.parse(first_period)
        except ScoringError as exc:
            errors.append(str(exc))
    return errors


def first_period_of(settings, year):
    if settings.first_period:
        return Period.parse(settings.first_period)
    return Period(year, DEFAULT_FIRST_MONTH, DEFAULT_FIRST_PART)


# --- the indicators --------------------------------------------------------------------


@dataclass
class Figures:
    """numerator/denominator per indicator for one village."""

    village_id: int
    counts: dict = field(default_factory=dict)  # "I1" → (numerator, denominator)


def _in_labour_force(worker=Worker):
    return and_(worker.labor_capacity != NO_LABOR_CAPACITY, worker.employment_status != NOT_SEEKING_STATUS)


def reports_on_time(session, period):
    """I1 per village: {village_id: reports submitted by their week's Sunday 23:59}; and the week count."""
    sundays = period.sundays()
    if not sundays:
        return {}, 0
    on_time = []
    for sunday in sundays:
        iso_year, iso_week, _ = sunday.isocalendar()
        monday = datetime.combine(sunday + timedelta(days=1), datetime.min.time())
        on_time.append(and_(WeeklyReport.year == iso_year, WeeklyReport.week == iso_week,
                            WeeklyReport.submitted_at < monday))
    statement = (
        select(WeeklyReport.village_id, func.count())
        .where(WeeklyReport.status == REPORT_SUBMITTED, or_(*on_time))
        .group_by(WeeklyReport.village_id)
    )
    return dict(session.execute(statement).all()), len(sundays)


def workers_verified(session, period, window_days):
    """I2 per village: {village_id: (labour-force workers verified in [end − window, end], all of them)}."""
    since = period.end - timedelta(days=window_days)
    verified = and_(Worker.verified_on >= since, Worker.verified_on <= period.end)
    statement = (
        select(Worker.village_id, func.sum(case((verified, 1), else_=0)), func.count())
        .where(_in_labour_force())
        .group_by(Worker.village_id)
    )
    return {vid: (int(num or 0), int(den)) for vid, num, den in session.execute(statement)}


def jobs_collected(session, start, end):
    """I3 per village: {village_id: jobs of the village with ``collected_on`` in [start, end]}."""
    statement = (
        select(Job.village_id, func.count())
        .where(Job.village_id.is_not(None), Job.collected_on >= start, Job.collected_on <= end)
        .group_by(Job.village_id)
    )
    return dict(session.execute(statement).all())


def key_household_coverage(session):
    """I4 per village: {village_id: (key households with an employed member, key households with labour)}.

    一户一人一就业 is defined once, in :func:`app.services.matching.household_coverage`.
    """
    return {vid: (cover.covered, cover.households) for vid, cover in matching.household_coverage(session).items()}


def disputes_in_time(session, start, end):
    """I5 per village: {village_id: (disputes due in [start, end] concluded by their deadline, all due)}."""
    in_time = and_(Dispute.status.in_(DISPUTE_CONCLUDED_STATUSES), Dispute.closed_on <= Dispute.deadline)
    statement = (
        select(Dispute.village_id, func.sum(case((in_time, 1), else_=0)), func.count())
        .where(Dispute.deadline >= start, Dispute.deadline <= end)
        .group_by(Dispute.village_id)
    )
    return {vid: (int(num or 0), int(den)) for vid, num, den in session.execute(statement)}


def figures(session, period, rule):
    """{village_id: {"I1": (num, den), …}} for every village, under ``rule`` (settings or a period)."""
    villages = session.scalars(select(Village.id).order_by(Village.sort_order, Village.id)).all()
    i1, weeks = reports_on_time(session, period)
    i2 = workers_verified(session, period, rule.i2_window_days)
    i3 = jobs_collected(session, period.start, period.end)
    i4 = key_household_coverage(session)
    i5 = disputes_in_time(session, period.start, period.end)
    return {
        vid: {
            "I1": (int(i1.get(vid, 0)), weeks),
            "I2": i2.get(vid, (0, 0)),
            "I3": (int(i3.get(vid, 0)), rule.i3_target),
            "I4": i4.get(vid, (0, 0)),
            "I5": i5.get(vid, (0, 0)),
        }
        for vid in villages
    }


def fraction(name, num, den):
    """The indicator's score fraction as an exact Fraction: 1 when there is nothing to count."""
    if not den:
        return Fraction(1)
    value = Fraction(num, den)
    return min(Fraction(1), value) if name == "I3" else value


def half_up(value, places=1):
    """Round an exact Fraction half-up (62.25 → 62.3), as a Decimal."""
    scale = 10 ** places
    scaled = value * scale
    rounded = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return Decimal(rounded).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def total_of(counts, weights):
    return half_up(sum(Fraction(weights[name]) * fraction(name, *counts[name]) for name in INDICATORS))


def ranked(totals, sort_orders):
    """[(village_id, rank)] by total descending, ties sharing a rank (1, 1, 3), then sort_order."""
    order = sorted(totals, key=lambda vid: (-totals[vid], sort_orders[vid], vid))
    return [(vid, 1 + sum(1 for other in totals.values() if other > totals[vid])) for vid in order]


# --- compute, publish ------------------------------------------------------------------


def get_period(session, key):
    return session.scalar(select(ScoringPeriod).where(ScoringPeriod.key == Period.parse(key).key))


def compute(session, key, now=None):
    """Compute (or recompute) a period for every village under the current settings; one commit.

    Refused for a published period, a period before scoring starts, or one not yet begun.
    """
    period = Period.parse(key)
    now = now or datetime.now()
    settings = current_settings(session)
    first = first_period_of(settings, period.year)
    if period < first:
        raise ScoringError(f"旬调度评分从{first.label}开始，{period.label}不在评分范围内")
    if period.start > now.date():
        raise ScoringError(f"{period.label}尚未开始，不能计算")
    row = get_period(session, period.key)
    if row is not None and row.published:
        raise ScoringError(f"{period.label}的评分已发布，不能重新计算（已发布的通报不可更改）")
    try:
        if row is None:
            row = ScoringPeriod(key=period.key, year=period.year)
            session.add(row)
        row.start_on, row.end_on, row.computed_at = period.start, period.end, now
        for column in ("weight_i1", "weight_i2", "weight_i3", "weight_i4", "weight_i5",
                       "i2_window_days", "i3_target"):
            setattr(row, column, getattr(settings, column))
        session.flush()
        session.execute(delete(VillageScore).where(VillageScore.period_id == row.id))
        by_village = figures(session, period, row)
        sort_orders = dict(session.execute(select(Village.id, Village.sort_order)).all())
        weights = row.weights
        totals = {vid: total_of(counts, weights) for vid, counts in by_village.items()}
        for position, (vid, rank) in enumerate(ranked(totals, sort_orders), start=1):
            counts = by_village[vid]
            values = {f"{name.lower()}_{part}": counts[name][i]
                      for name in INDICATORS for i, part in enumerate(("num", "den"))}
            session.add(VillageScore(period_id=row.id, village_id=vid, total=totals[vid], rank=rank,
                                     position=position, **values))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return row


def publish(session, key, user_id=None, now=None):
    """Freeze a computed period and make its bulletin readable by the villages; one commit."""
    period = Period.parse(key)
    row = get_period(session, period.key)
    if row is None:
        raise ScoringError(f"{period.label}尚未计算，请先计算再发布")
    if row.published:
        raise ScoringError(f"{period.label}的评分已于{row.published_at:%Y-%m-%d %H:%M}发布，不能重复发布")
    row.published_at = now or datetime.now()
    row.published_by_fk = user_id
    session.commit()
    return row


# --- reading results -------------------------------------------------------------------


@dataclass
class ScoreLine:
    village: str
    village_id: int
    counts: dict
    weights: dict
    total: Decimal
    rank: int

    def fraction(self, name):
        return fraction(name, *self.counts[name])

    def points(self, name):
        return half_up(Fraction(self.weights[name]) * self.fraction(name), 2)

    @property
    def attention(self):
        return self.total < ATTENTION_BELOW

    def as_json(self):
        return {
            "village": self.village,
            "indicators": {name: round(float(self.fraction(name)), 4) for name in INDICATORS},
            "total": float(self.total),
            "rank": self.rank,
        }


def score_lines(session, period_row):
    """The period's villages in bulletin order (rank, then sort_order)."""
    statement = (
        select(VillageScore, Village.name)
        .join(Village, Village.id == VillageScore.village_id)
        .where(VillageScore.period_id == period_row.id)
        .order_by(VillageScore.position)
    )
    weights = period_row.weights
    return [
        ScoreLine(
            village=name, village_id=score.village_id,
            counts={n: (getattr(score, f"{n.lower()}_num"), getattr(score, f"{n.lower()}_den")) for n in INDICATORS},
            weights=weights, total=Decimal(score.total).quantize(Decimal("0.1")), rank=score.rank,
        )
        for score, name in session.execute(statement)
    ]


def as_json(session, key):
    """The CLI/API JSON of a computed period: per village {"village", "indicators", "total", "rank"}."""
    row = get_period(session, key)
    if row is None:
        raise ScoringError(f"{Period.parse(key).label}尚未计算")
    return [line.as_json() for line in score_lines(session, row)]


def latest_published(session):
    return session.scalar(
        select(ScoringPeriod).where(ScoringPeriod.published_at.is_not(None))
        .order_by(ScoringPeriod.start_on.desc()).limit(1)
    )


@dataclass
class YearLine:
    village: str
    village_id: int
    periods: int
    mean: Decimal | None
    rank: int | None = None


def year_end(session, year):
    """Per village: the mean of its published period totals in ``year`` (two decimals, half-up)."""
    scores = (
        select(VillageScore.village_id, func.count(VillageScore.id).label("periods"),
               func.sum(VillageScore.total).label("total"))
        .join(ScoringPeriod, ScoringPeriod.id == VillageScore.period_id)
        .where(ScoringPeriod.published_at.is_not(None), ScoringPeriod.year == year)
        .group_by(VillageScore.village_id)
        .subquery()
    )
    statement = (
        select(Village.id, Village.name, scores.c.periods, scores.c.total)
        .outerjoin(scores, scores.c.village_id == Village.id)
        .order_by(Village.sort_order, Village.id)
    )
    lines = []
    for vid, name, count, total in session.execute(statement):
        count = int(count or 0)
        mean = half_up(Fraction(Decimal(total).quantize(Decimal("0.1"))) / count, 2) if count else None
        lines.append(YearLine(name, vid, count, mean))
    means = {line.village_id: line.mean for line in lines if line.mean is not None}
    for line in lines:
        if line.mean is not None:
            line.rank = 1 + sum(1 for other in means.values() if other > line.mean)
    return sorted(lines, key=lambda l: (l.rank is None, l.rank or 0))


def published_years(session):
    return session.scalars(
        select(ScoringPeriod.year).where(ScoringPeriod.published_at.is_not(None)).distinct().order_by(ScoringPeriod.year.desc())
    ).all()
