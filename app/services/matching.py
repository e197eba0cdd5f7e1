"""Point-to-point matching (点对点精准对接): the matching rule, referrals, placements and 一户一人一就业.

The matching rule (README "匹配规则 / Matching rule") is written once, in :func:`_rule`,
over a worker side and a job side. Either side is SQL columns (the rows being ranked)
or the fixed values of one row, so the same rule ranks the candidate workers of a job
(:func:`candidates_for_job`) and the open jobs of a worker (:func:`jobs_for_worker`),
filtered and scored in the database: ``SUM(CASE …)`` ordered by score with a LIMIT.
Queries pass through the session, so the row rule of ``app.security.scoping`` applies:
a village specialist ranks only their own village's workers.

Hard filters — a worker is a candidate for a job only if all hold:

1. employment status is 未就业, 季节性闲置 or 灵活就业 (already employed workers are
   excluded except flexible workers; 无就业意愿 is excluded);
2. labour capacity is not 丧失劳动力, and not 弱劳动力 for the heavy trades
   :data:`HEAVY_JOB_TYPES`;
3. the job's gender requirement (不限 or the worker's gender);
4. age (from the birth date, on the day of matching) within the job's 最低/最高年龄;
   at least :data:`MIN_WORKING_AGE` when the job gives no minimum;
5. not already referred to this job (a referral 已推荐, 已对接 or 已上岗).

Soft scores — the score is the sum of the points of the reasons listed with it:

=========================  ======  ==================================================
reason                     points  when
=========================  ======  ==================================================
工种相符(求职意向)             30    the job's 工种 is among the worker's 求职意向
工种相符(技能特长)             20    the job's 工种 is among the worker's 技能特长
同村                          20    the job's village (its 采集村, else its employer's
                                     village) is the worker's village
同镇                          10    the job is in another village of the town
意向范围相符                    5    the job is outside the town and the worker's 意向务工范围
                                     is 区内, 市内, 市外 or 不限
脱贫户优先                     15    the worker is 脱贫人口
监测户优先                     15    the worker is 监测对象
就业困难人员                   10    the worker is 就业困难人员
本户尚无人就业                 15    the worker's household has no employed member
近期核实                        5    the record was verified in the last 30 days
年龄符合                        5    the job gives an age range (the worker is in it), or
                                     gives none and the worker is 18–55
=========================  ======  ==================================================

Ties are broken by the most recent 核实日期, then the lower worker (or job) id, so a
list is stable from one call to the next.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import Integer, String, and_, case, exists, false, func, literal, not_, or_, select, true, union, update
from sqlalchemy.orm import aliased

from app.models import Employer, Household, Job, JobType, Placement, Referral, Worker, WorkerMatchRank
from app.models.enums import (
    EMPLOYED_STATUSES,
    FULL_JOB_STATUS,
    IDLE_STATUS,
    KEY_HOUSEHOLD_CATEGORIES,
    NO_LABOR_CAPACITY,
    NOT_SEEKING_STATUS,
    OPEN_JOB_STATUS,
    REFERRAL_ACTIVE_STATUSES,
    REFERRAL_MOVES,
    REFERRAL_PLACED,
)
from app.models.matching import ANY_TYPE
from app.security import scoping
from app.services import audit

MATCHABLE_STATUSES = ("未就业", "季节性闲置", "灵活就业")
WEAK_LABOR_CAPACITY = "弱劳动力"
HEAVY_JOB_TYPES = ("泥瓦工", "钢筋工", "搬运装卸工")
WIDE_WORK_RANGES = ("区内", "市内", "市外", "不限")
MIN_WORKING_AGE = 16
PRIME_AGE = (18, 55)
RECENT_DAYS = 30
DEFAULT_LIMIT = 50
MAX_WALK_DEPTH = 4096  # index rows per walk before the walk filters as it goes (see candidates_for_job)
SEPARATOR = "、"

DISTRICT_NAMES = ("黔江",)  # a work place naming the district is 就地就近
CITY_NAMES = ("重庆",)  # elsewhere in Chongqing is 区外市内


class MatchingError(ValueError):
    """A refused matching step; ``str()`` is the Chinese message."""


# --- the rule ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    key: str
    label: object  # lazy Chinese text
    points: int


REASONS = (
    Reason("wanted", _l("工种相符(求职意向)"), 30),
    Reason("skill", _l("工种相符(技能特长)"), 20),
    Reason("same_village", _l("同村"), 20),
    Reason("same_town", _l("同镇"), 10),
    Reason("range", _l("意向范围相符"), 5),
    Reason("poverty", _l("脱贫户优先"), 15),
    Reason("monitored", _l("监测户优先"), 15),
    Reason("hard", _l("就业困难人员"), 10),
    Reason("household_idle", _l("本户尚无人就业"), 15),
    Reason("recent", _l("近期核实"), 5),
    Reason("age", _l("年龄符合"), 5),
)
REASON_BY_KEY = {r.key: r for r in REASONS}


def _lit(value, type_=None):
    """A bound value; typed, since PostgreSQL cannot infer the type of a bare NULL."""
    return literal(value, type_)


class _WorkerRows:
    """The worker side as SQL columns: the workers being ranked."""

    fixed = False

    def __init__(self, today):
        self.today = today
        self.id = Worker.id
        self.village_id = Worker.village_id
        self.gender = Worker.gender
        self.status = Worker.employment_status
        self.capacity = Worker.labor_capacity
        self.wanted = Worker.wanted_job_types
        self.skills = Worker.skills
        self.work_range = Worker.work_range
        self.poverty = Worker.is_poverty_alleviated.is_(True)
        self.monitored = Worker.is_monitored.is_(True)
        self.hard = Worker.is_hard_to_employ.is_(True)
        self.recent = Worker.verified_on >= today - timedelta(days=RECENT_DAYS)
        member = aliased(Worker)
        self.household_idle = and_(
            Worker.household_id.isnot(None),
            ~exists().where(member.household_id == Worker.household_id,
                            member.employment_status.in_(EMPLOYED_STATUSES)),
        )

    def age_at_least(self, years):
        """``years`` is a number here: the job side is fixed."""
        return Worker.birth_date <= _years_before(self.today, years)

    def age_at_most(self, years):
        return Worker.birth_date > _years_before(self.today, years + 1)


class _WorkerValues:
    """The worker side as the values of one worker."""

    fixed = True

    def __init__(self, session, worker, today):
        self.today = today
        self.id = _lit(worker.id, Integer())
        self.village_id = _lit(worker.village_id, Integer())
        self.gender = _lit(worker.gender, String())
        self.status = _lit(worker.employment_status, String())
        self.capacity = _lit(worker.labor_capacity, String())
        self.wanted = _lit(worker.wanted_job_types, String())
        self.skills = _lit(worker.skills, String())
        self.work_range = _lit(worker.work_range, String())
        self.poverty = true() if worker.is_poverty_alleviated else false()
        self.monitored = true() if worker.is_monitored else false()
        self.hard = true() if worker.is_hard_to_employ else false()
        recent = worker.verified_on is not None and worker.verified_on >= today - timedelta(days=RECENT_DAYS)
        self.recent = true() if recent else false()
        self.household_idle = true() if household_without_work(session, worker.household_id) else false()
        self.age = age_on(worker.birth_date, today)

    def age_at_least(self, years):
        return _lit(self.age) >= years

    def age_at_most(self, years):
        return _lit(self.age) <= years


class _JobRows:
    """The job side as SQL columns (jobs joined to their employer and 工种)."""

    fixed = False

    def __init__(self):
        self.id = Job.id
        self.village_id = func.coalesce(Job.village_id, Employer.village_id)
        self.type_name = JobType.name
        self.gender_req = Job.gender_req
        self.age_min = Job.age_min
        self.age_max = Job.age_max


class _JobValues:
    """The job side as the values of one job."""

    fixed = True

    def __init__(self, job):
        self.id = _lit(job.id, Integer())
        self.village_id = _lit(job_village_id(job), Integer())
        self.type_name = _lit(job.job_type.name if job.job_type else "", String())
        self.gender_req = _lit(job.gender_req, String())
        self.age_min = job.age_min
        self.age_max = job.age_max


def job_village_id(job):
    """The village a job is in: its 采集村, else its employer's village; None outside the town."""
    if job.village_id is not None:
        return job.village_id
    return job.employer.village_id if job.employer is not None else None


def _contains_name(names, name):
    """``names`` (、-separated job types) holds ``name`` exactly, not as part of a longer name.

    ``%`` and ``_`` in a job-type name are escaped: they are characters of the name, not wildcards.
    """
    escaped = func.replace(func.replace(func.replace(name, "\\", "\\\\"), "%", "\\%"), "_", "\\_")
    return (_lit(SEPARATOR) + func.coalesce(names, "") + _lit(SEPARATOR)).like(
        _lit("%" + SEPARATOR) + escaped + _lit(SEPARATOR + "%"), escape="\\")


def _age_conditions(w, j):
    """(hard age filter, 年龄符合 condition). One side is always fixed."""
    if j.fixed:
        low = j.age_min if j.age_min is not None else MIN_WORKING_AGE
        hard = [w.age_at_least(max(low, MIN_WORKING_AGE))]
        if j.age_max is not None:
            hard.append(w.age_at_most(j.age_max))
        if j.age_min is not None or j.age_max is not None:
            fits = true()
        else:
            fits = and_(w.age_at_least(PRIME_AGE[0]), w.age_at_most(PRIME_AGE[1]))
        return and_(*hard), fits
    # the worker is fixed, the jobs are rows
    hard = and_(
        w.age_at_least(MIN_WORKING_AGE),
        or_(j.age_min.is_(None), w.age_at_least(j.age_min)),
        or_(j.age_max.is_(None), w.age_at_most(j.age_max)),
    )
    fits = or_(
        or_(j.age_min.isnot(None), j.age_max.isnot(None)),
        and_(w.age_at_least(PRIME_AGE[0]), w.age_at_most(PRIME_AGE[1])),
    )
    return hard, fits


def _rule(w, j):
    """The matching rule: (hard filter, {reason key: condition}). See the module docstring."""
    age_hard, age_fits = _age_conditions(w, j)
    already_referred = exists().where(
        Referral.job_id == j.id, Referral.worker_id == w.id, Referral.status.in_(REFERRAL_ACTIVE_STATUSES))
    hard = and_(
        w.status.in_(MATCHABLE_STATUSES),
        w.capacity != NO_LABOR_CAPACITY,
        or_(w.capacity != WEAK_LABOR_CAPACITY, j.type_name.not_in(HEAVY_JOB_TYPES)),
        or_(j.gender_req == "不限", j.gender_req == w.gender),
        age_hard,
        ~already_referred,
    )
    in_town = j.village_id.isnot(None)
    conditions = {
        "wanted": _contains_name(w.wanted, j.type_name),
        "skill": _contains_name(w.skills, j.type_name),
        "same_village": and_(in_town, j.village_id == w.village_id),
        "same_town": and_(in_town, j.village_id != w.village_id),
        "range": and_(not_(in_town), w.work_range.in_(WIDE_WORK_RANGES)),
        "poverty": w.poverty,
        "monitored": w.monitored,
        "hard": w.hard,
        "household_idle": w.household_idle,
        "recent": w.recent,
        "age": age_fits,
    }
    return hard, conditions


@dataclass
class Match:
    """One ranked row: the worker or job id, its score and the reasons that make it up."""

    id: int
    score: int
    reasons: list = field(default_factory=list)  # [(label, points)]
    row: object = None  # display columns

    def as_json(self, key):
        return {key: self.id, "score": self.score, "reasons": [str(label) for label, _ in self.reasons],
                "points": [points for _, points in self.reasons]}


def _ranked(session, base, conditions, tie_breaks, limit, display):
    parts = [case((cond, REASON_BY_KEY[key].points), else_=0).label(f"r_{key}") for key, cond in conditions.items()]
    score = sum(case((cond, REASON_BY_KEY[key].points), else_=0) for key, cond in conditions.items()).label("score")
    statement = base.add_columns(score, *parts, *display).order_by(score.desc(), *tie_breaks).limit(limit)
    matches = []
    for row in session.execute(statement):
        mapping = row._mapping
        reasons = [(REASON_BY_KEY[key].label, REASON_BY_KEY[key].points) for key in conditions if mapping[f"r_{key}"]]
        matches.append(Match(id=row[0], score=int(mapping["score"]), reasons=reasons, row=mapping))
    return matches


def candidates_for_job(session, job, limit=DEFAULT_LIMIT, today=None):
    """The workers the acting user may see who fit ``job``, best first (at most ``limit``).

    Two steps over the candidate index (:mod:`app.services.match_index`), so that the work
    hardly grows with the ledger: (1) the best-ranked index rows — for the job's type and for
    any type, in the job's village and in the whole area the user may see — are scored, and
    the ``limit``-th best of those scores is a lower bound of the final list's last score;
    (2) every worker whose index rank plus the points the index leaves out
    (:func:`match_index.can_reach`) reaches that bound is scored, and the best ``limit`` of them
    are the answer: the same list as scoring every worker, tie-breaks included.
    """
    from app.services import match_index  # imported here: match_index builds on this module

    today = today or date.today()
    hard, conditions = _rule(_WorkerRows(today), _JobValues(job))
    display = (Worker.name, Worker.gender, Worker.birth_date, Worker.village_id, Worker.employment_status,
               Worker.phone, Worker.group_name)
    tie_breaks = (Worker.verified_on.desc(), Worker.id)

    def rank(pool):
        return _ranked(session, select(Worker.id).where(hard, Worker.id.in_(pool)), conditions, tie_breaks,
                       limit, display)

    village_scope = _village_scope(session)
    if village_scope == () or limit <= 0:
        return []
    index = WorkerMatchRank
    kinds = [index.job_type_id == ANY_TYPE]
    if job.job_type_id is not None:
        kinds.insert(0, index.job_type_id == job.job_type_id)
    job_village = job_village_id(job)
    in_town = job_village is not None
    # Where candidates live: the job's own village (同村, worth the most) when the user may see
    # it, then everyone the user may see; with whether the area is the job's village.
    areas = []
    near = job_village if in_town and village_scope in (None, job_village) else None
    if near is not None:
        areas.append((index.village_id == near, True))
    if village_scope is None:
        areas.append((true(), False))
    elif village_scope != near:
        areas.append((index.village_id == village_scope, False))

    # (1) the best ranks of each kind of row in each area: plain index walks, deepened while too
    # few of the workers they give pass the hard filters (a narrow age range, say)
    depth = 2 * limit
    while depth <= MAX_WALK_DEPTH:
        walks = [session.scalars(select(index.worker_id).where(kind, area).order_by(index.rank.desc())
                                 .limit(depth)).all() for kind in kinds for area, _near in areas]
        first = rank(sorted(set().union(*walks)))
        if len(first) >= limit:
            break
        if len(walks[-1]) < depth:  # the walk over everyone's own-points rows ran out: all were seeds
            return first
        depth *= 4
    else:  # very few pass: walk with the hard filters applied during the walk
        seeds = [
            select(index.worker_id).join(Worker, Worker.id == index.worker_id)
            .where(kind, area, hard).order_by(index.rank.desc()).limit(limit).subquery().select()
            for kind in kinds for area, _near in areas
        ]
        first = rank(union(*seeds))
        if len(first) < limit:  # that walk ran out: every candidate was a seed
            return first
    bound = first[-1].score
    # (2) every worker who could reach the bound
    recent_since = today - timedelta(days=RECENT_DAYS)
    pool = [select(index.worker_id).where(kind, area, match_index.can_reach(bound, in_town, same, recent_since))
            for kind in kinds for area, same in areas]
    return rank(union(*pool))


def _village_scope(session):
    """The one village whose workers the acting user may read; None for the town; () for none."""
    scope = scoping.current_scope()
    if scope.kind == scoping.SCOPE_VILLAGE:
        return scope.village_id if scope.village_id is not None else ()
    if scope.kind == scoping.SCOPE_NONE:
        return ()
    return None


def jobs_for_worker(session, worker, limit=DEFAULT_LIMIT, today=None):
    """The open (招聘中) jobs the acting user may see that fit ``worker``, best first."""
    today = today or date.today()
    hard, conditions = _rule(_WorkerValues(session, worker, today), _JobRows())
    base = (select(Job.id).join(JobType, JobType.id == Job.job_type_id)
            .outerjoin(Employer, Employer.id == Job.employer_id)
            .where(Job.status == OPEN_JOB_STATUS, hard))
    display = (Job.title, Employer.name.label("employer_name"), JobType.name.label("job_type_name"),
               Job.work_place, Job.wage_amount, Job.wage_unit, Job.headcount)
    return _ranked(session, base, conditions, (Job.published_on.desc(), Job.id), limit, display)


def age_on(birth_date, today):
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def household_without_work(session, household_id):
    if household_id is None:
        return False
    employed = session.scalar(select(func.count(Worker.id)).where(
        Worker.household_id == household_id, Worker.employment_status.in_(EMPLOYED_STATUSES)))
    return not employed


# --- referrals and placements -----------------------------------------------------------


def refer(session, job, worker_ids, note=None, today=None):
    """Refer the workers to ``job`` (status 已推荐); returns the referrals made.

    Workers the user cannot see are refused; workers already referred to the job are
    skipped. One transaction.
    """
    worker_ids = sorted({int(i) for i in worker_ids})
    if not worker_ids:
        raise MatchingError(gettext("请先选择要推荐的人员"))
    workers = session.scalars(select(Worker).where(Worker.id.in_(worker_ids))).all()
    if len(workers) != len(worker_ids):
        raise MatchingError(gettext("所选人员不存在或不在您的管辖范围内"))
    return _refer_pairs(session, [(job, w) for w in workers], note, today)


def refer_to_jobs(session, worker, job_ids, note=None, today=None):
    """Refer one worker to several open jobs (推荐岗位); the same rules as :func:`refer`."""
    job_ids = sorted({int(i) for i in job_ids})
    if not job_ids:
        raise MatchingError(gettext("请先选择要推荐的岗位"))
    jobs = session.scalars(select(Job).where(Job.id.in_(job_ids))).all()
    if len(jobs) != len(job_ids):
        raise MatchingError(gettext("所选岗位不存在或不在您的管辖范围内"))
    return _refer_pairs(session, [(j, worker) for j in jobs], note, today)


def _refer_pairs(session, pairs, note, today):
    for job, _worker in pairs:
        if job.status != OPEN_JOB_STATUS:
            raise MatchingError(gettext("只能向“招聘中”的岗位推荐人员：%(title)s", title=job.title))
    made = []
    try:
        for job, worker in pairs:
            already = session.scalar(select(func.count(Referral.id)).where(
                Referral.job_id == job.id, Referral.worker_id == worker.id,
                Referral.status.in_(REFERRAL_ACTIVE_STATUSES)))
            if already:
                continue
            referral = Referral(job_id=job.id, worker_id=worker.id, village_id=worker.village_id,
                                status="已推荐", referred_on=today or date.today(), note=note)
            session.add(referral)
            made.append(referral)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return made


def employment_status_for(job):
    """The worker's employment status once placed in ``job``.

    A job in the town (it has a 采集村 or its employer is in a village), or one whose
    work place names the district (黔江) or is not given, is 就地就近务工; a work place
    elsewhere in Chongqing is 区外市内务工; any other place is 市外务工.
    """
    place = (job.work_place or "").strip() if job is not None else ""
    in_town = job is not None and (job.village_id is not None or (job.employer is not None and job.employer.village_id is not None))
    if in_town or not place or any(name in place for name in DISTRICT_NAMES):
        return "就地就近务工"
    if any(name in place for name in CITY_NAMES):
        return "区外市内务工"
    return "市外务工"


def placement_kind(status):
    return "就地就近" if status == "就地就近务工" else "转移就业"


def placed_count(session, job_id):
    """Workers currently placed in the job, across all villages (the headcount is the job's)."""
    return session.scalar(
        select(func.count(Placement.id)).where(Placement.job_id == job_id, Placement.end_date.is_(None)),
        execution_options={"skip_row_scope": True},
    )


def move_referral(session, referral, status, start_date=None, note=None):
    """Move a referral along 已推荐 → 已对接 → 已上岗 / 未成功, in one transaction.

    已上岗 creates the placement (务工记录), sets the worker's employment status
    (:func:`employment_status_for`), work place and employer, and marks the job 已招满
    when its current placements reach the headcount. Returns the placement or None.
    """
    allowed = REFERRAL_MOVES.get(referral.status, ())
    if status not in allowed:
        raise MatchingError(gettext("推荐状态不能从“%(old)s”改为“%(new)s”", old=referral.status, new=status))
    placement = None
    try:
        if status == REFERRAL_PLACED:
            placement = _place(session, referral, start_date or date.today())
        referral.status = status
        if note:
            referral.note = note
        session.commit()
    except Exception:
        session.rollback()
        raise
    return placement


def _place(session, referral, start_date):
    job, worker = referral.job, referral.worker
    if job is None or worker is None:
        raise MatchingError(gettext("推荐记录的岗位或人员已不存在或不在您的管辖范围内"))
    if placed_count(session, job.id) >= job.headcount:
        raise MatchingError(gettext("该岗位已招满（需求%(n)d人）", n=job.headcount))
    status = employment_status_for(job)
    employer_name = job.employer.name if job.employer else None
    placement = Placement(
        worker_id=worker.id, village_id=worker.village_id, job_id=job.id, employer_id=job.employer_id,
        referral_id=referral.id, employer_name=employer_name, start_date=start_date,
        daily_wage=job.wage_amount if job.wage_unit == "元/天" else None,
        work_place=job.work_place, kind=placement_kind(status),
    )
    session.add(placement)
    worker.employment_status = status
    worker.work_place = job.work_place
    worker.employer_name = employer_name
    session.flush()
    if placed_count(session, job.id) >= job.headcount and job.status == OPEN_JOB_STATUS:
        _set_job_status(session, job, FULL_JOB_STATUS)
    return placement


def _set_job_status(session, job, status):
    """The job's status as a consequence of a placement.

    A village specialist places their own workers in another village's published job;
    the job is not theirs to edit, but filling it is the placement's effect. So this
    one column is written past the row rule and logged as the user's change.
    """
    old = job.status
    session.execute(update(Job).where(Job.id == job.id).values(status=status),
                    execution_options={"skip_row_scope": True, "synchronize_session": False})
    audit.record(session, audit.ACTION_UPDATE, resource="job", record_id=job.id, summary=job.title,
                 changes={"status": [old, status]})
    session.expire(job, ["status"])


def end_placement(session, placement, end_date=None):
    """End a placement (结束务工). The worker returns to 未就业 unless another placement is active."""
    if placement.end_date is not None:
        raise MatchingError(gettext("该务工记录已结束"))
    end_date = end_date or date.today()
    if end_date < placement.start_date:
        raise MatchingError(gettext("结束日期不能早于开始日期"))
    try:
        placement.end_date = end_date
        session.flush()
        worker = placement.worker
        others = session.scalar(select(func.count(Placement.id)).where(
            Placement.worker_id == placement.worker_id, Placement.end_date.is_(None)))
        if worker is not None and not others:
            worker.employment_status = IDLE_STATUS
            worker.work_place = None
            worker.employer_name = None
        session.commit()
    except Exception:
        session.rollback()
        raise


# --- 一户一人一就业 -----------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdCoverage:
    """Key households (脱贫户/监测户) with a labour-force member, and those with someone employed."""

    households: int
    covered: int

    @property
    def uncovered(self):
        return self.households - self.covered

    @property
    def fraction(self):
        """SPEC §4 I4: the share covered; 1 when the village has no such household."""
        return 1.0 if not self.households else self.covered / self.households


def _in_labour_force(member):
    return and_(member.labor_capacity != NO_LABOR_CAPACITY, member.employment_status != NOT_SEEKING_STATUS)


def _key_household_with_labour():
    member = aliased(Worker)
    return and_(
        Household.category.in_(KEY_HOUSEHOLD_CATEGORIES),
        exists().where(member.household_id == Household.id, _in_labour_force(member)),
    )


def _has_employed_member():
    member = aliased(Worker)
    return exists().where(member.household_id == Household.id, member.employment_status.in_(EMPLOYED_STATUSES))


def household_coverage(session, village_ids=None):
    """一户一人一就业 per village: {village_id: HouseholdCoverage}, every village asked for included.

    THE figure of SPEC §4 I4 (``.fraction``); the scoring, the dashboard and the tracker call this.
    Rows are those the acting user may read (the system actor: all).
    """
    covered = _has_employed_member()
    statement = (
        select(Household.village_id, func.count(Household.id),
               func.sum(case((covered, 1), else_=0)))
        .where(_key_household_with_labour())
        .group_by(Household.village_id)
    )
    if village_ids is not None:
        statement = statement.where(Household.village_id.in_(list(village_ids)))
    result = {vid: HouseholdCoverage(0, 0) for vid in (village_ids or ())}
    for village_id, total, with_work in session.execute(statement):
        result[village_id] = HouseholdCoverage(int(total), int(with_work or 0))
    return result


def households_without_work(session, village_id=None, limit=200, offset=0):
    """The key households with labour-force members and no employed member (the tracker's list)."""
    statement = (select(Household).where(_key_household_with_labour(), ~_has_employed_member())
                 .order_by(Household.village_id, Household.group_name, Household.id))
    if village_id is not None:
        statement = statement.where(Household.village_id == village_id)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    return total, session.scalars(statement.limit(limit).offset(offset)).all()
