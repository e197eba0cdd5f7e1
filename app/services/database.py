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


def drop_everything(engine):
    """Drop every table (and Alembic's version table): tests and benchmarks start from nothing.

    SQLite drops with foreign keys off, then the pool is emptied so that no connection
    keeps that setting: every new connection gets the pragmas above again.
    """
    from sqlalchemy import inspect, text

    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for name in inspect(conn).get_table_names():
                conn.execute(text(f'DROP TABLE "{name}"'))
            conn.execute(text("PRAGMA foreign_keys=ON"))
    engine.dispose()
