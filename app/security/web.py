"""Per-request guards: idle session timeout and CSRF on cookie-authenticated API writes."""
from datetime import datetime, timezone

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user, logout_user, user_logged_in

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_LAST_SEEN = "_lingong_last_seen"


def _now():
    return datetime.now(timezone.utc).timestamp()


def _start_idle_clock(_app, **_kwargs):
    session[_LAST_SEEN] = _now()


def install_request_guards(app, csrf):
    user_logged_in.connect(_start_idle_clock, app)

    @app.before_request
    def _idle_timeout():
        if not current_user.is_authenticated or request.authorization is not None:
            return None
        now = _now()
        last_seen = session.get(_LAST_SEEN)
        limit = current_app.config["IDLE_TIMEOUT"].total_seconds()
        session.permanent = True
        if last_seen is not None and now - last_seen > limit:
            user = current_user._get_current_object()
            logout_user()
            session.pop(_LAST_SEEN, None)
            current_app.appbuilder.sm.on_user_logout(user)
            if request.path.startswith("/api/"):
                return {"message": gettext("登录已超时，请重新登录")}, 401
            flash(gettext("长时间未操作，登录已超时，请重新登录"), "warning")
            return redirect(url_for("LingongAuthDBView.login", next=request.full_path))
        session[_LAST_SEEN] = now
        return None

    @app.before_request
    def _api_csrf():
        """FAB exempts ModelRestApi from CSRF; browser-session writes need it back.

        A request carrying a JWT (Authorization header) is not cookie-authenticated
        and is left alone; so is the JWT login itself, which has no session user.
        """
        if request.method not in UNSAFE_METHODS or not request.path.startswith("/api/"):
            return None
        if request.headers.get("Authorization"):
            return None
        if not session.get("_user_id"):
            return None
        csrf.protect()
        return None


_ERROR_MESSAGES = {
    403: _l("您没有权限访问此页面"),
    404: _l("页面或记录不存在，或不在您的管辖范围内"),
    405: _l("不支持的请求方式"),
    429: _l("请求过于频繁，请稍后再试"),
    500: _l("服务器内部错误，已记录，请稍后再试或联系系统管理员"),
}


def _error_page(code):
    message = str(_ERROR_MESSAGES[code])
    if request.path.startswith("/api/"):
        return {"message": message}, code
    return render_template("lingong/error.html", code=code, message=message,
                           base_template=current_app.appbuilder.base_template,
                           appbuilder=current_app.appbuilder), code


def install_error_pages(app):
    """Chinese answers instead of Werkzeug's English error pages."""
    from flask_wtf.csrf import CSRFError

    for code in _ERROR_MESSAGES:
        app.register_error_handler(code, lambda _error, code=code: _error_page(code))

    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        message = gettext("页面已过期或请求来源无法验证（CSRF校验失败），请刷新页面后重试")
        if request.path.startswith("/api/"):
            return {"message": message}, 400
        flash(message, "danger")
        return redirect(request.referrer or url_for("HomeView.index"))

    @app.errorhandler(413)
    def _too_large(_error):
        message = gettext("上传的文件太大，超过了允许的大小")
        if request.path.startswith("/api/"):
            return {"message": message}, 413
        flash(message, "danger")
        return redirect(request.referrer or url_for("HomeView.index"))
