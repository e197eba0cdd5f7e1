"""Engine settings (SQLite in WAL mode with a busy timeout and enforced foreign keys), bulk
inserts, and dropping everything for tests and benchmarks."""
import itertools

from sqlalchemy import any_, bindparam, event, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean


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


def _quoted(dialect, name):
    return dialect.identifier_preparer.quote(name)


class BulkInsert:
    """INSERT of many rows given as tuples in ``columns`` order.

    SQLAlchemy's executemany builds, checks and converts a parameter dict per row: for a
    ledger of 100,000 rows that cost about as much as the database's own work. Here the
    statement is compiled once per dialect, and each column's values are converted with
    its type's bind processor once per distinct value (a ledger repeats its dates, flags
    and amounts), so what reaches the driver is exactly what SQLAlchemy would send.

    With a driver taking positional ``?`` or ``%s`` parameters (SQLite) the rows go in
    statements of many rows, which saves the driver's work per statement. On PostgreSQL
    (psycopg) they go through ``COPY … FROM STDIN`` on the same connection and transaction:
    a third of the time of an executemany of the same rows.
    """

    ROWS_PER_STATEMENT = 500
    MAX_PARAMETERS = 32766  # SQLite's bound since 3.32

    def __init__(self, table, columns):
        self.table = table
        self.columns = tuple(columns)
        self._compiled = {}

    def _prepare(self, dialect):
        key = (dialect.name, dialect.driver, dialect.paramstyle)
        prepared = self._compiled.get(key)
        if prepared is None:
            compiled = insert(self.table).compile(dialect=dialect, column_keys=list(self.columns))
            # The statement lists the columns in the table's order; a positional driver wants them so.
            order = [self.columns.index(name) for name in compiled.positiontup] if compiled.positional else None
            converters = []
            for index, column in enumerate(self.columns):
                convert = self.table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
                if convert is not None:
                    converters.append((index, convert))
            many = order is not None and dialect.paramstyle in ("qmark", "format")
            prepared = self._compiled[key] = (compiled.string, order, converters, many)
        return prepared

    def __call__(self, connection, rows):
        if not rows:
            return
        statement, order, converters, many = self._prepare(connection.dialect)
        by_column = list(zip(*rows))
        for index, convert in converters:
            values = by_column[index]
            converted = {value: convert(value) for value in set(values)}
            by_column[index] = tuple(map(converted.__getitem__, values))
        if connection.dialect.driver == "psycopg":
            self._copy(connection, zip(*by_column))
            return
        if order is None:
            connection.exec_driver_sql(statement, [dict(zip(self.columns, row)) for row in zip(*by_column)])
            return
        by_column = [by_column[index] for index in order]
        if not many:
            connection.exec_driver_sql(statement, list(zip(*by_column)))
            return
        head, _values, one_row = statement.rpartition(" VALUES ")
        step = max(1, min(self.ROWS_PER_STATEMENT, self.MAX_PARAMETERS // len(order)))
        for start in range(0, len(rows), step):
            chunk = [column[start:start + step] for column in by_column]
            count = len(chunk[0])
            connection.exec_driver_sql(
                f"{head} VALUES {', '.join([one_row] * count)}", tuple(itertools.chain.from_iterable(zip(*chunk))),
            )

    def _copy(self, connection, rows):
        """psycopg's COPY, fed the Python values (psycopg adapts them as it would in an INSERT)."""
        dialect = connection.dialect
        table = _quoted(dialect, self.table.name)
        columns = ", ".join(_quoted(dialect, name) for name in self.columns)
        cursor = connection.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)


class key_in(ColumnElement):  # noqa: N801 (used like SQLAlchemy's own lower-case constructs)
    """``column IN (…)`` of a list given at execution as the parameter ``name``.

    SQLAlchemy renders an expanding IN as one bound parameter per value, each with its
    cast on PostgreSQL; for the thousands of keys of an import batch the driver and the
    server then spend more time on the statement than on the look-up (measured: 2,000 ID
    numbers not in the table, 10.6 ms as IN, 4.4 ms as ANY). On PostgreSQL this is
    ``column = ANY(:name)``, one array parameter; elsewhere the expanding IN.
    """

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison: no "= 1" after it where booleans are numbers
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("name", InternalTraversal.dp_string)]

    def __init__(self, column, name):
        self.column = column
        self.name = name


@compiles(key_in)
def _key_in(element, compiler, **kw):
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(key_in, "postgresql")
def _key_in_array(element, compiler, **kw):
    return compiler.process(element.column == any_(bindparam(element.name, type_=ARRAY(element.column.type))), **kw)
