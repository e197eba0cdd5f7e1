"""The candidate index of the matching rule (匹配候选索引), kept in step with the worker ledger.

Ranking every worker of the town for a job costs time in proportion to the ledger
(1.8 s at 1,000,000 workers). The index lets :func:`app.services.matching.candidates_for_job`
look at a few hundred rows instead, by bounding each worker's score from above.

Table ``worker_match_rank`` holds, for every worker who passes the job-independent hard
filters of the rule (status 未就业/季节性闲置/灵活就业, labour capacity not 丧失劳动力):

* one row with ``job_type_id`` 0 (:data:`ANY_TYPE`) and ``rank`` = the worker's *own points*: 脱贫户优先,
  监测户优先, 就业困难人员 and 本户尚无人就业 (the last depends on the other members of
  the household, which is why a change to one member refreshes the whole household);
* one row per job type named in the worker's 求职意向 or 技能特长, with ``rank`` = own
  points + the type points (工种相符(求职意向) and/or 工种相符(技能特长)).

Every other reason of the rule depends on the job or on the day (同村 / 同镇 / 意向范围相符,
近期核实, 年龄符合), and is worth a bounded number of points; the worker's 核实日期 is kept
beside ``rank`` so that 近期核实 is known exactly. So the workers who may score at least some
threshold (:func:`can_reach`) are found with index range scans on ``(job_type_id,
village_id, rank, verified_on)``. The index only prunes: the score shown is always computed
from the worker's current columns by the rule itself.

Maintenance is set-based SQL in the writer's transaction:

* ORM changes (forms, API, placements, the 经发办 feedback view) through the session
  ``after_flush`` hook below: changed workers and every member of their old and new households;
  renamed or new job types;
* bulk writes (the ledger import) call :func:`refresh` with the rows they wrote;
* :func:`rebuild` redoes the whole table (``flask matching reindex``, benchmarks).

Deleted workers lose their rows through ``ON DELETE CASCADE``, deleted job types through the hook.
"""
from sqlalchemy import and_, case, delete, event, exists, func, insert, inspect, literal, or_, select
from sqlalchemy.orm import Session

from app.models import JobType, Worker, WorkerMatchRank
from app.models.matching import ANY_TYPE
from app.models.enums import EMPLOYED_STATUSES, NO_LABOR_CAPACITY
from app.services import matching

CHUNK = 5000  # ids per statement: well below SQLite's 32,766 bound parameters

# The columns whose change can change a worker's rows.
WATCHED = (
    "employment_status", "labor_capacity", "household_id", "village_id", "is_poverty_alleviated",
    "is_monitored", "is_hard_to_employ", "wanted_job_types", "skills", "verified_on",
)
OWN_REASONS = ("poverty", "monitored", "hard", "household_idle")
TYPE_REASONS = ("wanted", "skill")


def _points(key):
    return matching.REASON_BY_KEY[key].points


def can_reach(bound, job_in_town, same_village, recent_since):
    """SQL on the index rows: the worker may score ``bound`` or more for a job.

    Beyond ``rank`` a worker can only gain the place points, 年龄符合, and 近期核实 — the last
    only when ``verified_on`` (kept in the index for this) is on or after ``recent_since``.
    ``same_village``: the worker lives in the job's village (同村), else another village (同镇)
    for a job in the town; a job outside the town gives at most 意向范围相符.
    """
    if job_in_town:
        place = _points("same_village") if same_village else _points("same_town")
    else:
        place = _points("range")
    r = WorkerMatchRank
    without_recent = bound - place - _points("age")
    return and_(r.rank >= without_recent - _points("recent"),
                or_(r.rank >= without_recent, r.verified_on >= recent_since))


def _own_points(w):
    """SQL: the worker's own points (see the module docstring), ``w`` being the worker table."""
    member = Worker.__table__.alias("member")
    idle = and_(
        w.c.household_id.isnot(None),
        ~exists().where(member.c.household_id == w.c.household_id,
                        member.c.employment_status.in_(EMPLOYED_STATUSES)),
    )
    flags = {
        "poverty": w.c.is_poverty_alleviated.is_(True),
        "monitored": w.c.is_monitored.is_(True),
        "hard": w.c.is_hard_to_employ.is_(True),
        "household_idle": idle,
    }
    return sum(case((flags[key], _points(key)), else_=0) for key in OWN_REASONS)


def _matchable(w):
    return and_(w.c.employment_status.in_(matching.MATCHABLE_STATUSES), w.c.labor_capacity != NO_LABOR_CAPACITY)


def _write_rows(connection, worker_ids=None, type_ids=None):
    """Insert the rows of the given workers (all when None) for the given job types (all when None)."""
    w, r, jt = Worker.__table__, WorkerMatchRank.__table__, JobType.__table__
    columns = [r.c.worker_id, r.c.job_type_id, r.c.village_id, r.c.rank, r.c.verified_on]
    if type_ids is None:
        own = select(w.c.id, literal(ANY_TYPE), w.c.village_id, _own_points(w), w.c.verified_on).where(
            _matchable(w))
        if worker_ids is not None:
            own = own.where(w.c.id.in_(worker_ids))
        connection.execute(insert(r).from_select(columns, own))
    wanted = matching._contains_name(w.c.wanted_job_types, jt.c.name)
    skill = matching._contains_name(w.c.skills, jt.c.name)
    typed = (
        select(r.c.worker_id, jt.c.id, r.c.village_id,
               r.c.rank + case((wanted, _points("wanted")), else_=0) + case((skill, _points("skill")), else_=0),
               r.c.verified_on)
        .select_from(r.join(w, w.c.id == r.c.worker_id).join(jt, or_(wanted, skill)))
        .where(r.c.job_type_id == ANY_TYPE, or_(w.c.wanted_job_types.isnot(None), w.c.skills.isnot(None)))
    )
    if worker_ids is not None:
        typed = typed.where(r.c.worker_id.in_(worker_ids))
    if type_ids is not None:
        typed = typed.where(jt.c.id.in_(type_ids))
    connection.execute(insert(r).from_select(columns, typed))


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def refresh(connection, worker_ids=(), household_ids=(), id_numbers=()):
    """Rewrite the rows of the given workers (by id or 身份证号) and of every member of their
    households, and of the given households (e.g. those a worker just left)."""
    w = Worker.__table__
    direct = []
    for chunk in _chunks({i for i in worker_ids if i is not None}):
        direct.append(w.c.id.in_(chunk))
    for chunk in _chunks(set(id_numbers)):
        direct.append(w.c.id_number.in_(chunk))
    households = {h for h in household_ids if h is not None}
    targets = set(worker_ids) - {None}
    for condition in direct:
        for worker_id, household_id in connection.execute(select(w.c.id, w.c.household_id).where(condition)):
            targets.add(worker_id)
            if household_id is not None:
                households.add(household_id)
    for chunk in _chunks(households):
        targets.update(connection.execute(select(w.c.id).where(w.c.household_id.in_(chunk))).scalars())
    r = WorkerMatchRank.__table__
    for chunk in _chunks(targets):
        connection.execute(delete(r).where(r.c.worker_id.in_(chunk)))
        _write_rows(connection, worker_ids=chunk)


def refresh_job_types(connection, type_ids):
    """Rewrite the rows of job types that were added or renamed (names are matched in 求职意向/技能特长)."""
    r = WorkerMatchRank.__table__
    type_ids = sorted(set(type_ids))
    if not type_ids:
        return
    connection.execute(delete(r).where(r.c.job_type_id.in_(type_ids)))
    _write_rows(connection, type_ids=type_ids)


def rebuild(connection):
    """Rewrite the whole index from the worker ledger; returns the number of rows."""
    r = WorkerMatchRank.__table__
    connection.execute(delete(r))
    _write_rows(connection)
    return connection.execute(select(func.count()).select_from(r)).scalar_one()


@event.listens_for(Session, "after_flush")
def _after_flush(session, _flush_context):
    worker_ids, household_ids, type_ids = set(), set(), set()
    for obj in session.new:
        if isinstance(obj, Worker):
            worker_ids.add(obj.id)
        elif isinstance(obj, JobType):
            type_ids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Worker):
            state = inspect(obj)
            changed = [key for key in WATCHED if state.attrs[key].history.has_changes()]
            if changed:
                worker_ids.add(obj.id)
                household_ids.update(state.attrs.household_id.history.deleted or ())
        elif isinstance(obj, JobType) and inspect(obj).attrs.name.history.has_changes():
            type_ids.add(obj.id)
    gone_types = set()
    for obj in session.deleted:
        if isinstance(obj, Worker):
            household_ids.add(obj.household_id)
        elif isinstance(obj, JobType):
            gone_types.add(obj.id)
    if gone_types:
        r = WorkerMatchRank.__table__
        session.connection().execute(delete(r).where(r.c.job_type_id.in_(sorted(gone_types))))
    if worker_ids or household_ids:
        refresh(session.connection(), worker_ids=worker_ids, household_ids=household_ids)
    if type_ids:
        refresh_job_types(session.connection(), type_ids)
