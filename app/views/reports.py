"""Weekly report pages: a specialist's report of the week, the 社保所's village × week grid, the API."""
from datetime import date, datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from sqlalchemy import select

from app.models import Village, WeeklyReport
from app.models.reporting import REPORT_DRAFT
from app.security import scoping
from app.security.permissions import ACTION_ADD, ACTION_EDIT, ACTION_READ, MODEL_API_METHODS, RESOURCE_WEEKLY_REPORT, perm
from app.services import reports
from app.services.reports import PAPER_CHANNELS, ReportError
from app.views.base import LedgerApi
from app.views.filters import LedgerInterface

GRID_WEEKS = 8


def _session():
    return current_app.appbuilder.session


def _can(action):
    return current_app.appbuilder.sm.has_access(perm(action), RESOURCE_WEEKLY_REPORT)


class WeeklyReportView(BaseView):
    """Specialists open, write and submit their village's report; the 社保所 sees the grid and records paper ones."""

    route_base = "/weekly-report"
    default_view = "index"
    class_permission_name = RESOURCE_WEEKLY_REPORT
    method_permission_name = {"index": ACTION_READ, "week": ACTION_READ, "save": ACTION_EDIT, "record": ACTION_EDIT}

    @expose("/")
    @has_access
    def index(self):
        """This week's report for a specialist; the submission grid for the town's offices."""
        scope = scoping.current_scope()
        year, week = reports.week_of(date.today())
        if scope.kind == scoping.SCOPE_VILLAGE:
            return redirect(url_for("WeeklyReportView.week", year=year, week=week))
        weeks = reports.recent_weeks(date.today(), GRID_WEEKS)
        return self.render_template(
            "lingong/weekly_grid.html", title=gettext("周报报送情况"), weeks=weeks,
            grid=reports.submission_grid(_session(), weeks), week_label=reports.week_label,
            can_record=_can(ACTION_EDIT) and scope.unrestricted, channels=PAPER_CHANNELS,
            villages=_session().execute(select(Village.id, Village.name).order_by(Village.sort_order)).all(),
            now=datetime.now().strftime("%Y-%m-%dT%H:%M"),
        )

    def _village_id(self):
        scope = scoping.current_scope()
        if scope.kind == scoping.SCOPE_VILLAGE:
            return scope.village_id
        if scope.unrestricted:
            try:
                return int(request.values.get("village", ""))
            except ValueError:
                abort(404)
        abort(403)

    @expose("/<int:year>/<int:week>")
    @has_access
    def week(self, year, week):
        village_id = self._village_id()
        village = _session().get(Village, village_id) or abort(404)
        try:
            reports.week_days(year, week)
        except ReportError:
            abort(404)
        report = reports.find(_session(), village_id, year, week)
        may_write = _can(ACTION_ADD) and _can(ACTION_EDIT) and scoping.current_scope().kind == scoping.SCOPE_VILLAGE
        if may_write and (report is None or report.status == REPORT_DRAFT):
            report = reports.open_report(_session(), village_id, year, week)
        figures = report if report is not None else reports.draft_figures(_session(), village_id, year, week)
        return self.render_template(
            "lingong/weekly_report.html", title=gettext("%(village)s周报", village=village.name),
            village=village, year=year, week=week, report=report, figures=figures,
            week_label=reports.week_label(year, week), editable=may_write and report.status == REPORT_DRAFT,
            due=reports.due_before(year, week), on_time=report is not None and reports.is_on_time(report),
            previous=_previous_reports(village_id),
        )

    @expose("/<int:year>/<int:week>/save", methods=["POST"])
    @has_access
    def save(self, year, week):
        """Save the draft, or 报送 it (the specialist's own village only)."""
        if scoping.current_scope().kind != scoping.SCOPE_VILLAGE:
            abort(403)
        village_id = self._village_id()
        report = reports.open_report(_session(), village_id, year, week)
        summary, problems = request.form.get("summary"), request.form.get("problems")
        try:
            if request.form.get("submit"):
                reports.submit(_session(), report, summary, problems, self.appbuilder.sm.current_user.id)
                flash(gettext("周报已报送"), "success")
            else:
                reports.save_draft(_session(), report, summary, problems)
                flash(gettext("草稿已保存"), "success")
        except ReportError as exc:
            flash(str(exc), "danger")
        return redirect(url_for("WeeklyReportView.week", year=year, week=week))

    @expose("/record", methods=["POST"])
    @has_access
    def record(self):
        """The 社保所 records a report received on paper or by WeChat, with its real time."""
        if not scoping.current_scope().unrestricted:
            abort(403)
        form = request.form
        try:
            village_id, year, week = int(form.get("village", "")), int(form.get("year", "")), int(form.get("week", ""))
            submitted_at = datetime.strptime(form.get("submitted_at", ""), "%Y-%m-%dT%H:%M")
        except ValueError:
            flash(gettext("请完整填写村(社区)、周次和实际报送时间"), "danger")
            return redirect(url_for("WeeklyReportView.index"))
        try:
            reports.record_received(_session(), village_id, year, week, submitted_at, form.get("channel"),
                                    form.get("summary"), form.get("problems"), self.appbuilder.sm.current_user.id)
        except ReportError as exc:
            flash(str(exc), "danger")
        else:
            flash(gettext("已登记%(week)s的周报", week=reports.week_label(year, week)), "success")
        return redirect(url_for("WeeklyReportView.index"))


def _previous_reports(village_id):
    return _session().scalars(
        select(WeeklyReport).where(WeeklyReport.village_id == village_id)
        .order_by(WeeklyReport.year.desc(), WeeklyReport.week.desc()).limit(12)
    ).all()


class WeeklyReportApi(LedgerApi):
    """/api/v1/weekly_report/: read-only; reports are written through the pages' rules."""

    resource_name = "weekly_report"
    datamodel = LedgerInterface(WeeklyReport)
    class_permission_name = RESOURCE_WEEKLY_REPORT
    method_permission_name = MODEL_API_METHODS
    base_permissions = ["can_read"]
    list_columns = show_columns = [
        "id", "village_id", "year", "week", "new_workers", "updated_workers", "jobs_collected", "referrals",
        "placements", "open_disputes", "summary", "problems", "status", "channel", "submitted_at", "submitted_by_fk",
    ]
    order_columns = ["year", "week", "village_id", "submitted_at"]
    search_columns = ["village_id", "year", "week", "status"]
