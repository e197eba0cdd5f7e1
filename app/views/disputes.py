"""Labour-dispute cases (list, case page with actions and timeline, printable forms, statistics)
and subsidy guidance (list, totals per employer). The rules are in app/services/disputes.py
and app/services/subsidies.py; these views only ask for what they need and show the result."""
import io
from datetime import date

from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.api import safe
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access, protect
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import NumberRange, Optional

from app.models import Dispute, DisputeEvent, Subsidy, Village
from app.models.enums import (
    DISPUTE_EVENT_ACTIONS,
    DISPUTE_KINDS,
    DISPUTE_SOURCES,
    SUBSIDY_STATUSES,
    SUBSIDY_TYPES,
)
from app.security import scoping
from app.security.permissions import (
    ACTION_ADD,
    ACTION_EDIT,
    ACTION_EXPORT,
    ACTION_READ,
    MODEL_API_METHODS,
    MODEL_VIEW_METHODS,
    RESOURCE_DISPUTE,
    RESOURCE_DISPUTE_EVENT,
    RESOURCE_SUBSIDY,
    perm,
)
from app.services import disputes, subsidies
from app.services.disputes import DisputeError
from app.views.base import LedgerApi, LedgerModelView
from app.views.fields import enum_field
from app.views.filters import LedgerInterface, _RangeFilterConverter
from app.views.labels import DISPUTE_EVENT_LABELS, DISPUTE_LABELS, SUBSIDY_LABELS, labels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRINT_FORMS = {
    "registration": _l("劳资纠纷登记表"),
    "agreement": _l("调解协议书"),
    "file": _l("案卷"),
}


class FilterTimeFlag(BaseFilter):
    """Cases carrying a late flag today: 待受理, 已超期, 即将到期, or 超期或待受理."""

    name = _l("时限提醒")
    arg_name = "flag"

    def apply(self, query, value):
        try:
            return query.filter(disputes.flag_criterion((value or "").strip()))
        except DisputeError:
            return query


class _DisputeFilterConverter(_RangeFilterConverter):
    def convert(self, col_name):
        filters = super().convert(col_name)
        if col_name == "status":
            # First: FAB reads one digit of ``_flt_<i>_status``, and status has ten filters already.
            filters = [FilterTimeFlag(col_name, self.datamodel)] + list(filters)
        return filters


class DisputeInterface(LedgerInterface):
    filter_converter_class = _DisputeFilterConverter


def flag_filter_index(view):
    """Position of the time-flag filter among the status filters (for ``_flt_<i>_status``)."""
    filters = view.datamodel.get_filters(view.search_columns).get_search_filters().get("status", [])
    return next(i for i, f in enumerate(filters) if isinstance(f, FilterTimeFlag))


def _date_arg(value, default):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


class DisputeView(LedgerModelView):
    datamodel = DisputeInterface(Dispute)
    class_permission_name = RESOURCE_DISPUTE
    method_permission_name = {
        **MODEL_VIEW_METHODS,
        "transition": ACTION_EDIT,
        "add_event": ACTION_EDIT,
        "print_form": ACTION_READ,
    }
    list_template = "lingong/dispute_list.html"
    show_template = "lingong/dispute_show.html"
    list_title = _l("劳资纠纷案件")
    show_title = _l("劳资纠纷案件")
    add_title = _l("登记劳资纠纷")
    edit_title = _l("修改案件登记信息")
    list_columns = ["case_no", "received_on", "village", "applicant_names", "respondent_name", "kind",
                    "amount_claimed", "status", "deadline", "time_flags"]
    _form = ["received_on", "source", "village", "applicant_names", "applicant_workers", "workers_involved",
             "respondent_employer", "respondent_name", "kind", "amount_claimed", "description", "handler"]
    add_columns = edit_columns = _form
    show_fieldsets = [
        (_l("案件"), {"fields": ["case_no", "status", "time_flags", "received_on", "source", "village", "kind",
                               "accepted_on", "deadline", "handler", "closed_on"]}),
        (_l("当事人"), {"fields": ["applicant_names", "applicant_workers", "workers_involved",
                                "respondent_employer", "respondent_name"]}),
        (_l("纠纷事由与处理"), {"fields": ["amount_claimed", "description", "amount_recovered", "outcome",
                                    "agreement", "created_by", "created_on", "changed_by", "changed_on"]}),
    ]
    search_columns = ["case_no", "status", "received_on", "village", "kind", "source", "respondent_name",
                      "applicant_names", "deadline"]
    order_columns = ["case_no", "received_on", "deadline", "status", "kind", "amount_claimed"]
    base_order = ("received_on", "desc")
    label_columns = labels(DISPUTE_LABELS)
    description_columns = {
        "applicant_names": _l("多名申请人用顿号分隔"),
        "applicant_workers": _l("申请人在劳动力台账中的，可在此关联"),
        "respondent_employer": _l("被申请人在用工主体台账中的，可在此选择；否则只填名称"),
        "respondent_name": _l("选择了用工主体时可留空，自动填为其名称"),
    }
    validators_columns = {
        "workers_involved": [NumberRange(min=1, max=100000, message=_l("涉及人数至少为1"))],
        "amount_claimed": [Optional(), NumberRange(min=0, message=_l("涉及金额不能为负数"))],
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "source": enum_field(_l("来源"), DISPUTE_SOURCES),
        "kind": enum_field(_l("纠纷类型"), DISPUTE_KINDS),
    }

    def pre_add(self, item):
        if not item.respondent_name and item.respondent_employer is not None:
            item.respondent_name = item.respondent_employer.name
        if not item.respondent_name:
            raise DisputeError(gettext("请填写被申请人名称或选择用工主体"))
        super().pre_add(item)
        disputes.prepare_new(self.datamodel.session, item)

    def pre_update(self, item):
        super().pre_update(item)
        disputes.check_editable(item)

    def _edit(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None and item.concluded:
            flash(gettext("案件已办结，不能修改，只能添加办理记录"), "warning")
            return None
        return super()._edit(pk)

    # -- the case page: actions, timeline, print ------------------------------------------

    def _case(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return item

    def _show(self, pk):
        widgets = super()._show(pk)
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None:
            sm = self.appbuilder.sm
            g._dispute_page = {
                "item": item,
                "moves": disputes.transitions_from(item.status),
                "may_act": sm.has_access(perm(ACTION_EDIT), RESOURCE_DISPUTE),
                "may_add_event": sm.has_access(perm(ACTION_ADD), RESOURCE_DISPUTE_EVENT),
                "event_actions": DISPUTE_EVENT_ACTIONS,
                "print_forms": PRINT_FORMS,
                "today": date.today().isoformat(),
                "days_left": disputes.days_left(item),
            }
        return widgets

    def render_template(self, template, **kwargs):
        page = g.get("_dispute_page")
        if page is not None:
            kwargs.update(page)
        if template == self.list_template:
            kwargs["flag_links"] = self._flag_links()
        return super().render_template(template, **kwargs)

    def _flag_links(self):
        index = flag_filter_index(self)
        base = url_for(f"{self.endpoint}.list")
        return [(flag, f"{base}?_flt_{index}_status={flag}") for flag in
                (disputes.FLAG_ACCEPTANCE_LATE, disputes.FLAG_OVERDUE, disputes.FLAG_DUE_SOON)]

    @expose("/transition/<int:pk>", methods=["POST"])
    @has_access
    def transition(self, pk):
        item = self._case(pk)
        back = redirect(url_for(f"{self.endpoint}.show", pk=pk))
        form = request.form
        try:
            scoping.check_writable(item)
            disputes.transition(
                self.datamodel.session, item, form.get("status", ""), form.get("date", ""),
                reason=form.get("reason"), agreement=form.get("agreement"),
                amount_recovered=form.get("amount_recovered"), handler=form.get("handler"), note=form.get("note"),
            )
        except (DisputeError, scoping.RowScopeViolation) as exc:
            flash(str(exc), "danger")
        else:
            flash(gettext("案件%(case_no)s已变更为「%(status)s」", case_no=item.case_no, status=item.status), "success")
        return back

    @expose("/event/<int:pk>", methods=["POST"])
    @has_access
    def add_event(self, pk):
        item = self._case(pk)
        if not self.appbuilder.sm.has_access(perm(ACTION_ADD), RESOURCE_DISPUTE_EVENT):
            abort(403)
        form = request.form
        try:
            disputes.add_event(self.datamodel.session, item, form.get("happened_on", ""), form.get("action", ""),
                               form.get("content", ""))
        except (DisputeError, scoping.RowScopeViolation) as exc:
            flash(str(exc), "danger")
        else:
            flash(gettext("已添加办理记录"), "success")
        return redirect(url_for(f"{self.endpoint}.show", pk=pk))

    @expose("/print/<int:pk>/<string:form>")
    @has_access
    def print_form(self, pk, form):
        if form not in PRINT_FORMS:
            abort(404)
        item = self._case(pk)
        pay_by = _date_arg(request.args.get("pay_by"), None)
        return self.render_template(
            f"lingong/dispute_print_{form}.html", item=item, title=str(PRINT_FORMS[form]),
            pay_by=pay_by.isoformat() if pay_by else None,
            town=current_app.config["TOWN_NAME"], town_short=current_app.config["TOWN_SHORT_NAME"],
            printed_on=date.today(),
        )


class DisputeStatsView(BaseView):
    """Figures per village and period, on screen and as .xlsx."""

    route_base = "/disputes/stats"
    default_view = "index"
    class_permission_name = RESOURCE_DISPUTE
    method_permission_name = {"index": ACTION_READ, "export": ACTION_EXPORT}

    def _stats(self):
        today = date.today()
        start = _date_arg(request.args.get("start"), date(today.year, 1, 1))
        end = _date_arg(request.args.get("end"), today)
        if end < start:
            start, end = end, start
        scope = scoping.current_scope()
        villages = select(Village).order_by(Village.sort_order, Village.id)
        if scope.kind == scoping.SCOPE_VILLAGE:
            villages = villages.where(Village.id == scope.village_id)
        elif not scope.unrestricted:
            villages = villages.where(False)
        session = self.appbuilder.session
        return disputes.statistics(session, start, end, list(session.scalars(villages)))

    @expose("/")
    @has_access
    def index(self):
        stats = self._stats()
        may_export = self.appbuilder.sm.has_access(perm(ACTION_EXPORT), RESOURCE_DISPUTE)
        return self.render_template("lingong/dispute_stats.html", stats=stats, title=gettext("劳资纠纷统计"),
                                    fields=disputes.STAT_FIELDS, headers=disputes.STAT_HEADERS,
                                    may_export=may_export)

    @expose("/export")
    @has_access
    def export(self):
        stats = self._stats()
        data = disputes.statistics_workbook(stats, current_app.config["TOWN_SHORT_NAME"])
        name = gettext("劳资纠纷统计%(start)s至%(end)s.xlsx", start=stats["start"].isoformat(),
                       end=stats["end"].isoformat())
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


# -- REST API ------------------------------------------------------------------------------

_DISPUTE_FIELDS = ["received_on", "source", "village_id", "applicant_names", "workers_involved",
                   "respondent_employer_id", "respondent_name", "kind", "amount_claimed", "description", "handler"]


class DisputeApi(LedgerApi):
    """``dispute``: register and correct cases; the status moves only through ``POST <id>/transition``."""

    resource_name = "dispute"
    datamodel = LedgerInterface(Dispute)
    class_permission_name = RESOURCE_DISPUTE
    method_permission_name = {**MODEL_API_METHODS, "transition": ACTION_EDIT}
    add_columns = edit_columns = _DISPUTE_FIELDS
    list_columns = show_columns = ["id", "case_no", "status", "deadline", "accepted_on", "closed_on",
                                   "amount_recovered", "outcome", "agreement", "time_flags"] + _DISPUTE_FIELDS
    search_columns = ["case_no", "status", "village_id", "kind", "source", "received_on", "deadline"]
    order_columns = ["id", "case_no", "received_on", "deadline", "status"]

    def _refuse_machine_fields(self):
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            machine = [key for key in disputes.MACHINE_COLUMNS + ("deadline",) if key in body]
            if machine:
                return self.response_422(message=gettext(
                    "案件状态和办理结果只能通过办理操作变更（POST /api/v1/dispute/<id>/transition），不能直接提交：%(fields)s",
                    fields="、".join(machine)))
        return None

    def post_headless(self):
        return self._refuse_machine_fields() or super().post_headless()

    def put_headless(self, pk):
        return self._refuse_machine_fields() or super().put_headless(pk)

    def pre_add(self, item):
        if not item.respondent_name and item.respondent_employer_id is not None:
            from app.models import Employer

            employer = self.datamodel.session.get(Employer, item.respondent_employer_id)
            item.respondent_name = employer.name if employer else None
        super().pre_add(item)
        disputes.prepare_new(self.datamodel.session, item)

    def pre_update(self, item):
        super().pre_update(item)
        disputes.check_editable(item)

    @expose("/<int:pk>/transition", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk):
        """Move a case along the status machine.
        ---
        post:
          description: >-
            Body: {"status": target, "date": "YYYY-MM-DD", "reason", "agreement", "amount_recovered",
            "handler", "note"}. Any move outside the status machine is refused with 422.
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: The case after the move
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message=gettext("请求内容应为JSON对象"))
        try:
            scoping.check_writable(item)
            record = disputes.transition(
                self.datamodel.session, item, str(body.get("status") or ""), body.get("date"),
                reason=body.get("reason"), agreement=body.get("agreement"),
                amount_recovered=body.get("amount_recovered"), handler=body.get("handler"), note=body.get("note"),
            )
        except scoping.RowScopeViolation as exc:
            return self.response(403, message=str(exc))
        except DisputeError as exc:
            return self.response_422(message=str(exc))
        return self.response(200, id=item.id, result={
            "case_no": item.case_no, "status": item.status, "accepted_on": _iso(item.accepted_on),
            "closed_on": _iso(item.closed_on), "event_id": record.id,
        })


def _iso(value):
    return value.isoformat() if value else None


class DisputeEventApi(LedgerApi):
    """``dispute_event``: the timeline entries; users add their own (调查, 调解, 回访 …)."""

    resource_name = "dispute_event"
    datamodel = LedgerInterface(DisputeEvent)
    class_permission_name = RESOURCE_DISPUTE_EVENT
    add_columns = edit_columns = ["dispute_id", "happened_on", "action", "content"]
    list_columns = show_columns = ["id", "dispute_id", "happened_on", "action", "content", "created_by_fk"]
    search_columns = ["dispute_id", "action", "happened_on"]
    order_columns = ["id", "happened_on"]

    def _check(self, item):
        dispute = self.datamodel.session.get(Dispute, item.dispute_id) if item.dispute_id else None
        if dispute is None:
            raise DisputeError(gettext("案件不存在或不在您的管辖范围内"))
        disputes.check_event(item, dispute)

    def pre_add(self, item):
        self._check(item)
        super().pre_add(item)

    def pre_update(self, item):
        self._check(item)
        super().pre_update(item)


# -- subsidies -----------------------------------------------------------------------------

class SubsidyView(LedgerModelView):
    datamodel = LedgerInterface(Subsidy)
    class_permission_name = RESOURCE_SUBSIDY
    method_permission_name = {**MODEL_VIEW_METHODS, "summary": ACTION_READ, "summary_export": ACTION_EXPORT}
    list_template = "lingong/subsidy_list.html"
    list_title = _l("就业补贴申报指导")
    show_title = _l("就业补贴申报指导")
    add_title = _l("新增补贴申报指导")
    edit_title = _l("修改补贴申报指导")
    list_columns = ["employer", "subsidy_type", "people_count", "amount", "status", "guided_on", "applied_on",
                    "decided_on", "amount_paid"]
    add_columns = edit_columns = ["employer", "subsidy_type", "people_count", "amount", "status", "guided_on",
                                  "applied_on", "decided_on", "amount_paid", "note"]
    show_columns = add_columns + ["created_by", "created_on", "changed_by", "changed_on"]
    search_columns = ["employer", "subsidy_type", "status", "applied_on"]
    order_columns = ["people_count", "amount", "status", "guided_on", "applied_on", "decided_on"]
    base_order = ("id", "desc")
    label_columns = labels(SUBSIDY_LABELS)
    description_columns = {
        "status": _l("指导中 → 已申报 → 已拨付或未通过；每个状态须填写对应日期"),
        "amount_paid": _l("状态为“已拨付”时填写"),
    }
    validators_columns = {
        "people_count": [NumberRange(min=0, max=100000, message=_l("人数不能为负数"))],
        "amount": [Optional(), NumberRange(min=0, message=_l("金额不能为负数"))],
        "amount_paid": [Optional(), NumberRange(min=0, message=_l("金额不能为负数"))],
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "subsidy_type": enum_field(_l("补贴类型"), SUBSIDY_TYPES),
        "status": enum_field(_l("状态"), SUBSIDY_STATUSES),
    }

    def pre_add(self, item):
        super().pre_add(item)
        subsidies.check_subsidy(item)

    def pre_update(self, item):
        super().pre_update(item)
        subsidies.check_subsidy(item)

    @expose("/summary/")
    @has_access
    def summary(self):
        rows, total = subsidies.summary(self.datamodel.session)
        may_export = self.appbuilder.sm.has_access(perm(ACTION_EXPORT), RESOURCE_SUBSIDY)
        return self.render_template("lingong/subsidy_summary.html", rows=rows, total=total,
                                    title=gettext("就业补贴汇总（按用工主体）"), may_export=may_export)

    @expose("/summary/export")
    @has_access
    def summary_export(self):
        rows, total = subsidies.summary(self.datamodel.session)
        data = subsidies.summary_workbook(rows, total, current_app.config["TOWN_SHORT_NAME"])
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=gettext("就业补贴汇总%(day)s.xlsx", day=date.today().strftime("%Y%m%d")))


class SubsidyApi(LedgerApi):
    resource_name = "subsidy"
    datamodel = LedgerInterface(Subsidy)
    class_permission_name = RESOURCE_SUBSIDY
    _fields = ["employer_id", "subsidy_type", "people_count", "amount", "status", "guided_on", "applied_on",
               "decided_on", "amount_paid", "note"]
    add_columns = edit_columns = _fields
    list_columns = show_columns = ["id"] + _fields
    search_columns = ["employer_id", "subsidy_type", "status"]
    order_columns = ["id", "applied_on"]

    def pre_add(self, item):
        super().pre_add(item)
        if item.subsidy_type not in SUBSIDY_TYPES:
            raise subsidies.SubsidyError(gettext("未知的补贴类型：%(kind)s", kind=item.subsidy_type))
        subsidies.check_subsidy(item)

    def pre_update(self, item):
        super().pre_update(item)
        subsidies.check_subsidy(item)


def late_case_count():
    """Late cases (已超期 or 待受理) in the signed-in user's scope, for the menu badge; cached per request."""
    cached = g.get("_lingong_late_cases")
    if cached is None:
        sm = current_app.appbuilder.sm
        cached = 0
        if sm.has_access(perm(ACTION_READ), RESOURCE_DISPUTE):
            cached = disputes.count_flagged(current_app.appbuilder.session)
        g._lingong_late_cases = cached
    return cached



CATEGORY_DISPUTE = "Disputes"
DISPUTE_CATEGORY_LABEL = (_l("纠纷与补贴"), "fa-balance-scale")
# (menu name, label, icon, category, view, resource, action), as app.views.registry.MENU.
DISPUTE_MENU = [
    ("DisputeCases", _l("劳资纠纷案件"), "fa-gavel", CATEGORY_DISPUTE, DisputeView, RESOURCE_DISPUTE, ACTION_READ),
    ("DisputeStats", _l("纠纷统计"), "fa-bar-chart", CATEGORY_DISPUTE, DisputeStatsView, RESOURCE_DISPUTE,
     ACTION_READ),
    ("Subsidies", _l("就业补贴申报指导"), "fa-money", CATEGORY_DISPUTE, SubsidyView, RESOURCE_SUBSIDY, ACTION_READ),
]
DISPUTE_APIS = [DisputeApi, DisputeEventApi, SubsidyApi]
# Menu name → function giving the count shown as a badge after the label.
DISPUTE_BADGES = {"DisputeCases": late_case_count, CATEGORY_DISPUTE: late_case_count}
