"""Configuration classes; every deploy-time setting is read from the environment."""
import os
from datetime import timedelta

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
DEFAULT_SECRET_KEY = "dev-only-change-me"


def _env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _default_sqlite_url():
    return "sqlite:///" + os.path.join(BASE_DIR, "instance", "lingong.db")


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_sqlite_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    APP_NAME = "中塘镇零工市场服务管理系统"
    APP_ICON = None
    APP_THEME = ""
    TOWN_NAME = "黔江区中塘镇"
    TOWN_SHORT_NAME = "中塘镇"

    # Schema and permissions are managed by migrations and app.services.bootstrap.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.manager.LingongSecurityManager"
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_BASE_TEMPLATE = "lingong/baselayout.html"
    AUTH_TYPE = 1  # database authentication
    AUTH_ROLE_ADMIN = "系统管理员"
    AUTH_ROLE_PUBLIC = "公众"
    AUTH_USER_REGISTRATION = False
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_VALIDATOR = "app.security.passwords.password_complexity"

    # Login throttling: per-IP rate limit plus per-account lockout.
    AUTH_RATE_LIMITED = _env_bool("LINGONG_LOGIN_RATE_LIMITED", True)
    AUTH_RATE_LIMIT = os.environ.get("LINGONG_LOGIN_RATE_LIMIT", "20 per minute")
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT = timedelta(minutes=15)

    IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("LINGONG_IDLE_MINUTES", "30")))
    PERMANENT_SESSION_LIFETIME = IDLE_TIMEOUT
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session, which already times out

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "translations")
    LANGUAGES = {
        "zh": {"flag": "cn", "name": "简体中文"},
        "en": {"flag": "gb", "name": "English"},
    }

    DEMO_ENABLED = _env_bool("LINGONG_DEMO", True)
    DEMO_PASSWORD = os.environ.get("LINGONG_DEMO_PASSWORD", "Lingong2024")
    DEMO_WORKERS = int(os.environ.get("LINGONG_DEMO_WORKERS", "600"))

    MAX_CONTENT_LENGTH = int(os.environ.get("LINGONG_MAX_UPLOAD_MB", "20")) * 1024 * 1024
    LEDGER_MAX_ROWS = int(os.environ.get("LINGONG_LEDGER_MAX_ROWS", "200000"))
    # Files from this size on are read in a child process while this one writes (about 2,000
    # ledger rows); 0 reads every file there, a negative value none.
    LEDGER_READER_PROCESS_MIN_BYTES = int(os.environ.get("LINGONG_LEDGER_READER_PROCESS_MIN_BYTES", str(256 * 1024)))
    SQLITE_BUSY_TIMEOUT_MS = 10000


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEMO_ENABLED = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FAB_API_SWAGGER_UI = False


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-long-enough-for-jwt-hs256"  # PyJWT warns under 32 bytes
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    DEMO_ENABLED = False
    AUTH_RATE_LIMITED = False
    WTF_CSRF_ENABLED = True
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def config_from_environment():
    """The config class LINGONG_ENV names: production, testing or (default) development."""
    env = os.environ.get("LINGONG_ENV", "development").strip().lower()
    return {"production": ProductionConfig, "testing": TestConfig}.get(env, Config)
