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

Maintenance runs in the writer's transaction, a chunk of workers at a time: their columns
are read, :class:`_Rows` computes the rows (the one place that does), and one bulk insert
writes them. It is triggered

* for ORM changes (forms, API, placements, the 经发办 feedback view) by the session
  ``after_flush`` hook below: changed workers and every member of their old and new households;
  renamed or new job types;
* for bulk writes by the writer (the ledger import calls :func:`refresh` with the rows it wrote);
* by hand: :func:`rebuild` redoes the whole table (``flask matching reindex``, benchmarks).

Deleted workers lose their rows through ``ON DELETE CASCADE``, deleted job types through the hook.
"""
from sqlalchemy import and_, delete, event, inspect, or_, select
from sqlalchemy.orm import Session

from app.models import JobType, Worker, WorkerMatchRank
from app.models.matching import ANY_TYPE
from app.models.enums import EMPLOYED_STATUSES, NO_LABOR_CAPACITY
from app.services import matching
from app.services.database import BulkInsert, key_in

CHUNK = 5000  # ids per statement: well below SQLite's 32,766 bound parameters

# The columns whose change can change a worker's rows.
WATCHED = (
    "employment_status", "labor_capacity", "household_id", "village_id", "is_poverty_alleviated",
    "is_monitored", "is_hard_to_employ", "wanted_job_types", "skills", "verified_on",
)
OWN_REASONS = ("poverty", "monitored", "hard", "household_idle")


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


def _matchable(w):
    return and_(w.c.employment_status.in_(matching.MATCHABLE_STATUSES), w.c.labor_capacity != NO_LABOR_CAPACITY)


class _Rows:
    """Computes the index rows of workers, given their columns: the one place that does.

    Job-type names are found in 求职意向 and 技能特长 as the rule finds them (whole names
    between 、), ignoring case: a superset of the rule's matches on every database, which
    only ever makes a bound looser, never wrong.
    """

    def __init__(self, connection):
        jt = JobType.__table__
        self.by_name, self.compound = {}, []
        for type_id, name in connection.execute(select(jt.c.id, jt.c.name)):
            key = name.lower()
            if matching.SEPARATOR in key:  # a name with the separator in it: matched as a substring
                self.compound.append((matching.SEPARATOR + key + matching.SEPARATOR, type_id))
            else:
                self.by_name.setdefault(key, []).append(type_id)
        self.own = {key: _points(key) for key in OWN_REASONS}
        self.wanted, self.skill = _points("wanted"), _points("skill")

    def types(self, names):
        if not names:
            return set()
        low = names.lower()
        found = set()
        for token in low.split(matching.SEPARATOR):
            found.update(self.by_name.get(token, ()))
        if self.compound:
            padded = matching.SEPARATOR + low + matching.SEPARATOR
            found.update(type_id for key, type_id in self.compound if key in padded)
        return found

    def own_points(self, worker, employed_households):
        own = self.own
        return ((own["poverty"] if worker.is_poverty_alleviated else 0)
                + (own["monitored"] if worker.is_monitored else 0)
                + (own["hard"] if worker.is_hard_to_employ else 0)
                + (own["household_idle"] if worker.household_id is not None
                   and worker.household_id not in employed_households else 0))

    def rows(self, worker, own, only_types=None):
        """The rows of one worker, as tuples in :data:`_COLUMNS` order; ``only_types``: just those
        job types' rows (no own-points row)."""
        out = []
        if only_types is None:
            out.append((worker.id, ANY_TYPE, worker.village_id, own, worker.verified_on))
        wanted, skills = self.types(worker.wanted_job_types), self.types(worker.skills)
        for type_id in wanted | skills:
            if only_types is not None and type_id not in only_types:
                continue
            rank = own + (self.wanted if type_id in wanted else 0) + (self.skill if type_id in skills else 0)
            out.append((worker.id, type_id, worker.village_id, rank, worker.verified_on))
        return out


_COLUMNS = ("worker_id", "job_type_id", "village_id", "rank", "verified_on")
_insert = BulkInsert(WorkerMatchRank.__table__, _COLUMNS)
_WORKER_COLUMNS = ("id", "village_id", "household_id", "is_poverty_alleviated", "is_monitored", "is_hard_to_employ",
                   "wanted_job_types", "skills", "verified_on")


def _employed_households(connection):
    """Every household with an employed member."""
    w = Worker.__table__
    return set(connection.execute(select(w.c.household_id).where(
        w.c.household_id.isnot(None), w.c.employment_status.in_(EMPLOYED_STATUSES)).distinct()).scalars())


def _write(connection, builder, workers, employed):
    rows = []
    for worker in workers:
        rows.extend(builder.rows(worker, builder.own_points(worker, employed)))
    _insert(connection, rows)
    return len(rows)


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def refresh(connection, worker_ids=(), household_ids=(), id_numbers=()):
    """Rewrite the rows of the given workers (by id or 身份证号) and of every member of their
    households, and of the given households (e.g. those a worker just left).

    Per chunk of households: the delete, which of them have someone employed, the members
    who can be matched; then one insert.
    """
    w, r = Worker.__table__, WorkerMatchRank.__table__
    direct = [(key_in(w.c.id, "keys"), chunk) for chunk in _chunks({i for i in worker_ids if i is not None})]
    direct += [(key_in(w.c.id_number, "keys"), chunk) for chunk in _chunks(set(id_numbers))]
    households = {h for h in household_ids if h is not None}
    alone = set()  # workers without a household
    for condition, chunk in direct:
        for worker_id, household_id in connection.execute(select(w.c.id, w.c.household_id).where(condition),
                                                          {"keys": chunk}):
            if household_id is None:
                alone.add(worker_id)
            else:
                households.add(household_id)
    columns = [w.c[name] for name in _WORKER_COLUMNS]
    workers, employed = [], set()
    members = key_in(w.c.household_id, "keys")
    for chunk in _chunks(households):
        keys = {"keys": chunk}
        connection.execute(delete(r).where(r.c.worker_id.in_(select(w.c.id).where(members).scalar_subquery())), keys)
        employed.update(connection.execute(
            select(w.c.household_id).where(members, w.c.employment_status.in_(EMPLOYED_STATUSES)).distinct(),
            keys).scalars())
        workers.extend(connection.execute(select(*columns).where(members, _matchable(w)), keys))
    for chunk in _chunks(alone):
        keys = {"keys": chunk}
        connection.execute(delete(r).where(key_in(r.c.worker_id, "keys")), keys)
        workers.extend(connection.execute(select(*columns).where(key_in(w.c.id, "keys"), _matchable(w)), keys))
    _write(connection, _Rows(connection), workers, employed)


def refresh_job_types(connection, type_ids):
    """Rewrite the rows of job types that were added or renamed (names are matched in 求职意向/技能特长)."""
    w, r = Worker.__table__, WorkerMatchRank.__table__
    type_ids = set(type_ids)
    if not type_ids:
        return
    connection.execute(delete(r).where(r.c.job_type_id.in_(sorted(type_ids))))
    builder = _Rows(connection)
    statement = (
        select(*(w.c[name] for name in _WORKER_COLUMNS if name != "verified_on"), r.c.rank, r.c.verified_on)
        .join(r, r.c.worker_id == w.c.id)
        .where(r.c.job_type_id == ANY_TYPE, or_(w.c.wanted_job_types.isnot(None), w.c.skills.isnot(None)))
    )
    rows = []
    for worker in connection.execute(statement):
        rows.extend(builder.rows(worker, worker.rank, only_types=type_ids))
    _insert(connection, rows)


def rebuild(connection):
    """Rewrite the whole index from the worker ledger; returns the number of rows."""
    w, r = Worker.__table__, WorkerMatchRank.__table__
    connection.execute(delete(r))
    builder = _Rows(connection)
    employed = _employed_households(connection)
    columns = [w.c[name] for name in _WORKER_COLUMNS]
    written, last = 0, 0
    while True:  # in id order, a chunk at a time: memory stays flat
        workers = connection.execute(
            select(*columns).where(w.c.id > last, _matchable(w)).order_by(w.c.id).limit(CHUNK)).all()
        if not workers:
            return written
        written += _write(connection, builder, workers, employed)
        last = workers[-1].id


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
