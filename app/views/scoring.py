"""旬调度 pages: compute and publish a period, the bulletin (print and .xlsx), settings, year-end, and the API."""
import io
import json
from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.api import BaseApi, expose as expose_api, protect
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.models import Dispute, Household, Job, ScoringPeriod, Village, Worker
from app.models.enums import DISPUTE_CONCLUDED_STATUSES, KEY_HOUSEHOLD_CATEGORIES
from app.models.reporting import INDICATORS
from app.security.permissions import (
    ACTION_ADD,
    ACTION_EDIT,
    ACTION_EXPORT,
    ACTION_PUBLISH,
    ACTION_READ,
    RESOURCE_SCORING,
    RESOURCE_SCORING_SETTINGS,
    RESOURCE_WEEKLY_REPORT,
    perm,
)
from app.services import bulletin, scoring
from app.services.scoring import INDICATOR_NAMES, Period, ScoringError
from app.views.reports import WeeklyReportApi, WeeklyReportView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECORDS_LIMIT = 500


def _session():
    return current_app.appbuilder.session


def _can(action, resource=RESOURCE_SCORING):
    return current_app.appbuilder.sm.has_access(perm(action), resource)


def _period_or_404(key):
    """The period row, as the row rule lets the user read it (villages: published only)."""
    try:
        row = scoring.get_period(_session(), key)
    except ScoringError:
        abort(404)
    if row is None:
        abort(404)
    return row


def recent_period_keys(today, count=9):
    """The current period and the ones before it, newest first (choices for computing)."""
    period = Period.containing(today)
    keys = []
    for _ in range(count):
        keys.append(period.key)
        period = period.previous()
    return keys


class ScoringView(BaseView):
    """The 社保所 computes a period and publishes it; everyone allowed reads (published) periods."""

    route_base = "/scoring"
    default_view = "index"
    class_permission_name = RESOURCE_SCORING
    method_permission_name = {
        "index": ACTION_READ, "period": ACTION_READ, "records": ACTION_READ, "bulletin_page": ACTION_READ,
        "bulletin_xlsx": ACTION_EXPORT, "compute": ACTION_ADD, "publish": ACTION_PUBLISH,
    }

    @expose("/")
    @has_access
    def index(self):
        periods = _session().scalars(select(ScoringPeriod).order_by(ScoringPeriod.start_on.desc())).all()
        return self.render_template(
            "lingong/scoring_index.html", title=gettext("旬调度评分"), periods=periods,
            choices=[(k, scoring.period_label(k)) for k in recent_period_keys(date.today())],
            can_compute=_can(ACTION_ADD), label=scoring.period_label,
        )

    @expose("/compute", methods=["POST"])
    @has_access
    def compute(self):
        key = request.form.get("period", "")
        try:
            row = scoring.compute(_session(), key)
        except ScoringError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ScoringView.index"))
        flash(gettext("%(period)s评分已计算", period=scoring.period_label(row.key)), "success")
        return redirect(url_for("ScoringView.period", key=row.key))

    @expose("/period/<key>")
    @has_access
    def period(self, key):
        row = _period_or_404(key)
        lines = scoring.score_lines(_session(), row)
        return self.render_template(
            "lingong/scoring_period.html", title=scoring.period_label(row.key), row=row, lines=lines,
            indicators=INDICATORS, names=INDICATOR_NAMES, window_start=row.end_on - timedelta(days=row.i2_window_days),
            can_publish=_can(ACTION_PUBLISH), can_compute=_can(ACTION_ADD), can_export=_can(ACTION_EXPORT),
        )

    @expose("/period/<key>/publish", methods=["POST"])
    @has_access
    def publish(self, key):
        try:
            row = scoring.publish(_session(), key, user_id=self.appbuilder.sm.current_user.id)
        except ScoringError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ScoringView.index"))
        flash(gettext("%(period)s评分已发布，通报已生成", period=scoring.period_label(row.key)), "success")
        return redirect(url_for("ScoringView.bulletin_page", key=row.key))

    @expose("/period/<key>/records/<int:village_id>/<indicator>")
    @has_access
    def records(self, key, village_id, indicator):
        """The records behind one figure, read through the row rule (at most RECORDS_LIMIT)."""
        row = _period_or_404(key)
        if indicator not in INDICATORS:
            abort(404)
        village = _session().get(Village, village_id) or abort(404)
        columns, rows = _records_behind(_session(), row, village_id, indicator)
        return self.render_template(
            "lingong/scoring_records.html", title=f"{village.name} · {scoring.period_label(row.key)} · {indicator} {INDICATOR_NAMES[indicator]}",
            columns=columns, rows=rows, limit=RECORDS_LIMIT, row=row,
        )

    @expose("/bulletin/<key>")
    @has_access
    def bulletin_page(self, key):
        row = _period_or_404(key)
        return self.render_template(
            "lingong/scoring_bulletin.html", bulletin=bulletin.build(_session(), row, current_app.config),
            indicators=INDICATORS, names=INDICATOR_NAMES, row=row, can_export=_can(ACTION_EXPORT),
            title=gettext("零工市场旬调度通报"),
        )

    @expose("/bulletin/<key>.xlsx")
    @has_access
    def bulletin_xlsx(self, key):
        row = _period_or_404(key)
        data = bulletin.workbook(bulletin.build(_session(), row, current_app.config))
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=f"零工市场旬调度通报{row.key}.xlsx")


def _records_behind(session, row, village_id, indicator):
    start, end = row.start_on, row.end_on
    if indicator == "I1":
        from app.services import reports

        weeks = [sunday.isocalendar()[:2] for sunday in Period.parse(row.key).sundays()]
        result = []
        for year, week in weeks:
            report = reports.find(session, village_id, year, week)
            state = gettext("未报")
            if report is not None and report.submitted_at is not None:
                state = gettext("按时") if reports.is_on_time(report) else gettext("逾期")
            result.append((reports.week_label(year, week), report.status if report else gettext("未建立"),
                           f"{report.submitted_at:%Y-%m-%d %H:%M}" if report and report.submitted_at else "", state))
        return [gettext("周次"), gettext("状态"), gettext("报送时间"), gettext("是否按时")], result
    if indicator == "I2":
        since = end - timedelta(days=row.i2_window_days)
        statement = (select(Worker.name, Worker.group_name, Worker.employment_status, Worker.verified_on)
                     .where(Worker.village_id == village_id, scoring._in_labour_force())
                     .order_by(Worker.verified_on.desc().nulls_last(), Worker.id).limit(RECORDS_LIMIT))
        rows = [(n, g or "", s, v or "", gettext("是") if v and since <= v <= end else gettext("否"))
                for n, g, s, v in session.execute(statement)]
        return [gettext("姓名"), gettext("村民小组"), gettext("就业状态"), gettext("核实日期"), gettext("期内已核实")], rows
    if indicator == "I3":
        statement = (select(Job.title, Job.headcount, Job.collected_on, Job.status)
                     .where(Job.village_id == village_id, Job.collected_on >= start, Job.collected_on <= end)
                     .order_by(Job.collected_on, Job.id).limit(RECORDS_LIMIT))
        return [gettext("岗位名称"), gettext("需求人数"), gettext("采集日期"), gettext("状态")], session.execute(statement).all()
    if indicator == "I4":
        covered = {h for h in _covered_households(session, village_id)}
        statement = (select(Household.id, Household.head_name, Household.group_name, Household.category)
                     .where(Household.village_id == village_id, Household.category.in_(KEY_HOUSEHOLD_CATEGORIES))
                     .order_by(Household.group_name, Household.id).limit(RECORDS_LIMIT))
        rows = [(name, group or "", category, gettext("是") if hid in covered else gettext("否"))
                for hid, name, group, category in session.execute(statement)]
        return [gettext("户主姓名"), gettext("村民小组"), gettext("户类别"), gettext("有人就业")], rows
    statement = (select(Dispute.case_no, Dispute.received_on, Dispute.deadline, Dispute.status, Dispute.closed_on)
                 .where(Dispute.village_id == village_id, Dispute.deadline >= start, Dispute.deadline <= end)
                 .order_by(Dispute.deadline, Dispute.id).limit(RECORDS_LIMIT))
    rows = [(c, r, d, s, cl or "", gettext("是") if s in DISPUTE_CONCLUDED_STATUSES and cl and cl <= d else gettext("否"))
            for c, r, d, s, cl in session.execute(statement)]
    return [gettext("案件编号"), gettext("收案日期"), gettext("办结期限"), gettext("状态"), gettext("办结日期"), gettext("按期化解")], rows


def _covered_households(session, village_id):
    from app.models.enums import EMPLOYED_STATUSES

    return session.scalars(select(Worker.household_id).where(
        Worker.village_id == village_id, Worker.household_id.is_not(None),
        Worker.employment_status.in_(EMPLOYED_STATUSES)).distinct())


class ScoringSettingsView(BaseView):
    """Weights, the I2 window, the I3 target and the first period; stored with each computed period."""

    route_base = "/scoring-settings"
    default_view = "index"
    class_permission_name = RESOURCE_SCORING_SETTINGS
    method_permission_name = {"index": ACTION_READ, "save": ACTION_EDIT}

    @expose("/")
    @has_access
    def index(self, errors=None, values=None):
        settings = scoring.current_settings(_session())
        _session().commit()
        return self.render_template(
            "lingong/scoring_settings.html", title=gettext("旬调度评分规则"), settings=settings, errors=errors or [],
            values=values, names=INDICATOR_NAMES, indicators=INDICATORS,
            can_edit=_can(ACTION_EDIT, RESOURCE_SCORING_SETTINGS),
        )

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        form = request.form

        def number(name):
            try:
                return int(form.get(name, ""))
            except ValueError:
                return None

        weights = {n: number(f"weight_{n.lower()}") for n in INDICATORS}
        window, target = number("i2_window_days"), number("i3_target")
        first = (form.get("first_period") or "").strip() or None
        errors = scoring.validate_settings(weights, window, target, first)
        if errors:
            return self.index(errors=errors, values=form)
        settings = scoring.current_settings(_session())
        for name, weight in weights.items():
            setattr(settings, f"weight_{name.lower()}", weight)
        settings.i2_window_days, settings.i3_target = window, target
        settings.first_period = Period.parse(first).key if first else None
        _session().commit()
        flash(gettext("评分规则已保存，之后计算的评分期按新规则计算；已计算的评分期保留原规则"), "success")
        return redirect(url_for("ScoringSettingsView.index"))


class YearEndView(BaseView):
    """年终目标考核: the mean of each village's published period totals in a year."""

    route_base = "/year-end"
    default_view = "index"
    class_permission_name = RESOURCE_SCORING
    method_permission_name = {"index": ACTION_READ}

    @expose("/")
    @has_access
    def index(self):
        years = scoring.published_years(_session())
        try:
            year = int(request.args.get("year") or (years[0] if years else date.today().year))
        except ValueError:
            abort(404)
        return self.render_template(
            "lingong/scoring_year_end.html", title=gettext("%(year)d年零工市场旬调度年终考核", year=year),
            year=year, years=sorted(set(years) | {year}, reverse=True), lines=scoring.year_end(_session(), year),
            office=current_app.config.get("SCORING_ISSUER", "中塘镇社会保障服务所"), today=date.today(),
        )


class ScoringApi(BaseApi):
    """GET /api/v1/scoring/<period>: the CLI's JSON for a period the user may read."""

    resource_name = "scoring"
    class_permission_name = RESOURCE_SCORING
    method_permission_name = {"get_period": ACTION_READ}
    allow_browser_login = True
    openapi_spec_tag = "Scoring"

    @expose_api("/<key>", methods=["GET"])
    @protect()
    def get_period(self, key):
        """One computed period as [{"village", "indicators": {"I1".."I5"}, "total", "rank"}]
        ---
        get:
          parameters:
          - in: path
            name: key
            schema:
              type: string
            description: 评分期，如 2024-04-2
          responses:
            200:
              description: 各村(社区)的指标、总分和名次
            404:
              description: 评分期不存在或无权查看
        """
        try:
            data = scoring.as_json(_session(), key)
        except ScoringError as exc:
            return self.response_404() if "尚未计算" in str(exc) else self.response_400(message=str(exc))
        return current_app.response_class(json.dumps(data, ensure_ascii=False), mimetype="application/json")



CATEGORY_SCORING = "Scoring"
SCORING_CATEGORY_LABEL = (_l("周报与旬调度"), "fa-bar-chart")
# Entries for app.views.registry.MENU: (menu name, label, icon, category, view, resource, action).
SCORING_MENU = [
    ("WeeklyReports", _l("周报"), "fa-calendar-check-o", CATEGORY_SCORING, WeeklyReportView,
     RESOURCE_WEEKLY_REPORT, ACTION_READ),
    ("ScoringPeriods", _l("旬调度评分和通报"), "fa-trophy", CATEGORY_SCORING, ScoringView, RESOURCE_SCORING, ACTION_READ),
    ("YearEnd", _l("年终考核"), "fa-flag-checkered", CATEGORY_SCORING, YearEndView, RESOURCE_SCORING, ACTION_READ),
    ("ScoringSettings", _l("评分规则"), "fa-sliders", CATEGORY_SCORING, ScoringSettingsView,
     RESOURCE_SCORING_SETTINGS, ACTION_READ),
]
SCORING_APIS = [ScoringApi, WeeklyReportApi]
