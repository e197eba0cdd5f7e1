"""The home page (首页): a short orientation for the signed-in user."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose


class HomeView(IndexView):
    index_template = "lingong/index.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for("LingongAuthDBView.login"))
        self.update_redirect()
        return self.render_template(self.index_template, appbuilder=self.appbuilder)
