"""The row rule of SPEC §2, written once.

Every ORM SELECT in the process passes through :func:`_scope_select` (a
``do_orm_execute`` hook), which adds the actor's read criterion for each scoped
model with ``with_loader_criteria`` — list, show, edit, delete, bulk actions,
relation dropdowns, search, the REST API and any later view or report all see
the same rows. Every flush passes through :func:`_check_writes_before` and
:func:`_check_writes_after`, which refuse to create, change or delete a row the
actor may not write, both as the row was before the change and as it is after,
or to point a row at one the actor cannot read. A user whose role should be scoped but
who has no village sees nothing (fail closed).
"""
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, event, exists, false, inspect, or_, select
from sqlalchemy.orm import Session, with_loader_criteria

from app.models import Placement, Referral
from app.models import Dispute, DisputeEvent, Employer, Household, Job, Worker
from app.models.reporting import ScoringPeriod, VillageScore, WeeklyReport
from app.models.enums import KEY_HOUSEHOLD_CATEGORIES, OPEN_JOB_STATUS, PUBLISHED_JOB_STATUSES
from app.security.actor import ANONYMOUS, SYSTEM, current_actor
from app.security.roles import (
    ROLE_CONFIGS,
    SCOPE_ALL,
    SCOPE_KEY_GROUPS,
    SCOPE_OFFICE,
    SCOPE_VILLAGE,
)

SCOPED_MODELS = (
    Worker, Household, Employer, Job, Referral, Placement, Dispute, DisputeEvent, WeeklyReport,
    ScoringPeriod, VillageScore,
)
# Scores and bulletins: everyone but the unrestricted reads published periods only, and writes none.
PUBLISHED_ONLY = (ScoringPeriod, VillageScore)
# Scoped through another row, so they carry no village of their own to fix on a form.
SCOPED_THROUGH_PARENT = (DisputeEvent,)
SCOPE_NONE = "none"
SCOPE_ANONYMOUS = "anonymous"


class RowScopeViolation(PermissionError):
    """A write outside the actor's rows; ``str()`` is the Chinese message."""


@dataclass(frozen=True)
class ActorScope:
    kind: str
    village_id: int | None = None
    office: str | None = None

    @property
    def unrestricted(self):
        return self.kind == SCOPE_ALL


UNRESTRICTED = ActorScope(SCOPE_ALL)
NOTHING = ActorScope(SCOPE_NONE)
PUBLIC = ActorScope(SCOPE_ANONYMOUS)


def scope_for_user(user):
    """Unrestricted if any role is; otherwise the one scope the roles give.

    A village role without a village, no known role, or two different restricted
    scopes (ambiguous) give NOTHING: the rule fails closed.
    """
    scopes = []
    for role in user.roles:
        config = ROLE_CONFIGS.get(role.name)
        if config is None:
            continue
        kind = config["scope"]
        if kind == SCOPE_VILLAGE:
            if user.village_id is None:
                continue
            scopes.append(ActorScope(kind, village_id=user.village_id))
        elif kind == SCOPE_OFFICE:
            scopes.append(ActorScope(kind, office=config["office"]))
        else:
            scopes.append(ActorScope(kind))
    if any(s.unrestricted for s in scopes):
        return UNRESTRICTED
    if len(scopes) != 1:  # none, or an ambiguous mix: fail closed
        return NOTHING
    return scopes[0]


_resolving = ContextVar("lingong_scope_resolving", default=False)


def current_scope():
    """The scope of the acting user, cached per request.

    Resolving it may load the user and their roles; those queries pass through the
    hook below too and are let through unscoped while ``_resolving`` is set.
    """
    token = _resolving.set(True)
    try:
        actor = current_actor()
        if actor is ANONYMOUS:
            return PUBLIC
        if actor is SYSTEM:
            return UNRESTRICTED
        if not has_request_context():
            return scope_for_user(actor)
        cached = g.get("_lingong_scope")
        if cached is not None and cached[0] == actor.id:
            return cached[1]
        scope = scope_for_user(actor)
        g._lingong_scope = (actor.id, scope)
        return scope
    finally:
        _resolving.reset(token)


def _published_job_of(employer_cls, statuses):
    # An alias of the job table: a query joining jobs to employers (the matching of a
    # worker to open jobs) must not correlate this subquery with its own job rows.
    jobs = Job.__table__.alias("published_job")
    return exists().where(and_(jobs.c.employer_id == employer_cls.id, jobs.c.status.in_(statuses)))


def read_criterion(model, scope):
    """SQL criterion for the rows of ``model`` the scope may read; None means all."""
    kind = scope.kind
    if kind == SCOPE_ALL:
        return None
    if model is Worker:
        if kind == SCOPE_VILLAGE:
            return Worker.village_id == scope.village_id
        if kind == SCOPE_KEY_GROUPS:
            return or_(Worker.is_poverty_alleviated.is_(True), Worker.is_monitored.is_(True))
        return false()
    if model in (Referral, Placement):
        # The worker's village, copied onto the row when it is made.
        if kind == SCOPE_VILLAGE:
            return model.village_id == scope.village_id
        return false()
    if model is Household:
        if kind == SCOPE_VILLAGE:
            return Household.village_id == scope.village_id
        if kind == SCOPE_KEY_GROUPS:
            key_member = exists().where(
                and_(
                    Worker.household_id == Household.id,
                    or_(Worker.is_poverty_alleviated.is_(True), Worker.is_monitored.is_(True)),
                )
            )
            return or_(Household.category.in_(KEY_HOUSEHOLD_CATEGORIES), key_member)
        return false()
    if model is Employer:
        if kind == SCOPE_VILLAGE:
            return or_(Employer.village_id == scope.village_id, _published_job_of(Employer, PUBLISHED_JOB_STATUSES))
        if kind == SCOPE_OFFICE:
            return or_(Employer.source_office == scope.office, _published_job_of(Employer, PUBLISHED_JOB_STATUSES))
        if kind == SCOPE_ANONYMOUS:
            return _published_job_of(Employer, (OPEN_JOB_STATUS,))
        return false()
    if model is Job:
        if kind == SCOPE_VILLAGE:
            return or_(Job.village_id == scope.village_id, Job.status.in_(PUBLISHED_JOB_STATUSES))
        if kind == SCOPE_OFFICE:
            return or_(Job.source_office == scope.office, Job.status.in_(PUBLISHED_JOB_STATUSES))
        if kind == SCOPE_ANONYMOUS:
            return Job.status == OPEN_JOB_STATUS
        return false()
    if model is Dispute:
        if kind == SCOPE_VILLAGE:
            return Dispute.village_id == scope.village_id
        return false()
    if model is DisputeEvent:
        if kind == SCOPE_VILLAGE:
            # An event belongs to its case's village. The Core table and correlate(None)
            # keep the subquery independent of a Dispute in the outer query.
            cases = Dispute.__table__
            own_cases = select(cases.c.id).where(cases.c.village_id == scope.village_id).correlate(None)
            return DisputeEvent.dispute_id.in_(own_cases)
        return false()
    if model is WeeklyReport:
        if kind == SCOPE_VILLAGE:
            return WeeklyReport.village_id == scope.village_id
        return false()
    if model in PUBLISHED_ONLY:
        if kind in (SCOPE_VILLAGE, SCOPE_KEY_GROUPS, SCOPE_OFFICE):
            if model is ScoringPeriod:
                return ScoringPeriod.published_at.is_not(None)
            periods = ScoringPeriod.__table__
            published = select(periods.c.id).where(periods.c.published_at.is_not(None)).correlate(None)
            return VillageScore.period_id.in_(published)
        return false()
    return None


def fixed_values(model, scope):
    """Column values a new or changed row must carry for the scope to write it.

    None means the scope may not write ``model`` at all; ``{}`` means no constraint.
    Views use it to fix the village (or source office) on forms.
    """
    kind = scope.kind
    if kind == SCOPE_ALL:
        return {}
    if model in PUBLISHED_ONLY:
        return None
    if kind == SCOPE_VILLAGE and model in SCOPED_THROUGH_PARENT:
        return {}  # the read criterion (the parent's village) is the whole rule
    if kind == SCOPE_VILLAGE and model in SCOPED_MODELS:
        return {"village_id": scope.village_id}
    if kind == SCOPE_OFFICE and model in (Employer, Job):
        return {"source_office": scope.office}
    if kind == SCOPE_KEY_GROUPS and model is Worker:
        return {}  # further limited to key-group rows by the read criterion
    return None


def write_criterion(model, scope):
    """SQL criterion a row must meet, before and after a change, to be written."""
    values = fixed_values(model, scope)
    if values is None:
        return false()
    clauses = [getattr(model, column) == value for column, value in values.items()]
    read = read_criterion(model, scope)
    if read is not None:
        clauses.append(read)
    return and_(*clauses) if clauses else None


def check_writable(item, scope=None):
    """Raise RowScopeViolation unless the scope may write ``item`` as it now stands."""
    scope = scope or current_scope()
    values = fixed_values(type(item), scope)
    if values is None:
        raise RowScopeViolation(str(_l("您无权修改此类记录")))
    for column, value in values.items():
        if getattr(item, column) != value:
            raise RowScopeViolation(str(_MESSAGES.get(column, _l("您无权修改此记录"))))


_MESSAGES = {
    "village_id": _l("只能录入或修改本村(社区)的记录"),
    "source_office": _l("只能录入或修改本单位发布的记录"),
}


@event.listens_for(Session, "do_orm_execute")
def _scope_select(state):
    if not (state.is_select or state.is_update or state.is_delete) or state.is_column_load:
        return
    if state.execution_options.get("skip_row_scope"):
        return
    if _resolving.get():
        return  # the queries that load the actor and their roles
    scope = current_scope()
    if scope.unrestricted:
        return
    state.statement = state.statement.options(*_loader_options(scope))


@lru_cache(maxsize=256)
def _loader_options(scope):
    """The scope's criteria, built once per scope: every ORM query of a page (FAB's permission
    checks for the menu included) passes through the hook, and building them each time cost
    a village specialist's home page about half a second."""
    options = []
    for model in SCOPED_MODELS:
        criterion = read_criterion(model, scope)
        if criterion is not None:
            options.append(with_loader_criteria(model, criterion, include_aliases=True))
    return tuple(options)


def _refuse_outside(session, model, ids, scope):
    """Refuse unless every row ``ids`` of ``model`` meets the write criterion now."""
    criterion = write_criterion(model, scope)
    ids = sorted(set(ids))
    if criterion is None or not ids:
        return
    conn = session.connection()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        allowed = conn.execute(select(model.id).where(model.id.in_(chunk), criterion)).scalars().all()
        if len(allowed) != len(chunk):
            raise RowScopeViolation(str(_l("您无权修改不属于您管辖范围的记录")))


@event.listens_for(Session, "before_flush")
def _check_writes_before(session, _flush_context, _instances):
    """Rows changed or deleted must have been writable as they were."""
    scope = current_scope()
    if scope.unrestricted:
        return
    for model in SCOPED_MODELS:
        touched = [o.id for o in list(session.dirty) + list(session.deleted)
                   if type(o) is model and o.id is not None]
        if touched:
            _refuse_outside(session, model, touched, scope)


def _references(model):
    """(foreign-key attribute, scoped model it points at) for ``model``: worker → household, job → employer."""
    return [(column.key, target) for column in model.__table__.columns for fk in column.foreign_keys
            for target in SCOPED_MODELS if fk.column.table is target.__table__]


def _refuse_unreadable_references(session, objects, scope):
    """A row may only point at rows the actor can read: no worker filed under another
    village's household, no job under an employer the actor cannot see. The API takes
    ids as given, so the forms' drop-downs alone do not ensure it. For a changed row
    only a changed reference is checked, so a reference that went out of sight later
    (a job withdrawn) does not block unrelated edits."""
    wanted = {}
    for obj in objects:
        state = inspect(obj)
        for attr, target in _references(type(obj)):
            value = getattr(obj, attr)
            if value is None:
                continue
            if not state.pending and not state.attrs[attr].history.has_changes():
                continue
            wanted.setdefault(target, set()).add(value)
    conn = session.connection()
    for target, ids in wanted.items():
        criterion = read_criterion(target, scope)
        if criterion is None:
            continue
        found = set(conn.execute(select(target.id).where(target.id.in_(ids), criterion)).scalars())
        if found != ids:
            raise RowScopeViolation(str(_l("不能关联您无权查看的记录")))


@event.listens_for(Session, "after_flush")
def _check_writes_after(session, _flush_context):
    """Rows created or changed must be writable as they now are, and point only at readable rows."""
    scope = current_scope()
    if scope.unrestricted:
        return
    written = [o for o in list(session.new) + list(session.dirty) if type(o) in SCOPED_MODELS]
    for model in SCOPED_MODELS:
        _refuse_outside(session, model, [o.id for o in written if type(o) is model], scope)
    _refuse_unreadable_references(session, written, scope)
