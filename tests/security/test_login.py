"""Login protection: lockout, password policy, idle timeout, CSRF on forms, production settings."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import create_app, db
from app.models import LingongUser, OperationLog
from app.security.passwords import password_problem
from config import DEFAULT_SECRET_KEY, ProductionConfig, TestConfig
from tests.conftest import PASSWORD, Client


def _flashes(response):
    return response.get_data(as_text=True)


def _user(app, username):
    with app.app_context():
        return db.session.scalar(select(LingongUser).where(LingongUser.username == username))


def test_five_failures_lock_the_account_for_fifteen_minutes(app):
    client = Client(app)
    for _ in range(5):
        client.login("shebao", "wrong-password-1")
    user = _user(app, "shebao")
    assert user.locked_until is not None
    assert timedelta(minutes=14) < user.locked_until - datetime.now() <= timedelta(minutes=15)

    # Even the right password is refused while locked, with a Chinese explanation.
    client.login("shebao", PASSWORD)
    page = client.get("/login/").get_data(as_text=True)
    assert "已锁定" in page
    assert client.get("/workerview/list/").status_code in (302, 401, 403)

    # Once the lock has run out the right password works again.
    with app.app_context():
        locked = db.session.get(LingongUser, user.id)
        locked.locked_until = datetime.now() - timedelta(seconds=1)
        db.session.commit()
    client.login("shebao", PASSWORD)
    assert client.get("/workerview/list/").status_code == 200


def test_four_failures_do_not_lock(app):
    client = Client(app)
    for _ in range(4):
        client.login("shebao", "wrong-password-1")
    assert _user(app, "shebao").locked_until is None
    client.login("shebao", PASSWORD)
    assert client.get("/workerview/list/").status_code == 200


def test_logins_and_failures_are_logged(app):
    client = Client(app)
    client.login("shebao", "wrong-password-1")
    client.login("nobody", "wrong-password-1")
    client.login("shebao", PASSWORD)
    client.get("/logout/")
    with app.app_context():
        rows = db.session.execute(select(OperationLog.action, OperationLog.username).order_by(OperationLog.id)).all()
    assert ("登录失败", "shebao") in rows
    assert ("登录失败", "nobody") in rows
    assert ("登录", "shebao") in rows
    assert ("退出", "shebao") in rows


@pytest.mark.parametrize(
    "password, ok",
    [("short1", False), ("onlyletters", False), ("1234567890", False), ("abcdefghi1", True), ("Lingong2024", True)],
)
def test_password_policy(password, ok):
    assert (password_problem(password) is None) == ok


def test_idle_session_times_out(app):
    app.config["IDLE_TIMEOUT"] = timedelta(seconds=0)
    client = Client(app, "shebao")
    # The login request itself recorded the last activity; the next request is past the limit.
    response = client.get("/workerview/list/")
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]
    follow = client.get("/login/").get_data(as_text=True)
    assert "超时" in follow


def test_activity_keeps_the_session(app):
    client = Client(app, "shebao")
    for _ in range(3):
        assert client.get("/workerview/list/").status_code == 200


def test_form_post_without_csrf_token_is_refused(app, factory):
    worker = factory.worker(name="王五")
    client = Client(app, "shebao")
    response = client.http.post(f"/workerview/delete/{worker.id}")
    with app.app_context():
        from app.models import Worker

        assert db.session.get(Worker, worker.id) is not None
    assert response.status_code in (302, 400)


def test_production_refuses_default_secret_key(monkeypatch):
    for key in (None, DEFAULT_SECRET_KEY, "short", "x" * 31):
        config = type("Prod", (ProductionConfig,), {"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        with pytest.raises(SystemExit) as stop:
            create_app(config)
        assert "SECRET_KEY" in str(stop.value)


def test_production_starts_with_a_strong_key(tmp_path):
    config = type("Prod", (ProductionConfig,), {
        "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "prod.db"),
    })
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.app_context():
        db.engine.dispose()


def test_production_has_secure_cookies_and_no_demo():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.DEMO_ENABLED is False
    assert TestConfig.SESSION_COOKIE_HTTPONLY is True


def test_login_rate_limit_answers_in_chinese(database_url):
    from app.services import bootstrap

    config = type("Limited", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": database_url, "AUTH_RATE_LIMITED": True, "AUTH_RATE_LIMIT": "3 per minute",
    })
    limited = create_app(config)
    with limited.app_context():
        bootstrap.initialise(limited.appbuilder)
    client = Client(limited)
    codes = [client.login("nobody", "wrong-password-1").status_code for _ in range(5)]
    assert codes[:3] == [302, 302, 302]
    assert 429 in codes[3:]
    response = client.login("nobody", "wrong-password-1")
    assert "请求过于频繁" in response.get_data(as_text=True)
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def test_unknown_page_is_a_chinese_404(client_for):
    response = client_for("shebao").get("/no-such-page/")
    assert response.status_code == 404
    assert "页面或记录不存在" in response.get_data(as_text=True)
