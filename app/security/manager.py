"""The project's FAB security manager: user model with village, lockout, login log."""
from datetime import datetime

from flask import flash, g, redirect, request
from flask_appbuilder import expose
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import gettext
from flask_login import login_user
from flask import current_app

from app.models.user import LingongUser
from app.security.user_views import LingongUserDBModelView
from app.services import audit


class LingongAuthDBView(AuthDBView):
    """FAB's login, with the lockout message when the account is locked."""

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm_db()
        if form.validate_on_submit():
            next_url = get_safe_redirect(request.args.get("next", ""))
            user = self.appbuilder.sm.auth_user_db(form.username.data, form.password.data)
            if not user:
                message = g.get("login_refusal") or as_unicode(self.invalid_login_message)
                flash(message, "warning")
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
            login_user(user, remember=False)
            return redirect(next_url)
        return self.render_template(self.login_template, title=self.title, form=form, appbuilder=self.appbuilder)


class LingongSecurityManager(SecurityManager):
    user_model = LingongUser
    userdbmodelview = LingongUserDBModelView
    authdbview = LingongAuthDBView

    def auth_user_db(self, username, password):
        """FAB's database login plus lockout after repeated failures (SPEC security defaults)."""
        user = self.find_user(username=username) if username else None
        now = datetime.now()
        if user is not None and user.locked_until and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            g.login_refusal = gettext("登录失败次数过多，账户已锁定，请%(m)d分钟后再试", m=minutes)
            self._log(audit.ACTION_LOGIN_FAILED, user=user, summary="账户锁定期间尝试登录")
            return None
        if user is not None and user.locked_until:  # the lock has run out: start counting again
            user.locked_until = None
            user.fail_login_count = 0
        result = super().auth_user_db(username, password)
        if result is None and user is None and username:
            self._log(audit.ACTION_LOGIN_FAILED, username=username, summary="用户名不存在或已停用")
        return result

    def update_user_auth_stat(self, user, success=True):
        if success:
            user.locked_until = None
        else:
            failures = (user.fail_login_count or 0) + 1
            if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
                user.locked_until = datetime.now() + current_app.config["LOGIN_LOCKOUT"]
        super().update_user_auth_stat(user, success)

    def on_user_login(self, user):
        self._log(audit.ACTION_LOGIN, user=user)

    def on_user_login_failed(self, user):
        if user.locked_until and user.locked_until > datetime.now():
            self._log(audit.ACTION_LOCKED, user=user, summary="连续登录失败，账户锁定")
            g.login_refusal = gettext(
                "登录失败次数过多，账户已锁定%(m)d分钟",
                m=int(current_app.config["LOGIN_LOCKOUT"].total_seconds() // 60),
            )
        else:
            self._log(audit.ACTION_LOGIN_FAILED, user=user, summary="密码错误")

    def on_user_logout(self, user):
        self._log(audit.ACTION_LOGOUT, user=user)

    def _log(self, action, user=None, username=None, summary=None):
        audit.record(self.session, action, user=user, username=username, summary=summary,
                     resource="ab_user", record_id=getattr(user, "id", None))
        self.session.commit()
