"""Matching pages and APIs: 匹配人选, 推荐岗位, referrals, placements, 一户一人一就业, 经发办's feedback."""
from datetime import date

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.actions import action
from flask_appbuilder.api import BaseApi, safe
from flask_appbuilder.security.decorators import has_access, protect
from flask_babel import gettext, lazy_gettext as _l
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import or_, select

from app.models import Household, Job, Placement, Referral, Village, Worker
from app.models.enums import EMPLOYMENT_STATUSES, OPEN_JOB_STATUS
from app.security import scoping
from app.security.permissions import (
    ACTION_EDIT,
    ACTION_MATCH,
    ACTION_READ,
    MODEL_API_METHODS,
    MODEL_VIEW_METHODS,
    RESOURCE_EMPLOYMENT_FEEDBACK,
    RESOURCE_HOUSEHOLD_EMPLOYMENT,
    RESOURCE_JOB,
    RESOURCE_PLACEMENT,
    RESOURCE_REFERRAL,
    RESOURCE_WORKER,
    perm,
)
from app.services import matching
from app.views.base import LedgerApi, LedgerModelView, masked_phone
from app.views.fields import enum_field, yes_no
from app.views.filters import LedgerInterface
from app.views.labels import WORKER_LABELS, labels

CATEGORY = "Matching"


def _village_names(session):
    return dict(session.execute(select(Village.id, Village.name)).all())


def _may(action_name, resource):
    return current_app.appbuilder.sm.has_access(perm(action_name), resource)


def match_link(resource, pk):
    """The 匹配人选 / 推荐岗位 link of a job or worker page, when the user may match."""
    if resource == RESOURCE_JOB and _may(ACTION_MATCH, RESOURCE_JOB):
        return url_for("JobMatchView.candidates", pk=pk), gettext("匹配人选")
    if resource == RESOURCE_WORKER and _may(ACTION_MATCH, RESOURCE_WORKER):
        return url_for("WorkerMatchView.jobs", pk=pk), gettext("推荐岗位")
    return None


class JobMatchView(BaseView):
    """From a job: the ranked candidates, and 推荐 for the ones ticked."""

    route_base = "/matching/job"
    default_view = "open_jobs"
    class_permission_name = RESOURCE_JOB
    method_permission_name = {"open_jobs": ACTION_MATCH, "candidates": ACTION_MATCH, "refer": ACTION_MATCH}

    @expose("/")
    @has_access
    def open_jobs(self):
        session = self.appbuilder.session
        jobs = session.scalars(select(Job).where(Job.status == OPEN_JOB_STATUS)
                               .order_by(Job.published_on.desc(), Job.id.desc()).limit(200)).all()
        return self.render_template("lingong/match_jobs.html", title=gettext("岗位匹配人选"), jobs=jobs,
                                    villages=_village_names(session))

    @expose("/<int:pk>")
    @has_access
    def candidates(self, pk):
        session = self.appbuilder.session
        job = session.get(Job, pk)
        if job is None:
            abort(404)
        rows = matching.candidates_for_job(session, job)
        today = date.today()
        return self.render_template(
            "lingong/match_candidates.html", title=gettext("匹配人选：%(title)s", title=job.title), job=job,
            rows=rows, villages=_village_names(session), age=lambda b: matching.age_on(b, today),
            phone=masked_phone, may_refer=_may(ACTION_MATCH, RESOURCE_JOB) and _may("add", RESOURCE_REFERRAL),
        )

    @expose("/<int:pk>/refer", methods=["POST"])
    @has_access
    def refer(self, pk):
        session = self.appbuilder.session
        job = session.get(Job, pk)
        if job is None:
            abort(404)
        if not _may("add", RESOURCE_REFERRAL):
            abort(403)
        try:
            made = matching.refer(session, job, request.form.getlist("worker_id"), note=request.form.get("note") or None)
        except (matching.MatchingError, scoping.RowScopeViolation) as exc:
            flash(str(exc), "danger")
        else:
            flash(gettext("已推荐%(n)d人", n=len(made)), "success")
        return redirect(url_for("JobMatchView.candidates", pk=pk))


class WorkerMatchView(BaseView):
    """From a worker: the open jobs ranked the same way, and 推荐 to the ones ticked."""

    route_base = "/matching/worker"
    default_view = "jobs"
    class_permission_name = RESOURCE_WORKER
    method_permission_name = {"jobs": ACTION_MATCH, "refer": ACTION_MATCH}

    @expose("/<int:pk>")
    @has_access
    def jobs(self, pk):
        session = self.appbuilder.session
        worker = session.get(Worker, pk)
        if worker is None:
            abort(404)
        rows = matching.jobs_for_worker(session, worker)
        return self.render_template(
            "lingong/match_jobs_for_worker.html", title=gettext("推荐岗位：%(name)s", name=worker.name),
            worker=worker, rows=rows, age=matching.age_on(worker.birth_date, date.today()),
            eligible=worker.employment_status in matching.MATCHABLE_STATUSES,
            may_refer=_may("add", RESOURCE_REFERRAL),
        )

    @expose("/<int:pk>/refer", methods=["POST"])
    @has_access
    def refer(self, pk):
        session = self.appbuilder.session
        worker = session.get(Worker, pk)
        if worker is None:
            abort(404)
        if not _may("add", RESOURCE_REFERRAL):
            abort(403)
        try:
            made = matching.refer_to_jobs(session, worker, request.form.getlist("job_id"))
        except (matching.MatchingError, scoping.RowScopeViolation) as exc:
            flash(str(exc), "danger")
        else:
            flash(gettext("已推荐到%(n)d个岗位", n=len(made)), "success")
        return redirect(url_for("WorkerMatchView.jobs", pk=pk))


REFERRAL_LABELS = {
    "job": _l("岗位"), "worker": _l("人员"), "village": _l("村(社区)"), "status": _l("对接状态"),
    "referred_on": _l("推荐日期"), "note": _l("备注"),
}
PLACEMENT_LABELS = {
    "worker": _l("人员"), "job": _l("岗位"), "employer": _l("用工主体"), "village": _l("村(社区)"),
    "employer_name": _l("务工单位"), "start_date": _l("开始日期"), "end_date": _l("结束日期"),
    "daily_wage": _l("日薪(元)"), "work_place": _l("务工地点"), "kind": _l("就业类型"), "note": _l("备注"),
    "referral": _l("推荐记录"),
}


class _MovesMixin:
    """Runs a service step on the rows an action was given, one transaction each."""

    def _each(self, items, step, done_message):
        """``done_message(n)`` is the flash after ``n`` rows went through."""
        done = 0
        for item in items:
            try:
                step(item)
            except (matching.MatchingError, scoping.RowScopeViolation) as exc:
                flash(f"{item}：{exc}", "danger")
            else:
                done += 1
        if done:
            flash(done_message(done), "success")
        return redirect(url_for(f"{self.endpoint}.list"))


class ReferralView(_MovesMixin, LedgerModelView):
    datamodel = LedgerInterface(Referral)
    class_permission_name = RESOURCE_REFERRAL
    method_permission_name = {**MODEL_VIEW_METHODS, "to_contacted": ACTION_EDIT, "to_placed": ACTION_EDIT,
                              "to_failed": ACTION_EDIT}
    base_permissions = [perm(ACTION_READ), perm(ACTION_EDIT), perm("delete")]
    list_title = _l("推荐对接")
    show_title = edit_title = _l("推荐对接")
    list_columns = ["worker", "job", "village", "status", "referred_on", "note"]
    show_columns = ["worker", "job", "village", "status", "referred_on", "note", "created_by", "created_on", "changed_on"]
    edit_columns = ["note"]
    search_columns = ["status", "village", "referred_on"]
    order_columns = ["status", "referred_on"]
    base_order = ("id", "desc")
    label_columns = labels(REFERRAL_LABELS)
    description_columns = {"note": _l("对接状态请在列表中勾选后用“操作”按钮推进")}

    def _move(self, items, status):
        return self._each(items, lambda r: matching.move_referral(self.datamodel.session, r, status),
                          lambda n: gettext("已将%(n)d条推荐改为“%(status)s”", n=n, status=status))

    @action("to_contacted", _l("标记为已对接"), _l("确定将所选推荐标记为“已对接”吗？"), "fa-phone", single=False)
    def to_contacted(self, items):
        return self._move(items, "已对接")

    @action("to_placed", _l("标记为已上岗"), _l("确定将所选推荐标记为“已上岗”吗？将同时新增务工记录并更新就业状态。"),
            "fa-check", single=False)
    def to_placed(self, items):
        return self._move(items, "已上岗")

    @action("to_failed", _l("标记为未成功"), _l("确定将所选推荐标记为“未成功”吗？"), "fa-times", single=False)
    def to_failed(self, items):
        return self._move(items, "未成功")


class PlacementView(_MovesMixin, LedgerModelView):
    datamodel = LedgerInterface(Placement)
    class_permission_name = RESOURCE_PLACEMENT
    method_permission_name = {**MODEL_VIEW_METHODS, "end_work": ACTION_EDIT}
    base_permissions = [perm(ACTION_READ), perm(ACTION_EDIT), perm("delete")]
    list_title = _l("务工记录")
    show_title = edit_title = _l("务工记录")
    list_columns = ["worker", "village", "employer_name", "work_place", "kind", "start_date", "end_date", "daily_wage"]
    show_columns = ["worker", "village", "job", "employer", "employer_name", "work_place", "kind", "start_date",
                    "end_date", "daily_wage", "note", "created_by", "created_on", "changed_on"]
    edit_columns = ["daily_wage", "work_place", "note"]
    search_columns = ["village", "kind", "start_date", "end_date", "employer_name"]
    order_columns = ["start_date", "end_date"]
    base_order = ("id", "desc")
    label_columns = labels(PLACEMENT_LABELS)

    @action("end_work", _l("结束务工"), _l("确定结束所选务工记录吗？结束日期记为今天；没有其他在岗记录的人员将改为“未就业”。"),
            "fa-stop", single=False)
    def end_work(self, items):
        return self._each(items, lambda p: matching.end_placement(self.datamodel.session, p),
                          lambda n: gettext("已结束%(n)d条务工记录", n=n))


class ReferralApi(LedgerApi):
    resource_name = "referral"
    datamodel = LedgerInterface(Referral)
    class_permission_name = RESOURCE_REFERRAL
    method_permission_name = {**MODEL_API_METHODS, "move": ACTION_EDIT}
    add_columns = ["job_id", "worker_id", "referred_on", "note"]
    edit_columns = ["note"]
    list_columns = show_columns = ["id", "job_id", "worker_id", "village_id", "status", "referred_on", "note"]
    search_columns = ["job_id", "worker_id", "village_id", "status"]
    order_columns = ["id", "referred_on"]

    def pre_add(self, item):
        """The village is the worker's; a new referral is always 已推荐 and its job open."""
        worker = self.datamodel.session.get(Worker, item.worker_id) if item.worker_id else None
        job = self.datamodel.session.get(Job, item.job_id) if item.job_id else None
        if worker is None or job is None:
            raise scoping.RowScopeViolation(gettext("所选人员或岗位不存在或不在您的管辖范围内"))
        if job.status != OPEN_JOB_STATUS:
            raise matching.MatchingError(gettext("只能向“招聘中”的岗位推荐人员"))
        item.village_id = worker.village_id
        item.status = "已推荐"
        super().pre_add(item)

    def _guarded(self, call, *args):
        try:
            return super()._guarded(call, *args)
        except matching.MatchingError as exc:
            self.datamodel.session.rollback()
            return self.response_422(message=str(exc))

    @expose("/<int:pk>/move", methods=["POST"])
    @protect()
    @safe
    def move(self, pk):
        """Move a referral: ``{"status": "已对接" | "已上岗" | "未成功", "start_date": "YYYY-MM-DD"}``."""
        session = self.datamodel.session
        referral = session.get(Referral, pk)
        if referral is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}
        try:
            start = date.fromisoformat(body["start_date"]) if body.get("start_date") else None
            placement = matching.move_referral(session, referral, body.get("status"), start_date=start)
        except (ValueError, matching.MatchingError) as exc:
            return self.response_422(message=str(exc))
        except scoping.RowScopeViolation as exc:
            return self.response(403, message=str(exc))
        return self.response(200, id=pk, status=referral.status, placement_id=placement.id if placement else None)


class PlacementApi(LedgerApi):
    resource_name = "placement"
    datamodel = LedgerInterface(Placement)
    class_permission_name = RESOURCE_PLACEMENT
    method_permission_name = {**MODEL_API_METHODS, "end": ACTION_EDIT}
    add_columns = ["worker_id", "job_id", "employer_id", "employer_name", "start_date", "daily_wage", "work_place",
                   "kind", "note"]
    edit_columns = ["daily_wage", "work_place", "note"]
    list_columns = show_columns = ["id", "worker_id", "village_id", "job_id", "employer_id", "employer_name",
                                   "start_date", "end_date", "daily_wage", "work_place", "kind", "note"]
    search_columns = ["worker_id", "job_id", "village_id", "kind", "start_date", "end_date"]
    order_columns = ["id", "start_date", "end_date"]

    def pre_add(self, item):
        worker = self.datamodel.session.get(Worker, item.worker_id) if item.worker_id else None
        if worker is None:
            raise scoping.RowScopeViolation(gettext("所选人员不存在或不在您的管辖范围内"))
        item.village_id = worker.village_id
        super().pre_add(item)

    @expose("/<int:pk>/end", methods=["POST"])
    @protect()
    @safe
    def end(self, pk):
        """End a placement: ``{"end_date": "YYYY-MM-DD"}`` (default today)."""
        session = self.datamodel.session
        placement = session.get(Placement, pk)
        if placement is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}
        try:
            end = date.fromisoformat(body["end_date"]) if body.get("end_date") else None
            matching.end_placement(session, placement, end)
        except (ValueError, matching.MatchingError) as exc:
            return self.response_422(message=str(exc))
        except scoping.RowScopeViolation as exc:
            return self.response(403, message=str(exc))
        return self.response(200, id=pk, end_date=placement.end_date.isoformat())


class JobCandidatesApi(BaseApi):
    """``GET /api/v1/job/<id>/candidates``: the ranked candidates as JSON."""

    resource_name = "job"
    class_permission_name = RESOURCE_JOB
    method_permission_name = {"candidates": ACTION_MATCH}
    allow_browser_login = True
    openapi_spec_tag = "Matching"

    @expose("/<int:pk>/candidates", methods=["GET"])
    @protect()
    @safe
    def candidates(self, pk):
        session = self.appbuilder.session
        job = session.get(Job, pk)
        if job is None:
            return self.response_404()
        limit = min(max(request.args.get("limit", matching.DEFAULT_LIMIT, type=int), 1), 500)
        rows = matching.candidates_for_job(session, job, limit=limit)
        return self.response(200, job_id=pk, result=[m.as_json("worker_id") | {"name": m.row["name"]} for m in rows])


class WorkerJobsApi(BaseApi):
    """``GET /api/v1/worker/<id>/jobs``: the open jobs ranked for a worker as JSON."""

    resource_name = "worker"
    class_permission_name = RESOURCE_WORKER
    method_permission_name = {"jobs": ACTION_MATCH}
    allow_browser_login = True
    openapi_spec_tag = "Matching"

    @expose("/<int:pk>/jobs", methods=["GET"])
    @protect()
    @safe
    def jobs(self, pk):
        session = self.appbuilder.session
        worker = session.get(Worker, pk)
        if worker is None:
            return self.response_404()
        limit = min(max(request.args.get("limit", matching.DEFAULT_LIMIT, type=int), 1), 500)
        rows = matching.jobs_for_worker(session, worker, limit=limit)
        return self.response(200, worker_id=pk, result=[m.as_json("job_id") | {"title": m.row["title"]} for m in rows])


class HouseholdEmploymentView(BaseView):
    """一户一人一就业: per-village coverage and the key households still without work."""

    route_base = "/household-employment"
    default_view = "index"
    class_permission_name = RESOURCE_HOUSEHOLD_EMPLOYMENT
    method_permission_name = {"index": ACTION_READ}
    page_size = 20

    @expose("/")
    @has_access
    def index(self):
        session = self.appbuilder.session
        villages = session.scalars(select(Village).order_by(Village.sort_order)).all()
        coverage = matching.household_coverage(session)
        village_id = request.args.get("village", type=int)
        page = max(request.args.get("page", 1, type=int), 1)
        total, households = matching.households_without_work(
            session, village_id=village_id, limit=self.page_size, offset=(page - 1) * self.page_size)
        may_match = _may(ACTION_MATCH, RESOURCE_WORKER)
        suggestions = {h.id: self._best_jobs(session, h) for h in households} if may_match else {}
        rows = [(v, coverage[v.id]) for v in villages if v.id in coverage]
        return self.render_template(
            "lingong/household_employment.html", title=gettext("一户一人一就业"), rows=rows, households=households,
            total=total, page=page, pages=max(1, -(-total // self.page_size)), village_id=village_id,
            villages=villages, suggestions=suggestions, may_match=may_match, age=matching.age_on, today=date.today(),
        )

    @staticmethod
    def _best_jobs(session, household, count=3):
        best = {}
        for member in household.members:
            if not (member.in_labour_force and member.employment_status in matching.MATCHABLE_STATUSES):
                continue
            for match in matching.jobs_for_worker(session, member, limit=count):
                if match.id not in best or best[match.id][0].score < match.score:
                    best[match.id] = (match, member)
        return sorted(best.values(), key=lambda pair: (-pair[0].score, pair[0].id))[:count]


class FilterKeyGroups(BaseFilter):
    """Only 脱贫人口 and 监测对象 (what 经发办 follows; its row scope says the same)."""

    name = "key groups"
    arg_name = "kg"

    def apply(self, query, value):
        return query.filter(or_(Worker.is_poverty_alleviated.is_(True), Worker.is_monitored.is_(True)))


class EmploymentFeedbackView(LedgerModelView):
    """经发办's feedback: key-group workers of every village; employment status, work place and notes only."""

    route_base = "/employment-feedback"
    datamodel = LedgerInterface(Worker, prefix_range_columns=("name",))
    class_permission_name = RESOURCE_EMPLOYMENT_FEEDBACK
    method_permission_name = {**MODEL_VIEW_METHODS}
    base_permissions = [perm(ACTION_READ), perm(ACTION_EDIT)]
    list_title = _l("重点群体就业情况反馈")
    show_title = edit_title = _l("就业情况反馈")
    base_filters = [["id", FilterKeyGroups, None]]
    list_columns = ["name", "gender", "village", "group_name", "is_poverty_alleviated", "is_monitored",
                    "employment_status", "work_place", "verified_on"]
    show_columns = ["name", "gender", "village", "group_name", "is_poverty_alleviated", "is_monitored",
                    "employment_status", "work_place", "employer_name", "notes", "verified_on", "changed_by", "changed_on"]
    edit_columns = ["employment_status", "work_place", "notes"]
    search_columns = ["name", "village", "group_name", "employment_status", "is_poverty_alleviated", "is_monitored"]
    order_columns = ["name", "village", "employment_status", "verified_on"]
    base_order = ("id", "desc")
    label_columns = labels(WORKER_LABELS)
    formatters_columns = {"is_poverty_alleviated": yes_no, "is_monitored": yes_no}
    edit_form_extra_fields = {"employment_status": enum_field(_l("就业状态"), EMPLOYMENT_STATUSES)}


MATCHING_MENU = [
    ("JobMatching", _l("岗位匹配人选"), "fa-random", CATEGORY, JobMatchView, RESOURCE_JOB, ACTION_MATCH),
    ("Referrals", _l("推荐对接"), "fa-share", CATEGORY, ReferralView, RESOURCE_REFERRAL, ACTION_READ),
    ("Placements", _l("务工记录"), "fa-id-badge", CATEGORY, PlacementView, RESOURCE_PLACEMENT, ACTION_READ),
    ("HouseholdEmployment", _l("一户一人一就业"), "fa-home", CATEGORY, HouseholdEmploymentView,
     RESOURCE_HOUSEHOLD_EMPLOYMENT, ACTION_READ),
    ("EmploymentFeedback", _l("就业情况反馈"), "fa-comment", CATEGORY, EmploymentFeedbackView,
     RESOURCE_EMPLOYMENT_FEEDBACK, ACTION_READ),
]
MATCHING_APIS = [ReferralApi, PlacementApi, JobCandidatesApi, WorkerJobsApi]


def register_public_board(appbuilder):
    """The views reached from other pages (not the menu), and the public job board."""
    from app.views.board import board

    appbuilder.add_view_no_menu(WorkerMatchView)
    app = current_app
    if "jobboard" not in app.blueprints:
        app.register_blueprint(board)
    app.jinja_env.globals["match_link"] = match_link
