"""Benchmark of the worker ledger import (issue: import speed and memory).

Generates a clean worker ledger (.xlsx, the 25 columns of SPEC §6 under a title row,
households of several members sharing a 户主身份证号, valid 18-digit ID numbers) of
N rows, then measures in the same run, on a fresh database:

* import      ``service.import_ledger(session, "workers", …)`` into an empty database
              (validation + upsert + commit, as the system actor; the application's
              start-up is left out)
* re-import   the same, unchanged file again (every row is compared and left alone)
* baseline    merely reading the same file with python-calamine and inserting the raw
              rows with ``executemany`` into a plain table of 25 TEXT columns, in a fresh
              database of the same kind (measured before and after the imports; the
              faster of the two is the reference)

* half         first of all, the first N/2 rows of the same ledger imported into an empty
              database, for memory: streaming means the peak does not grow with the rows

For each it prints seconds, rows per second, the ratio to the baseline and the peak
memory: the peak resident set size during the phase above the resident set size at its
start (Linux VmHWM, reset through /proc/self/clear_refs before each phase), for this
process and, when the import read the file in a child process, for that child (its
peak above its resident size when it started). Then PASS or FAIL against the goals: at
least 20,000 rows/s, at most 2.5× the baseline's time, a re-import of unchanged rows no
slower than the first import, and memory that does not grow with the rows (at most
200 bytes a row from N/2 to N rows: what is left is the file's keys, held to find
duplicate rows).

The machine's speed varies (seen here: the same run took 3.4 times as long on one day as
on another), so a reference figure is printed first: the time of a fixed pure-Python
workload. Compare figures of two runs only together with theirs.

    /work/venv/bin/python bench/import_ledger.py                       # 100,000 rows, temp SQLite file
    /work/venv/bin/python bench/import_ledger.py --rows 20000
    /work/venv/bin/python bench/import_ledger.py --database-url postgresql://postgres@127.0.0.1:5432/bench_import
    /work/venv/bin/python bench/import_ledger.py --keep                # keep the ledger and the databases

On PostgreSQL the database is emptied first (the script refuses a database whose name
does not contain "bench" unless ``--force`` is given) and the baseline table
``bench_baseline_raw`` is created in it and dropped afterwards.
"""
import argparse
import contextlib
import ctypes
import gc
import io
import logging
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import Column, MetaData, Table, Text, create_engine, event, make_url, text  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from app import create_app, db  # noqa: E402
from app.models import Worker  # noqa: E402
from app.models.enums import EDUCATION_LEVELS, JOB_TYPES, VILLAGES, WORK_RANGES  # noqa: E402
from app.services import bootstrap  # noqa: E402
from app.services.database import drop_everything  # noqa: E402
from app.services.demo import GIVEN, SURNAMES  # noqa: E402
from app.services.ledgers import service  # noqa: E402
from config import TestConfig  # noqa: E402

GOAL_ROWS_PER_SECOND = 20_000
GOAL_BASELINE_RATIO = 2.5
GOAL_BYTES_PER_ROW = 200
BASELINE_BATCH = 2000

HEADERS = [
    "序号", "村(社区)", "村民小组", "户主姓名", "户主身份证号", "户类别", "姓名", "身份证号", "与户主关系",
    "联系电话", "文化程度", "健康状况", "劳动能力", "是否脱贫人口", "是否监测对象", "是否就业困难人员", "就业状态",
    "务工地点", "务工单位", "技能特长", "求职意向", "意向务工范围", "期望日薪(元)", "核实日期", "备注",
]
HOUSEHOLD_SIZES = {1: 10, 2: 20, 3: 25, 4: 25, 5: 13, 6: 7}
CATEGORIES = {"一般户": 80, "脱贫户": 16, "监测户": 4}
STATUS_WEIGHTS = {
    "未就业": 10, "季节性闲置": 10, "就地就近务工": 20, "区外市内务工": 12, "市外务工": 22,
    "灵活就业": 8, "自主创业": 3, "公益性岗位": 2, "无就业意愿": 13,
}
CAPACITY_WEIGHTS = {"普通劳动力": 60, "技能劳动力": 25, "弱劳动力": 12, "丧失劳动力": 3}
HEALTH_WEIGHTS = {"健康": 85, "慢性病": 10, "残疾": 3, "大病": 2}
WORK_PLACES = {"就地就近务工": "黔江区", "区外市内务工": "重庆市渝北区", "市外务工": "浙江省宁波市"}
EMPLOYERS = ("兴泉茶叶专业合作社", "黔江区中塘建筑有限公司", "宁波市鄞州服装厂", "渝北区空港物流园", "个体")
NOTES = ("", "", "", "", "", "", "", "", "常年在外", "有意参加技能培训", "已核实")


# --------------------------------------------------------------------------- the ledger


class LedgerGenerator:
    """Rows of a clean worker ledger, household by household, with unique valid ID numbers."""

    def __init__(self, seed=2024):
        self.rng = random.Random(seed)
        self.used = set()
        self.today = date.today()
        self.job_types = [name for name, _code in JOB_TYPES]

    def _id_number(self, birth, male):
        rng = self.rng
        while True:
            body = f"500114{birth:%Y%m%d}{rng.randrange(100):02d}{rng.choice('13579' if male else '02468')}"
            if body not in self.used:
                self.used.add(body)
                return body + ric.calc_check_digit(body + "0")

    def _birth(self, first_year, last_year):
        rng = self.rng
        return date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))

    def _name(self, surname=None):
        rng = self.rng
        return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(1 + (rng.random() < 0.6)))

    def _members(self, size):
        """(name, birth, male, relation) for a household: head, spouse, children, a parent."""
        rng = self.rng
        head_male = rng.random() < 0.85
        head_birth = self._birth(1955, 1990)
        surname = rng.choice(SURNAMES)
        members = [(self._name(surname), head_birth, head_male, "户主")]
        if size >= 2:
            members.append((self._name(), self._birth(head_birth.year - 3, min(head_birth.year + 3, 2006)),
                            not head_male, "配偶"))
        for _ in range(max(0, size - 2 - (size >= 5))):
            members.append((self._name(surname), self._birth(min(head_birth.year + 20, 2006), 2006),
                            rng.random() < 0.5, "子女"))
        if size >= 5:
            members.append((self._name(surname), self._birth(1935, max(1936, head_birth.year - 20)),
                            rng.random() < 0.5, "父母"))
        return members

    def rows(self, count):
        """``count`` ledger rows as lists in HEADERS order."""
        rng = self.rng
        villages = [name for name, _kind in VILLAGES]
        sizes, size_w = list(HOUSEHOLD_SIZES), list(HOUSEHOLD_SIZES.values())
        categories, category_w = list(CATEGORIES), list(CATEGORIES.values())
        statuses, status_w = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        capacities, capacity_w = list(CAPACITY_WEIGHTS), list(CAPACITY_WEIGHTS.values())
        healths, health_w = list(HEALTH_WEIGHTS), list(HEALTH_WEIGHTS.values())
        number = 0
        while number < count:
            village = rng.choice(villages)
            group = f"{rng.randint(1, 8)}组"
            category = rng.choices(categories, category_w)[0]
            members = self._members(rng.choices(sizes, size_w)[0])[: count - number]
            head_name, head_birth, head_male, _ = members[0]
            head_id = self._id_number(head_birth, head_male)
            for name, birth, male, relation in members:
                number += 1
                id_number = head_id if relation == "户主" else self._id_number(birth, male)
                status = rng.choices(statuses, status_w)[0]
                employed = status in WORK_PLACES or status in ("灵活就业", "自主创业", "公益性岗位")
                skills = rng.sample(self.job_types[:-1], rng.choice((0, 0, 1, 1, 2)))
                wanted = rng.sample(self.job_types[:-1], rng.choice((0, 1, 1, 2)))
                yield [
                    number, village, group, head_name, head_id, category, name, id_number, relation,
                    f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else None,
                    rng.choice(EDUCATION_LEVELS), rng.choices(healths, health_w)[0],
                    rng.choices(capacities, capacity_w)[0],
                    "是" if category == "脱贫户" else "否", "是" if category == "监测户" else "否",
                    "是" if category != "一般户" and rng.random() < 0.2 else "否",
                    status, WORK_PLACES.get(status), rng.choice(EMPLOYERS) if employed else None,
                    "、".join(skills) or None, "、".join(wanted) or None, rng.choice(WORK_RANGES),
                    rng.choice((120, 150, 180, 200, 250, None)),
                    self.today - timedelta(days=rng.randrange(1, 365)), rng.choice(NOTES) or None,
                ]


def write_ledger(count, path):
    """The ledger as an .xlsx file (openpyxl write-only mode); returns its bytes.

    The rows are the same for every ``count`` (one seed): a smaller ledger is the start of a larger one.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("劳动力台账")
    sheet.append(["中塘镇劳动力信息台账"])
    sheet.append([])
    sheet.append(HEADERS)
    for row in LedgerGenerator().rows(count):
        sheet.append(row)
    workbook.save(path)
    with open(path, "rb") as handle:
        return handle.read()


# --------------------------------------------------------------------------- memory


def _status_kb(field):
    with open("/proc/self/status") as handle:
        return int(re.search(rf"{field}:\s+(\d+)", handle.read()).group(1))


class PeakMemory:
    """Peak resident set size during a block, above the resident set size at its start.

    Also the CPU time this process spent in the block: on a machine shared with other
    work it varies much less than the elapsed time (the database server's own time on
    PostgreSQL is not in it).
    """

    def __enter__(self):
        # Memory the previous phases freed is handed back first, so that it is not reused unseen.
        gc.collect()
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        self.cpu_started = time.process_time()
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")  # resets VmHWM to the current RSS
            self.resettable = True
        except OSError:
            self.resettable = False
        self.start_kb = _status_kb("VmRSS")
        return self

    def __exit__(self, *exc):
        self.cpu = time.process_time() - self.cpu_started
        self.peak_kb = _status_kb("VmHWM")
        return False

    @property
    def delta_mb(self):
        return (self.peak_kb - self.start_kb) / 1024

    @property
    def peak_mb(self):
        return self.peak_kb / 1024


# --------------------------------------------------------------------------- phases


def reference_seconds():
    """A fixed pure-Python workload (dicts, strings, a loop): the machine's speed today."""
    started = time.process_time()
    table = {}
    for i in range(1_500_000):
        key = f"k{i % 5000}"
        table[key] = table.get(key, 0) + len(key)
    return time.process_time() - started


def reader_delta_mb(result):
    """The child process's peak above its size at start, when the file was read in one."""
    reader = result.reader
    if reader.get("process") != "child" or not reader.get("peak_kib"):
        return None
    return (reader["peak_kib"] - reader["start_kib"]) / 1024


def bench_config(database_url):
    return type("BenchConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ENV_NAME": "benchmark",
        "TESTING": False,
        "LEDGER_MAX_ROWS": 10_000_000,
    })


def reset_database(url):
    engine = create_engine(url)
    drop_everything(engine)


def build_app(url):
    reset_database(url)
    app = create_app(bench_config(url))
    with app.app_context():
        bootstrap.initialise(app.appbuilder)
        db.session.remove()
    return app


def timed_import(app, data, label):
    """One import of ``data`` as the system actor; returns (seconds, memory, result)."""
    with app.app_context():
        session = app.appbuilder.session
        with PeakMemory() as memory:
            started = time.perf_counter()
            result = service.import_ledger(session, "workers", data, "劳动力台账.xlsx")
            seconds = time.perf_counter() - started
        session.remove() if hasattr(session, "remove") else session.close()
    if not result.written or result.rejected:
        errors = "; ".join(str(e) for e in result.errors[:5])
        raise SystemExit(f"{label}: the import was not written ({result.rejected} rejected: {errors})")
    memory.reader_mb = reader_delta_mb(result)
    return seconds, memory, result


def _raw_value(value):
    # sqlite3's date adapter is deprecated and psycopg would send a date as a date: keep TEXT as text.
    return value if value.__class__ in (str, int, float) else str(value)


def timed_baseline(data, url):
    """python-calamine read + executemany INSERT of every raw row into 25 TEXT columns."""
    from python_calamine import CalamineWorkbook

    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # the application's own settings
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
    metadata = MetaData()
    table = Table("bench_baseline_raw", metadata, *(Column(f"c{i}", Text) for i in range(len(HEADERS))))
    metadata.drop_all(engine)
    metadata.create_all(engine)
    names = [column.name for column in table.columns]
    statement = table.insert()
    rows = 0
    with PeakMemory() as memory:
        memory.reader_mb = None
        started = time.perf_counter()
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        with engine.begin() as conn:
            batch = []
            for row in sheet.iter_rows():
                batch.append(dict(zip(names, map(_raw_value, row))))
                if len(batch) >= BASELINE_BATCH:
                    conn.execute(statement, batch)
                    rows += len(batch)
                    batch = []
            if batch:
                conn.execute(statement, batch)
                rows += len(batch)
        seconds = time.perf_counter() - started
    with engine.begin() as conn:
        stored = conn.scalar(text("SELECT count(*) FROM bench_baseline_raw"))
    if stored != rows:
        raise SystemExit(f"baseline stored {stored} rows, expected {rows}")
    engine.dispose()
    return seconds, memory


def drop_baseline(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_baseline_raw"))
    engine.dispose()


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="ledger rows (default 100,000)")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--force", action="store_true", help="empty a database whose name lacks 'bench'")
    parser.add_argument("--keep", action="store_true", help="keep the ledger file and the SQLite databases")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be positive")
    return args


def verdict(ok):
    return "PASS" if ok else "FAIL"


def main(argv=None):
    args = parse_args(argv)
    logging.disable(logging.WARNING)
    workdir = tempfile.mkdtemp(prefix="lingong-import-bench-")
    url = args.database_url or "sqlite:///" + os.path.join(workdir, "bench.db")
    database = make_url(url).database or ""
    if url.startswith("postgresql") and "bench" not in database and not args.force:
        raise SystemExit(f"refusing to empty database {database!r}: name it *bench* or pass --force")
    baseline_url = url if url.startswith("postgresql") else "sqlite:///" + os.path.join(workdir, "baseline.db")
    print(f"reference workload: {reference_seconds():.2f} s of CPU (smaller is a faster machine)", flush=True)

    ledger_path = os.path.join(workdir, "劳动力台账.xlsx")
    started = time.perf_counter()
    data = write_ledger(args.rows, ledger_path)
    half_rows = max(1, args.rows // 2)
    half_data = write_ledger(half_rows, os.path.join(workdir, "half.xlsx"))
    print(f"generated {args.rows:,} rows ({len(data) / 1e6:.1f} MB) and the first {half_rows:,} "
          f"in {time.perf_counter() - started:.1f} s: {ledger_path}", flush=True)

    app = build_app(url)
    shown = make_url(url).render_as_string()
    print(f"database: {shown}", flush=True)
    half = timed_import(app, half_data, "import of half")
    print(f"  import of half     {half[0]:.2f} s  created {half[2].created:,}", flush=True)
    app = build_app(url)  # empty again

    base_before = timed_baseline(data, baseline_url)
    print(f"  baseline (before)  {base_before[0]:.2f} s", flush=True)
    first = timed_import(app, data, "import")
    print(f"  import             {first[0]:.2f} s  created {first[2].created:,}", flush=True)
    again = timed_import(app, data, "re-import")
    print(f"  re-import          {again[0]:.2f} s  unchanged {again[2].unchanged:,}", flush=True)
    base_after = timed_baseline(data, baseline_url)
    print(f"  baseline (after)   {base_after[0]:.2f} s", flush=True)
    with app.app_context():
        stored = db.session.scalar(text(f"SELECT count(*) FROM {Worker.__tablename__}"))
        db.session.remove()
    if first[2].created != args.rows or again[2].unchanged != args.rows or stored != args.rows:
        raise SystemExit(f"unexpected counts: created {first[2].created}, unchanged {again[2].unchanged}, stored {stored}")

    baseline_seconds = min(base_before[0], base_after[0])
    memory_note = "" if first[1].resettable else " (VmHWM could not be reset: peak of the whole process)"
    print()
    print(f"{args.rows:,} rows × {len(HEADERS)} columns on {make_url(url).get_backend_name()}; "
          f"file read in: {first[2].reader.get('process')} process")
    print(f"{'phase':<22}{'rows':>9}{'seconds':>9}{'rows/s':>10}{'× baseline':>12}{'CPU s':>8}"
          f"{'peak RSS +MB':>14}{'reader +MB':>12}")
    for label, rows, (seconds, memory, *_rest) in (
        ("baseline (before)", args.rows, base_before), ("baseline (after)", args.rows, base_after),
        ("import (empty db)", args.rows, first), ("re-import unchanged", args.rows, again),
        ("import of half", half_rows, half),
    ):
        reader = "-" if memory.reader_mb is None else f"{memory.reader_mb:.1f}"
        print(f"{label:<22}{rows:>9,}{seconds:>9.2f}{rows / seconds:>10,.0f}{seconds / baseline_seconds:>12.2f}"
              f"{memory.cpu:>8.2f}{memory.delta_mb:>14.1f}{reader:>12}")
    print(f"CPU s: this process's CPU time (not the reader's); peak RSS +MB: the phase's peak resident set size "
          f"above its resident set size at the start{memory_note}; reader +MB: the same for the child process "
          f"that read the file; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    growth = [
        (first[1].delta_mb - half[1].delta_mb) * 1024 * 1024 / (args.rows - half_rows or 1),
        ((first[1].reader_mb or 0) - (half[1].reader_mb or 0)) * 1024 * 1024 / (args.rows - half_rows or 1),
    ]
    print(f"memory growth from {half_rows:,} to {args.rows:,} rows: {growth[0]:.0f} bytes/row in this process, "
          f"{growth[1]:.0f} bytes/row in the reader")
    print()
    checks = [
        (f"import ≥ {GOAL_ROWS_PER_SECOND:,} rows/s", args.rows / first[0] >= GOAL_ROWS_PER_SECOND),
        (f"re-import ≥ {GOAL_ROWS_PER_SECOND:,} rows/s", args.rows / again[0] >= GOAL_ROWS_PER_SECOND),
        (f"import ≤ {GOAL_BASELINE_RATIO}× baseline", first[0] <= GOAL_BASELINE_RATIO * baseline_seconds),
        (f"re-import ≤ {GOAL_BASELINE_RATIO}× baseline", again[0] <= GOAL_BASELINE_RATIO * baseline_seconds),
        ("re-import ≤ first import", again[0] <= first[0]),
        (f"memory growth ≤ {GOAL_BYTES_PER_ROW} bytes/row", max(growth) <= GOAL_BYTES_PER_ROW),
    ]
    for label, ok in checks:
        print(f"  {verdict(ok)}  {label}")

    if url.startswith("postgresql"):
        drop_baseline(url)
    if args.keep:
        print(f"\nkept: {workdir}")
    else:
        for name in os.listdir(workdir):
            os.remove(os.path.join(workdir, name))
        os.rmdir(workdir)
    return 0 if all(ok for _label, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
