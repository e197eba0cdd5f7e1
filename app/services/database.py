"""Engine settings: SQLite in WAL mode with a busy timeout and enforced foreign keys."""
from sqlalchemy import event


def configure_engine_events(app, db):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
