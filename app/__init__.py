"""The application factory: a short, ordered list of start-up steps."""
import os

from flask import Flask
from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()


def create_app(config_class=None):
    from config import config_from_environment

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class or config_from_environment())
    _check_production_settings(app)
    _prepare_database(app)
    csrf.init_app(app)
    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        _register(app, appbuilder)
    return app


def _check_production_settings(app):
    from config import DEFAULT_SECRET_KEY

    if app.config["ENV_NAME"] == "production":
        key = app.config.get("SECRET_KEY")
        if not key or key == DEFAULT_SECRET_KEY or len(key) < 32:
            raise SystemExit(
                "LINGONG_ENV=production 需要设置安全的 SECRET_KEY 环境变量（至少32个字符，且不能使用默认值）。\n"
                "Set a strong SECRET_KEY environment variable (32+ characters, not the default)."
            )
    from app.security.passwords import password_complexity

    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = password_complexity
    app.config.setdefault("MIGRATIONS_DIR", os.path.join(os.path.dirname(app.root_path), "migrations"))


def _prepare_database(app):
    from app import models  # noqa: F401  (registers every table on the metadata)
    from app.services.database import configure_engine_events

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////:memory:"):
        os.makedirs(os.path.dirname(uri[len("sqlite:///"):]) or ".", exist_ok=True)
    if uri.startswith("sqlite"):
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000})
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"])
    configure_engine_events(app, db)


def _register(app, appbuilder):
    from app import cli, i18n
    from app.security import scoping  # noqa: F401  (installs the row rule)
    from app.security.web import install_error_pages, install_request_guards
    from app.services import audit  # noqa: F401  (installs the operation log)
    from app.services import match_index  # noqa: F401  (keeps the matching index in step)
    from app.views.registry import register_views

    register_views(appbuilder)
    install_request_guards(app, csrf)
    install_error_pages(app)
    i18n.install(app)
    cli.register(app)
