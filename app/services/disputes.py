"""Labour-dispute cases: case numbers, the status machine, the legal time limits and statistics.

The rules, each written once:

* A case number is ``JF-<year of receipt>-<sequence>``; the sequence is one per year, kept
  in ``dispute_counter`` and bumped with one atomic ``UPDATE … RETURNING`` in the
  registering transaction, so two concurrent registrations never get the same number
  (the second waits for the first's row lock; ``case_no`` is unique as a last guard).
* The status machine of SPEC §3 is the table :data:`TRANSITIONS`: each action, the state it
  leaves, the state it enters and what it needs besides its date. :func:`transition` is the
  only way to change a status; it writes the timeline event itself. A flush that changes
  ``status`` outside it is refused (:func:`_status_only_by_transition`).
* A concluded case is read-only except for adding events (:func:`check_editable`).
* ``deadline`` = ``received_on`` + 15 days (the model computes it). A case is 已超期 when not
  concluded and today is after the deadline, 即将到期 when not concluded and 0–3 days are
  left, 待受理 when still 已登记 more than 3 working days after receipt (official calendar
  with holidays and make-up working days, from ``chinese_calendar``).
"""
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import chinese_calendar
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, case, event, func, inspect, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.models import Dispute, DisputeCounter, DisputeEvent
from app.models.enums import (
    DISPUTE_CONCLUDED_STATUSES,
    DISPUTE_EVENT_ACTIONS,
    DISPUTE_KINDS,
    DISPUTE_SOURCES,
    DISPUTE_STATUSES,
)
from app.services.identity import InvalidValue

STATUS_REGISTERED = "已登记"
STATUS_MEDIATING = "调解中"
ACCEPTANCE_WORKING_DAYS = 3
DUE_SOON_DAYS = 3

FLAG_ACCEPTANCE_LATE = "待受理"
FLAG_OVERDUE = "已超期"
FLAG_DUE_SOON = "即将到期"
FLAG_LATE = "超期或待受理"  # either of the first two: what the menu counts
FLAGS = (FLAG_ACCEPTANCE_LATE, FLAG_OVERDUE, FLAG_DUE_SOON)


class DisputeError(InvalidValue):
    """A move or change the rules refuse; ``str()`` is the Chinese message."""


@dataclass(frozen=True)
class Transition:
    action: str  # the button (受理, 不予受理, …)
    source: str
    target: str
    needs: tuple  # required fields besides the date: reason, agreement, amount_recovered
    event_action: str  # the timeline entry it writes (SPEC §3 event actions)


TRANSITIONS = (
    Transition("受理", STATUS_REGISTERED, STATUS_MEDIATING, (), "受理"),
    Transition("不予受理", STATUS_REGISTERED, "不予受理", ("reason",), "结案"),
    Transition("调解成功", STATUS_MEDIATING, "调解成功", ("agreement", "amount_recovered"), "结案"),
    Transition("调解不成", STATUS_MEDIATING, "调解不成", (), "结案"),
    Transition("撤回", STATUS_MEDIATING, "已撤回", (), "结案"),
    Transition("移交仲裁", "调解不成", "已移交仲裁", ("reason",), "移交"),
)
TRANSITION_TO = {t.target: t for t in TRANSITIONS}

_NEEDS_MESSAGES = {
    "reason": _l("「%(action)s」须填写理由"),
    "agreement": _l("「%(action)s」须填写调解协议内容"),
    "amount_recovered": _l("「%(action)s」须填写追回金额"),
}

_in_transition = ContextVar("lingong_dispute_transition", default=False)


def transitions_from(status):
    """The moves allowed from ``status``, in the order of :data:`TRANSITIONS`."""
    return [t for t in TRANSITIONS if t.source == status]


def is_concluded(status):
    return status in DISPUTE_CONCLUDED_STATUSES


# -- case numbers ------------------------------------------------------------------------

def format_case_no(year, number):
    return f"JF-{year}-{number:03d}"


def _highest_existing(conn, year):
    """The highest sequence already used in ``year`` (cases entered before the counter)."""
    table = Dispute.__table__
    prefix = f"JF-{year}-"
    last = conn.execute(
        select(table.c.case_no).where(table.c.case_no.like(prefix + "%"))
        .order_by(func.length(table.c.case_no).desc(), table.c.case_no.desc()).limit(1)
    ).scalar()
    try:
        return int(last[len(prefix):]) if last else 0
    except ValueError:
        return 0


def next_case_no(session, year):
    """The next case number of ``year``, taken in the session's transaction.

    The counter row is created if missing (``INSERT … ON CONFLICT DO NOTHING``), then bumped
    with one ``UPDATE … RETURNING``: the row lock makes a concurrent registration wait until
    this transaction ends and then read the bumped value. Runs on the connection, below the
    row rule: a village specialist's number must count every village's cases.
    """
    conn = session.connection()
    table = DisputeCounter.__table__
    dialect = conn.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    exists = conn.execute(select(table.c.year).where(table.c.year == year)).first()
    if exists is None:
        conn.execute(
            insert(table).values(year=year, last_no=_highest_existing(conn, year))
            .on_conflict_do_nothing(index_elements=[table.c.year])
        )
    number = conn.execute(
        update(table).where(table.c.year == year).values(last_no=table.c.last_no + 1).returning(table.c.last_no)
    ).scalar_one()
    return format_case_no(year, number)


def check_values(dispute):
    """The enumerations and numbers of a case as entered (the API takes any string)."""
    if dispute.source not in DISPUTE_SOURCES:
        raise DisputeError(gettext("来源应为：%(values)s", values="、".join(DISPUTE_SOURCES)))
    if dispute.kind not in DISPUTE_KINDS:
        raise DisputeError(gettext("纠纷类型应为：%(values)s", values="、".join(DISPUTE_KINDS)))
    if dispute.workers_involved is not None and dispute.workers_involved < 1:
        raise DisputeError(gettext("涉及人数至少为1"))
    if dispute.amount_claimed is not None and dispute.amount_claimed < 0:
        raise DisputeError(gettext("涉及金额不能为负数"))
    if _blank(dispute.applicant_names):
        raise DisputeError(gettext("请填写申请人"))
    if _blank(dispute.respondent_name):
        raise DisputeError(gettext("请填写被申请人名称或选择用工主体"))


def prepare_new(session, dispute):
    """Number a new case and start it as 已登记 (before it is added)."""
    if dispute.received_on is None:
        raise DisputeError(gettext("请填写收案日期"))
    if dispute.received_on > date.today():
        raise DisputeError(gettext("收案日期不能晚于今天"))
    if dispute.respondent_employer is not None and _blank(dispute.respondent_name):
        dispute.respondent_name = dispute.respondent_employer.name
    dispute.source = dispute.source or DISPUTE_SOURCES[0]
    dispute.kind = dispute.kind or DISPUTE_KINDS[0]
    dispute.workers_involved = dispute.workers_involved or 1
    check_values(dispute)
    dispute.status = STATUS_REGISTERED
    for column in ("accepted_on", "closed_on", "amount_recovered", "agreement", "outcome"):
        setattr(dispute, column, None)
    dispute.case_no = next_case_no(session, dispute.received_on.year)
    return dispute


def register(session, dispute):
    """Register a case: numbered, 已登记, committed. Returns the case."""
    try:
        prepare_new(session, dispute)
        session.add(dispute)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return dispute


# -- the status machine ------------------------------------------------------------------

def _parse_date(value, label):
    if isinstance(value, date):
        return value
    if not value:
        raise DisputeError(gettext("请填写%(label)s", label=label))
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DisputeError(gettext("%(label)s格式不正确，应为YYYY-MM-DD", label=label)) from None


def _parse_amount(value):
    if isinstance(value, Decimal):
        amount = value
    else:
        try:
            amount = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise DisputeError(gettext("追回金额必须是数字")) from None
    if not amount.is_finite() or amount < 0:
        raise DisputeError(gettext("追回金额不能为负数"))
    return amount.quantize(Decimal("0.01"))


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def check_move(dispute, status):
    """The transition into ``status`` from the case's state, or DisputeError saying why not."""
    if status not in DISPUTE_STATUSES:
        raise DisputeError(gettext("未知的案件状态：%(status)s", status=status))
    move = TRANSITION_TO.get(status)
    if move is None or move.source != dispute.status:
        allowed = "、".join(t.target for t in transitions_from(dispute.status))
        message = gettext("案件%(case_no)s当前状态为「%(current)s」，不能变更为「%(status)s」",
                          case_no=dispute.case_no, current=dispute.status, status=status)
        if allowed:
            message += gettext("（可变更为：%(allowed)s）", allowed=allowed)
        else:
            message += gettext("（案件已办结）")
        raise DisputeError(message)
    return move


def _event_content(move, reason, agreement, amount, handler, note):
    parts = {
        "受理": gettext("受理案件") + (gettext("，承办人：%(handler)s", handler=handler) if handler else ""),
        "不予受理": gettext("不予受理：%(reason)s", reason=reason),
        "调解成功": gettext("调解成功，达成调解协议，追回金额%(amount)s元", amount=amount),
        "调解不成": gettext("调解不成"),
        "撤回": gettext("申请人撤回申请"),
        "移交仲裁": gettext("移交劳动人事争议仲裁委员会：%(reason)s", reason=reason),
    }
    text = parts[move.action]
    if note:
        text += "。" + note.strip()
    return text


def transition(session, dispute, status, on, *, reason=None, agreement=None, amount_recovered=None,
               handler=None, note=None, today=None):
    """Move ``dispute`` to ``status`` on date ``on`` and write the timeline event; commits.

    Needs, by SPEC §3 and the issue: a date always (not before receipt or acceptance, not in
    the future); 调解成功 the agreement and the amount recovered; 不予受理 and 移交仲裁 a reason.
    受理 sets ``accepted_on``; entering a concluded state sets ``closed_on`` (移交仲裁 keeps the
    date mediation ended, when it has one: the mediation limit is what ``closed_on`` measures).
    Raises DisputeError (nothing written) for any other move or a missing field.
    """
    today = today or date.today()
    move = check_move(dispute, status)
    on = _parse_date(on, gettext("日期"))
    if on > today:
        raise DisputeError(gettext("日期不能晚于今天"))
    if on < dispute.received_on:
        raise DisputeError(gettext("日期不能早于收案日期（%(date)s）", date=dispute.received_on.isoformat()))
    if dispute.accepted_on and on < dispute.accepted_on:
        raise DisputeError(gettext("日期不能早于受理日期（%(date)s）", date=dispute.accepted_on.isoformat()))
    given = {"reason": reason, "agreement": agreement, "amount_recovered": amount_recovered}
    for need in move.needs:
        if _blank(given[need]):
            raise DisputeError(str(_NEEDS_MESSAGES[need]) % {"action": move.action})
    amount = _parse_amount(amount_recovered) if "amount_recovered" in move.needs else None

    token = _in_transition.set(True)
    try:
        dispute.status = move.target
        if move.target == STATUS_MEDIATING:
            dispute.accepted_on = on
            if handler:
                dispute.handler = handler.strip()
        if is_concluded(move.target) and dispute.closed_on is None:
            dispute.closed_on = on
        if "reason" in move.needs:
            dispute.outcome = reason.strip()
        if "agreement" in move.needs:
            dispute.agreement = agreement.strip()
            dispute.amount_recovered = amount
            dispute.outcome = (note or "").strip() or gettext("调解成功")
        elif note and is_concluded(move.target) and not dispute.outcome:
            dispute.outcome = note.strip()
        record = DisputeEvent(
            dispute=dispute, happened_on=on, action=move.event_action,
            content=_event_content(move, reason, agreement, amount, handler, note),
        )
        session.add(record)
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        _in_transition.reset(token)
    return record


def check_event(record, dispute):
    """A user's timeline entry must name a known action, have content, and fall between the
    case's receipt and today."""
    record.happened_on = _parse_date(record.happened_on, gettext("日期"))
    if record.action not in DISPUTE_EVENT_ACTIONS:
        raise DisputeError(gettext("未知的办理事项：%(action)s", action=record.action))
    if record.happened_on < dispute.received_on:
        raise DisputeError(gettext("日期不能早于收案日期（%(date)s）", date=dispute.received_on.isoformat()))
    if record.happened_on > date.today():
        raise DisputeError(gettext("日期不能晚于今天"))
    if _blank(record.content):
        raise DisputeError(gettext("请填写办理内容"))
    record.content = record.content.strip()


def add_event(session, dispute, happened_on, action, content):
    """A user's own timeline entry (调查, 调解, 回访 …), also on a concluded case; commits."""
    record = DisputeEvent(happened_on=happened_on, action=action, content=content)
    check_event(record, dispute)
    record.dispute = dispute
    try:
        session.add(record)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return record


# Columns only the status machine or the system sets.
MACHINE_COLUMNS = ("status", "case_no", "accepted_on", "closed_on", "amount_recovered", "agreement",
                   "outcome")


def check_editable(dispute):
    """Refuse an edit of a concluded case, and any edit of what only transitions set."""
    state = inspect(dispute)
    if state.transient or state.pending:
        return
    changed = [attr.key for attr in state.mapper.column_attrs
               if attr.key not in ("changed_on", "changed_by_fk") and state.attrs[attr.key].history.has_changes()]
    if not changed and not any(state.attrs[r.key].history.has_changes() for r in state.mapper.relationships
                               if r.key == "applicant_workers"):
        return
    status = state.attrs.status
    old_status = status.history.deleted[0] if status.history.deleted else dispute.status
    if "status" in changed:
        raise DisputeError(gettext("案件状态只能通过办理操作变更（受理、不予受理、调解成功等）"))
    if is_concluded(old_status):
        raise DisputeError(gettext("案件已办结，不能修改，只能添加办理记录"))
    machine = [c for c in changed if c in MACHINE_COLUMNS]
    if machine:
        raise DisputeError(gettext("该字段由办理操作填写，不能直接修改：%(columns)s", columns="、".join(machine)))
    check_values(dispute)
    if "received_on" in changed and dispute.accepted_on and dispute.received_on > dispute.accepted_on:
        raise DisputeError(gettext("收案日期不能晚于受理日期"))


@event.listens_for(Dispute, "before_update")
def _status_only_by_transition(_mapper, _connection, dispute):
    """The backstop under every view and API: no flush changes a status outside transition()."""
    if _in_transition.get():
        return
    check_editable(dispute)


# -- time limits -------------------------------------------------------------------------

def is_workday(day):
    """Official working day; outside the years the calendar knows, Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_after(start, end):
    """Working days in (start, end]."""
    count, day = 0, start + timedelta(days=1)
    while day <= end:
        count += is_workday(day)
        day += timedelta(days=1)
    return count


def acceptance_cutoff(today):
    """The receipt date from which a 已登记 case is not yet late: a case received before it has
    more than 3 working days between receipt (exclusive) and today (inclusive)."""
    found, day = 0, today
    while True:
        if is_workday(day):
            found += 1
            if found == ACCEPTANCE_WORKING_DAYS + 1:
                return day
        day -= timedelta(days=1)


def flags(dispute, today=None):
    """The late flags of one case today, in :data:`FLAGS` order."""
    today = today or date.today()
    result = []
    if is_concluded(dispute.status):
        return result
    if dispute.status == STATUS_REGISTERED and working_days_after(dispute.received_on, today) > ACCEPTANCE_WORKING_DAYS:
        result.append(FLAG_ACCEPTANCE_LATE)
    if today > dispute.deadline:
        result.append(FLAG_OVERDUE)
    elif (dispute.deadline - today).days <= DUE_SOON_DAYS:
        result.append(FLAG_DUE_SOON)
    return result


def days_left(dispute, today=None):
    """Days until the deadline (negative when past), None for a concluded case."""
    if is_concluded(dispute.status):
        return None
    return (dispute.deadline - (today or date.today())).days


def flag_criterion(flag, today=None):
    """SQL criterion for the cases carrying ``flag`` today (the list filter and the menu count)."""
    today = today or date.today()
    open_case = Dispute.status.notin_(DISPUTE_CONCLUDED_STATUSES)
    acceptance_late = and_(Dispute.status == STATUS_REGISTERED, Dispute.received_on < acceptance_cutoff(today))
    overdue = and_(open_case, Dispute.deadline < today)
    if flag == FLAG_ACCEPTANCE_LATE:
        return acceptance_late
    if flag == FLAG_OVERDUE:
        return overdue
    if flag == FLAG_DUE_SOON:
        return and_(open_case, Dispute.deadline >= today, Dispute.deadline <= today + timedelta(days=DUE_SOON_DAYS))
    if flag == FLAG_LATE:
        return or_(acceptance_late, overdue)
    raise DisputeError(gettext("未知的时限提醒：%(flag)s", flag=flag))


def count_flagged(session, flag=FLAG_LATE, today=None):
    """How many cases the session's user can see carry ``flag`` (the row rule applies)."""
    return session.scalar(select(func.count(Dispute.id)).where(flag_criterion(flag, today))) or 0


# -- statistics ----------------------------------------------------------------------------

STAT_FIELDS = ("received", "concluded", "on_time", "overdue", "workers", "amount_claimed", "amount_recovered")


def _measures(today):
    concluded = Dispute.status.in_(DISPUTE_CONCLUDED_STATUSES)
    on_time = and_(concluded, Dispute.closed_on <= Dispute.deadline)
    overdue = or_(and_(concluded, Dispute.closed_on > Dispute.deadline), and_(~concluded, Dispute.deadline < today))

    def _count(criterion):
        return func.coalesce(func.sum(case((criterion, 1), else_=0)), 0)

    return (
        func.count(Dispute.id).label("received"),
        _count(concluded).label("concluded"),
        _count(on_time).label("on_time"),
        _count(overdue).label("overdue"),
        func.coalesce(func.sum(Dispute.workers_involved), 0).label("workers"),
        func.coalesce(func.sum(Dispute.amount_claimed), 0).label("amount_claimed"),
        func.coalesce(func.sum(Dispute.amount_recovered), 0).label("amount_recovered"),
    )


def _row(values):
    row = dict(zip(STAT_FIELDS, values))
    for key in ("amount_claimed", "amount_recovered"):
        row[key] = Decimal(str(row[key] or 0)).quantize(Decimal("0.01"))
    for key in ("received", "concluded", "on_time", "overdue", "workers"):
        row[key] = int(row[key] or 0)
    return row


def statistics(session, start, end, villages, today=None):
    """Figures of the cases received in [start, end], per village, in total and by type.

    ``villages`` are the villages to report (zeros where no case); the session's row rule
    limits the cases. Definitions: concluded = now in a concluded state; on time = concluded
    with ``closed_on`` ≤ deadline; overdue = concluded after the deadline, or still open with
    the deadline passed. Every figure is one SQL aggregate.
    """
    today = today or date.today()
    period = and_(Dispute.received_on >= start, Dispute.received_on <= end)
    measures = _measures(today)
    by_village = {
        row[0]: _row(row[1:])
        for row in session.execute(select(Dispute.village_id, *measures).where(period).group_by(Dispute.village_id))
    }
    empty = _row([0] * len(STAT_FIELDS))
    rows = [{"village": v.name, **by_village.get(v.id, empty)} for v in villages]
    total = _row(session.execute(select(*measures).where(period)).one())
    kinds = {row[0]: _row(row[1:]) for row in
             session.execute(select(Dispute.kind, *measures).where(period).group_by(Dispute.kind))}
    by_kind = [{"kind": k, **kinds.get(k, empty)} for k in DISPUTE_KINDS]
    return {"start": start, "end": end, "rows": rows, "total": total, "by_kind": by_kind}


STAT_HEADERS = (
    _l("收案数"), _l("办结数"), _l("按期办结"), _l("超期"), _l("涉及人数"), _l("涉及金额(元)"), _l("追回金额(元)"),
)


def statistics_workbook(stats, town):
    """The statistics as an .xlsx file (bytes): per village with a total row, then by type."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = gettext("纠纷统计")
    title = gettext("%(town)s劳资纠纷调处情况统计表（%(start)s至%(end)s）", town=town,
                    start=stats["start"].isoformat(), end=stats["end"].isoformat())
    headers = [str(h) for h in STAT_HEADERS]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers) + 1)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([gettext("村(社区)")] + headers)
    for row in stats["rows"]:
        sheet.append([row["village"]] + [row[k] for k in STAT_FIELDS])
    sheet.append([gettext("合计")] + [stats["total"][k] for k in STAT_FIELDS])
    sheet.append([])
    sheet.append([gettext("纠纷类型")] + headers)
    for row in stats["by_kind"]:
        sheet.append([row["kind"]] + [row[k] for k in STAT_FIELDS])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.value = float(cell.value)
                cell.number_format = "0.00"
    sheet.column_dimensions["A"].width = 14
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 13
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
