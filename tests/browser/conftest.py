"""Browser fixtures: the real application served over HTTP, and a headless Debian chromium.

The server is werkzeug's, in a background thread, on a free 127.0.0.1 port, over a fresh
SQLite file (or TEST_DATABASE_URL, so the PostgreSQL run covers the pages too) holding the
base data, a few accounts and generated demo ledgers. Playwright is imported lazily: when it
or chromium is missing, test_*.py in this folder skip themselves with the reason.
"""
import os
import threading

import pytest
from flask import got_request_exception
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app, db
from app.services import bootstrap, demo
from app.services.accounts import create_account
from app.services.database import drop_everything
from config import TestConfig
from tests.browser.support import ACCOUNTS, CHROMIUM, PASSWORD

DEMO_WORKERS = 60


def _empty_database(app):
    """A shared PostgreSQL database may hold the previous test's tables: start from nothing."""
    with app.app_context():
        drop_everything(db.engine)


class QuietRequestHandler(WSGIRequestHandler):
    """No access log: server errors are caught through ``got_request_exception`` instead."""

    def log(self, *_args, **_kwargs):
        pass


class LiveServer:
    """A running application: its base URL and the exceptions its requests raised."""

    def __init__(self, app):
        self.app = app
        self.errors = []
        got_request_exception.connect(self._record, app, weak=False)
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)
        self._thread.start()

    def _record(self, _sender, exception, **_extra):
        self.errors.append(repr(exception))

    def take_errors(self):
        errors, self.errors = self.errors, []
        return errors

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=10)
        got_request_exception.disconnect(self._record, self.app)


@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or (
        "sqlite:///" + str(tmp_path_factory.mktemp("browser-db") / "lingong.db")
    )
    config = type("BrowserTestConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    _empty_database(app)
    with app.app_context():
        bootstrap.initialise(app.appbuilder)
        for username, (role, village) in ACCOUNTS.items():
            create_account(app.appbuilder.sm, username, role, PASSWORD, village)
        demo.generate(db.session, workers=DEMO_WORKERS)
        db.session.remove()
    server = LiveServer(app)
    yield server
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(request):
    path = request.config.rootpath / "test-output" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
