"""The home page (首页): a short orientation and the dashboard of the signed-in user's rows."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose

from app.security import scoping
from app.security.permissions import (
    ACTION_READ,
    RESOURCE_DISPUTE,
    RESOURCE_JOB,
    RESOURCE_REFERRAL,
    RESOURCE_SCORING,
    RESOURCE_WEEKLY_REPORT,
    RESOURCE_WORKER,
    perm,
)
from app.services import dashboard

# Dashboard section → the resource whose read permission shows it.
DASHBOARD_SECTIONS = {
    "workers": RESOURCE_WORKER,
    "jobs": RESOURCE_JOB,
    "referrals": RESOURCE_REFERRAL,
    "disputes": RESOURCE_DISPUTE,
    "reports": RESOURCE_WEEKLY_REPORT,
    "scoring": RESOURCE_SCORING,
}


class HomeView(IndexView):
    index_template = "lingong/index.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for("LingongAuthDBView.login"))
        self.update_redirect()
        sm = self.appbuilder.sm
        allowed = {name for name, resource in DASHBOARD_SECTIONS.items() if sm.has_access(perm(ACTION_READ), resource)}
        scope = scoping.current_scope()
        board = dashboard.build(self.appbuilder.session, allowed,
                                village_id=scope.village_id if scope.kind == scoping.SCOPE_VILLAGE else None)
        return self.render_template(self.index_template, appbuilder=self.appbuilder, board=board)
