"""Employment-subsidy guidance: the status moves and the totals per employer.

指导中 → 已申报 → 已拨付 | 未通过, each state with its date (guided_on, applied_on,
decided_on); 已拨付 also needs the amount paid. A record may be entered at any state (guidance
given before the system was used), but only with what that state needs.
"""
import io
from decimal import Decimal

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import case, func, inspect, select

from app.models import Employer, Subsidy
from app.models.enums import SUBSIDY_STATUSES
from app.services.identity import InvalidValue

MOVES = {"指导中": ("已申报",), "已申报": ("已拨付", "未通过"), "已拨付": (), "未通过": ()}
DATE_OF = {"指导中": "guided_on", "已申报": "applied_on", "已拨付": "decided_on", "未通过": "decided_on"}
DATE_LABELS = {"guided_on": _l("指导日期"), "applied_on": _l("申报日期"), "decided_on": _l("结果日期")}
APPLIED = ("已申报", "已拨付", "未通过")


class SubsidyError(InvalidValue):
    """A subsidy record the rules refuse; ``str()`` is the Chinese message."""


def check_subsidy(subsidy):
    """Refuse a status move outside :data:`MOVES` or a state without its date or paid amount."""
    if subsidy.status not in SUBSIDY_STATUSES:
        raise SubsidyError(gettext("未知的申报状态：%(status)s", status=subsidy.status))
    state = inspect(subsidy)
    history = state.attrs.status.history
    if state.persistent and history.deleted and history.deleted[0] != subsidy.status:
        old = history.deleted[0]
        if subsidy.status not in MOVES.get(old, ()):
            allowed = "、".join(MOVES.get(old, ())) or gettext("无（已办结）")
            raise SubsidyError(gettext("申报状态不能从「%(old)s」变更为「%(new)s」（可变更为：%(allowed)s）",
                                       old=old, new=subsidy.status, allowed=allowed))
    needed = DATE_OF[subsidy.status]
    if getattr(subsidy, needed) is None:
        raise SubsidyError(gettext("状态为「%(status)s」时须填写%(label)s", status=subsidy.status,
                                   label=DATE_LABELS[needed]))
    if subsidy.status == "已拨付" and subsidy.amount_paid is None:
        raise SubsidyError(gettext("状态为「已拨付」时须填写拨付金额"))
    if subsidy.people_count is not None and subsidy.people_count < 0:
        raise SubsidyError(gettext("人数不能为负数"))
    dates = [d for d in (subsidy.guided_on, subsidy.applied_on, subsidy.decided_on) if d is not None]
    if dates != sorted(dates):
        raise SubsidyError(gettext("日期顺序应为：指导日期 ≤ 申报日期 ≤ 结果日期"))


FIELDS = ("records", "people", "amount_applied", "amount_paid")


def summary(session):
    """Per employer and in total: records, people covered, amounts applied and paid (SQL aggregates).

    Applied = ``amount`` of records that were applied for (已申报, 已拨付, 未通过);
    paid = ``amount_paid`` of 已拨付 records.
    """
    applied = Subsidy.status.in_(APPLIED)
    paid = Subsidy.status == "已拨付"
    measures = (
        func.count(Subsidy.id),
        func.coalesce(func.sum(Subsidy.people_count), 0),
        func.coalesce(func.sum(case((applied, Subsidy.amount), else_=0)), 0),
        func.coalesce(func.sum(case((paid, Subsidy.amount_paid), else_=0)), 0),
    )

    def _row(values):
        records, people, amount_applied, amount_paid = values
        return {"records": int(records), "people": int(people),
                "amount_applied": Decimal(str(amount_applied)).quantize(Decimal("0.01")),
                "amount_paid": Decimal(str(amount_paid)).quantize(Decimal("0.01"))}

    rows = [
        {"employer": name, **_row(values)}
        for name, *values in session.execute(
            select(Employer.name, *measures).join(Subsidy, Subsidy.employer_id == Employer.id)
            .group_by(Employer.id, Employer.name).order_by(Employer.name)
        )
    ]
    total = _row(session.execute(select(*measures)).one())
    return rows, total


def summary_workbook(rows, total, town):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = gettext("补贴汇总")
    sheet.append([gettext("%(town)s就业补贴申报指导汇总表", town=town)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([gettext("用工主体"), gettext("申报笔数"), gettext("涉及人数"), gettext("申报金额(元)"),
                  gettext("拨付金额(元)")])
    for row in rows + [{"employer": gettext("合计"), **total}]:
        sheet.append([row["employer"], row["records"], row["people"], float(row["amount_applied"]),
                      float(row["amount_paid"])])
    sheet.column_dimensions["A"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
