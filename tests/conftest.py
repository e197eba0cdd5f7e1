"""Fixtures: an application on a fresh database, one logged-in client per role, factories.

The suite runs on SQLite by default; set TEST_DATABASE_URL (for example
postgresql://postgres@127.0.0.1:5432/test) to run it against PostgreSQL.
"""
import contextlib
import os
import re
import shutil
from datetime import date

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from app import create_app, db
from app.models import Employer, Household, Job, JobType, Village, Worker
from app.services import bootstrap
from app.services.accounts import create_account
from app.services.database import drop_everything
from app.services.demo import make_id_number
from config import TestConfig

PASSWORD = "Test-pass-2024"

# username → (role, village)
ACCOUNTS = {
    "admin": ("系统管理员", None),
    "zhuanban": ("镇工作专班", None),
    "shebao": ("社保所", None),
    "jingfa": ("经发办", None),
    "nongfu": ("农服中心", None),
    "tese": ("特色产业办", None),
    "zhongtang": ("村(社区)就业服务专员", "中塘村"),
    "xingquan": ("村(社区)就业服务专员", "兴泉村"),
}


def _reset_database(app):
    """Drop everything (tables and Alembic's version table) so each test app starts empty."""
    with app.app_context():
        drop_everything(db.engine)


def _bootstrap(application):
    """Schema (every migration), roles, villages, job types and the test accounts."""
    with application.app_context():
        bootstrap.initialise(application.appbuilder)
        for username, (role, village) in ACCOUNTS.items():
            create_account(application.appbuilder.sm, username, role, PASSWORD, village)


def _config(url):
    return type("PerTestConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})


class Config(TestConfig):
    pass


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


class _Template:
    """The bootstrapped database, built once per run and copied for every test.

    Running every migration and syncing FAB's permissions took seconds per test; copying a
    SQLite file or creating a PostgreSQL database from a template takes a fraction of one.
    Each test still gets a database of its own that no other test has touched. When the
    PostgreSQL user may not create databases, every test bootstraps its own as before.
    """

    def __init__(self, url, folder):
        self.url = make_url(url)
        self.admin = None
        if self.url.get_backend_name() == "sqlite":
            self.path = self.url.database
            self.template = str(folder / "template.db")
            self._build(f"sqlite:///{self.template}")
            return
        self.name = self.url.database
        self.template = f"{self.name}_template"
        admin = create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{self.template}"'))
        except DBAPIError:
            admin.dispose()
            self.template = None  # no right to create databases: bootstrap per test
            return
        self.admin = admin
        self._build(self.url.set(database=self.template).render_as_string(hide_password=False))

    def _build(self, url):
        application = create_app(_config(url))
        _reset_database(application)
        _bootstrap(application)
        with application.app_context():
            db.session.remove()
            db.engine.dispose()

    def restore(self, application):
        """Give the test database the template's contents (before ``application`` connects)."""
        if self.template is None:
            _reset_database(application)
            _bootstrap(application)
            return
        with application.app_context():
            db.engine.dispose()
        if self.admin is None:
            for suffix in ("-wal", "-shm", ""):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.path + suffix)
            shutil.copyfile(self.template, self.path)
            return
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"'))

    def close(self):
        if self.admin is not None:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
            self.admin.dispose()


@pytest.fixture(scope="session")
def database_template(database_url, tmp_path_factory):
    template = _Template(database_url, tmp_path_factory.mktemp("template"))
    yield template
    template.close()


@pytest.fixture()
def app(database_url, database_template):
    application = create_app(_config(database_url))
    database_template.restore(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def session(app):
    """A session in an app context. Do not combine with HTTP clients in one test:
    requests would share this context (and ``g``) instead of getting their own."""
    with app.app_context():
        yield db.session


class Client:
    """A test client that logs in with the real form and knows the CSRF token."""

    def __init__(self, app, username=None):
        self.app = app
        self.http = app.test_client()
        self.username = username
        if username:
            self.login(username)

    def csrf_token(self, path="/login/"):
        page = self.http.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', page) or re.search(
            r'csrf_token[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, username, password=PASSWORD):
        self.http.get("/logout/")
        token = self.csrf_token("/login/")
        return self.http.post("/login/", data={"username": username, "password": password, "csrf_token": token})

    def get(self, path, **kw):
        return self.http.get(path, **kw)

    def post_form(self, path, data, token_from=None):
        data = dict(data)
        data.setdefault("csrf_token", self.csrf_token(token_from or path))
        return self.http.post(path, data=data)

    def api(self, method, path, json=None, csrf=True):
        headers = {}
        if csrf and method.upper() != "GET":
            headers["X-CSRFToken"] = self.csrf_token("/")
        return self.http.open(path, method=method, json=json, headers=headers)


@pytest.fixture()
def client_for(app):
    clients = {}

    def _client(username=None):
        if username not in clients:
            clients[username] = Client(app, username)
        return clients[username]

    return _client


class Factory:
    """Builds ledger rows directly in the database (as the system, not as a user).

    Each call runs in its own app context, so tests can mix it with HTTP clients;
    the returned objects are detached, with their columns loaded.
    """

    def __init__(self, app):
        self.app = app
        self._serial = 100

    @property
    def session(self):
        return db.session

    def _save(self, obj):
        self.session.add(obj)
        self.session.commit()
        self.session.refresh(obj)
        self.session.expunge(obj)
        return obj

    def village(self, name):
        from sqlalchemy import select

        return self.session.scalar(select(Village).where(Village.name == name))

    def job_type(self, name="普工"):
        from sqlalchemy import select

        return self.session.scalar(select(JobType).where(JobType.name == name))

    def id_number(self, birth=date(1980, 5, 17), male=True):
        import random

        self._serial += 1
        rng = random.Random(self._serial)
        return make_id_number(rng, birth, "1" if male else "2")

    def household(self, village="中塘村", category="一般户", **kw):
        with self.app.app_context():
            v = self.village(village)
            kw.setdefault("head_name", "张三")
            kw.setdefault("head_id_number", self.id_number())
            return self._save(Household(village_id=v.id, category=category, **kw))

    def worker(self, village="中塘村", **kw):
        with self.app.app_context():
            v = self.village(village)
            kw.setdefault("name", "李四")
            kw.setdefault("id_number", self.id_number())
            kw.setdefault("phone", "13812345678")
            return self._save(Worker(village_id=v.id, **kw))

    def employer(self, name="测试用工单位", village="中塘村", source_office="村(社区)采集", **kw):
        with self.app.app_context():
            v = self.village(village) if village else None
            return self._save(Employer(name=name, village_id=v.id if v else None, source_office=source_office, **kw))

    def job(self, employer, title="普工", status="待发布", village="中塘村", source_office="村(社区)采集", **kw):
        with self.app.app_context():
            v = self.village(village) if village else None
            return self._save(Job(employer_id=employer.id, title=title, job_type_id=self.job_type().id,
                                  status=status, village_id=v.id if v else None, source_office=source_office, **kw))


@pytest.fixture()
def factory(app):
    return Factory(app)
