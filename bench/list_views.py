"""Benchmark of the worker ledger list page as the ledger grows (issue 2).

Generates workers straight into the database (SQLAlchemy Core, executemany in
batches), then measures through the real application — Flask test client, logged
in through the real login form — four pages as 社保所 (whole town) and as a village
specialist (中塘村, scoped by the row rule):

* the worker list page                    ``/workerview/list/``
* search by exact ID number               ``?_flt_0_id_number=<id>``  (FilterEqual, the only filter offered for ID numbers)
* search by name prefix                   ``?_flt_0_name=张``          (FilterStartsWith)

For the string columns FAB's filter list is StartsWith, EndsWith, Contains, Equal, …
(``SQLAFilterConverter.conversion_table``), hence the indexes 0 and 3.

Each figure is measured first at the baseline size (default 1,000 workers) and then,
in the same run and on the same database, at the target size (default 100,000),
and the script prints median and p95 latencies, the ratio target/baseline and whether
it meets the goal: growing the ledger costs at most 2× on every figure.

    /work/venv/bin/python bench/list_views.py                    # 100,000 on a temp SQLite file
    /work/venv/bin/python bench/list_views.py --workers 1000000
    /work/venv/bin/python bench/list_views.py --database-url postgresql://postgres@127.0.0.1:5432/bench
    /work/venv/bin/python bench/list_views.py --explain          # also print the SQL and its plans
    /work/venv/bin/python bench/list_views.py --workers 1000000 \
        --database-url sqlite:////tmp/bench/bench.db --reuse      # measure again without refilling

The baseline ledger lives in a sibling database (``<name>_baseline``, created if
missing on PostgreSQL), and both are measured request by request in alternation,
so that load from other processes on the machine weighs on both sides of a ratio.

The database is emptied first: the script refuses a database whose name does not
contain "bench" unless ``--force`` is given.
"""
import argparse
import logging
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import create_engine, event, insert, inspect, make_url, select, text  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from app import create_app, db  # noqa: E402
from app.models import Village, Worker  # noqa: E402
from app.models.enums import EDUCATION_LEVELS, WORK_RANGES  # noqa: E402
from app.services import bootstrap  # noqa: E402
from app.services.accounts import create_account  # noqa: E402
from app.services.database import drop_everything  # noqa: E402
from app.services.demo import GIVEN, SURNAMES  # noqa: E402
from config import Config  # noqa: E402

PASSWORD = "Bench-pass-2024"
TOWN_USER = ("shebao", "社保所", None)
VILLAGE_USER = ("zhongtang", "村(社区)就业服务专员", "中塘村")
VILLAGE_NAME = "中塘村"
NAME_PREFIX = "张"
BATCH = 10_000

STATUS_WEIGHTS = {
    "未就业": 10, "季节性闲置": 10, "就地就近务工": 20, "区外市内务工": 12, "市外务工": 22,
    "灵活就业": 8, "自主创业": 3, "公益性岗位": 2, "无就业意愿": 13,
}
CAPACITY_WEIGHTS = {"普通劳动力": 60, "技能劳动力": 25, "弱劳动力": 12, "丧失劳动力": 3}
HEALTH_WEIGHTS = {"健康": 85, "慢性病": 10, "残疾": 3, "大病": 2}
WORK_PLACES = {"就地就近务工": "黔江区", "区外市内务工": "重庆市渝北区", "市外务工": "浙江省宁波市"}


# --------------------------------------------------------------------------- data


class WorkerGenerator:
    """Realistic worker rows with unique, valid 18-digit ID numbers, spread over the villages."""

    def __init__(self, village_ids, seed=2024):
        self.rng = random.Random(seed)
        self.village_ids = village_ids
        self.used = set()
        self.first_day = date(1950, 1, 1).toordinal()
        self.days = date(2006, 12, 31).toordinal() - self.first_day + 1
        self.today = date.today()
        self.now = datetime.now()

    def _id_number(self):
        rng = self.rng
        while True:
            birth = date.fromordinal(self.first_day + rng.randrange(self.days))
            body = f"500114{birth:%Y%m%d}{rng.randrange(1000):03d}"
            if body not in self.used:
                self.used.add(body)
                return body + ric.calc_check_digit(body + "0"), birth, int(body[-1]) % 2

    def rows(self, count):
        rng = self.rng
        statuses, status_w = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        capacities, capacity_w = list(CAPACITY_WEIGHTS), list(CAPACITY_WEIGHTS.values())
        healths, health_w = list(HEALTH_WEIGHTS), list(HEALTH_WEIGHTS.values())
        status_pick = rng.choices(statuses, status_w, k=count)
        capacity_pick = rng.choices(capacities, capacity_w, k=count)
        health_pick = rng.choices(healths, health_w, k=count)
        out = []
        for i in range(count):
            id_number, birth, odd = self._id_number()
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(1 + (rng.random() < 0.6)))
            roll = rng.random()
            status = status_pick[i]
            out.append({
                "name": name, "id_number": id_number, "gender": "男" if odd else "女", "birth_date": birth,
                "phone": f"138{rng.randrange(100_000_000):08d}",
                "village_id": self.village_ids[rng.randrange(len(self.village_ids))],
                "group_name": f"{rng.randint(1, 8)}组", "household_id": None, "relation": None,
                "is_poverty_alleviated": roll < 0.16, "is_monitored": 0.16 <= roll < 0.20,
                "is_hard_to_employ": roll < 0.20 and rng.random() < 0.2,
                "education": EDUCATION_LEVELS[rng.randrange(len(EDUCATION_LEVELS))], "health": health_pick[i],
                "labor_capacity": capacity_pick[i], "employment_status": status,
                "work_place": WORK_PLACES.get(status), "employer_name": None, "skills": None,
                "wanted_job_types": "普工" if status in ("未就业", "季节性闲置") else None,
                "work_range": WORK_RANGES[rng.randrange(len(WORK_RANGES))],
                "expected_daily_wage": (120, 150, 180, 200, 250)[rng.randrange(5)],
                "verified_on": self.today - timedelta(days=rng.randrange(90)), "notes": None,
                "created_on": self.now, "changed_on": self.now, "created_by_fk": None, "changed_by_fk": None,
            })
        return out


def grow(app, generator, count):
    """Insert ``count`` workers with Core executemany in batches; returns seconds taken."""
    started = time.perf_counter()
    with app.app_context():
        engine = db.engine
        statement = insert(Worker.__table__)
        done = 0
        while done < count:
            rows = generator.rows(min(BATCH, count - done))
            with engine.begin() as conn:
                conn.execute(statement, rows)
            done += len(rows)
            if count >= 100_000 and done % 100_000 == 0:
                print(f"    … {done:,} / {count:,}", flush=True)
        # Planner statistics (and on PostgreSQL the visibility map that lets count(*) read
        # an index only), as autovacuum or a maintenance job would leave them in service.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE worker" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - started


# --------------------------------------------------------------------------- app


def bench_config(database_url):
    return type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ENV_NAME": "benchmark",
        "DEMO_ENABLED": False,
        "AUTH_RATE_LIMITED": False,
        "SECRET_KEY": "benchmark-secret-key-not-for-production",
        "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })


def reset_database(app):
    with app.app_context():
        drop_everything(db.engine)



def prepare(app):
    """Schema, roles, villages and the two benchmark accounts; returns the village ids."""
    with app.app_context():
        bootstrap.initialise(app.appbuilder)
        for username, role, village in (TOWN_USER, VILLAGE_USER):
            if app.appbuilder.sm.find_user(username=username) is None:
                create_account(app.appbuilder.sm, username, role, PASSWORD, village)
        villages = db.session.execute(select(Village.id, Village.name).order_by(Village.sort_order)).all()
        db.session.remove()
    return {name: vid for vid, name in villages}


def existing_workers(app):
    """How many workers the database already holds (None when it has no worker table)."""
    with app.app_context():
        with db.engine.connect() as conn:
            if not inspect(conn).has_table("worker"):
                return None
            return conn.scalar(text("SELECT count(*) FROM worker"))


class Client:
    """A test client logged in through the real login form (CSRF token included)."""

    TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

    def __init__(self, app, username):
        self.http = app.test_client()
        page = self.http.get("/login/").get_data(as_text=True)
        token = self.TOKEN.search(page).group(1)
        self.http.post("/login/", data={"username": username, "password": PASSWORD, "csrf_token": token})
        check = self.http.get("/workerview/list/")
        if check.status_code != 200:
            raise SystemExit(f"login as {username} failed: /workerview/list/ answered {check.status_code}")

    def get(self, path):
        response = self.http.get(path)
        body = response.get_data()
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        return body


def figures(app, village_ids):
    """(label, username, path, text the page must contain) for every figure."""
    with app.app_context():
        # The first worker of the village: both users may see it, and both databases hold it
        # (they are filled from the same seed).
        row = db.session.execute(
            select(Worker.id_number, Worker.name)
            .where(Worker.village_id == village_ids[VILLAGE_NAME]).order_by(Worker.id).limit(1)
        ).one()
        db.session.remove()
    id_number, name = row
    pages = [
        ("list", "/workerview/list/", None),
        ("search ID number (exact)", f"/workerview/list/?_flt_0_id_number={id_number}", name),
        ("search name prefix 张", f"/workerview/list/?_flt_0_name={NAME_PREFIX}", NAME_PREFIX),
    ]
    out = []
    for username, who in ((TOWN_USER[0], "社保所"), (VILLAGE_USER[0], "村专员 中塘村")):
        for label, path, must in pages:
            out.append((f"{label} — {who}", username, path, must))
    return out


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def measure(ledgers, repeat, warmup):
    """{size: {label: (median ms, p95 ms, record count shown)}} for every figure.

    The ledgers are measured in alternation, request by request, so that load from
    other processes on the machine weighs on both sides of each ratio alike.
    """
    clients = {size: {} for size in ledgers}
    results = {size: {} for size in ledgers}
    plans = {size: figures(app, village_ids) for size, (app, village_ids) in ledgers.items()}
    for index in range(len(next(iter(plans.values())))):
        samples = {size: [] for size in ledgers}
        bodies = {}
        for round_ in range(warmup + repeat):
            for size, (app, _ids) in ledgers.items():
                label, username, path, _must = plans[size][index]
                client = clients[size].get(username) or clients[size].setdefault(username, Client(app, username))
                started = time.perf_counter()
                bodies[size] = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if round_ >= warmup:
                    samples[size].append(elapsed)
        for size in ledgers:
            label, _username, path, must = plans[size][index]
            if must and must.encode() not in bodies[size]:
                raise SystemExit(f"{label}: {path} does not show {must!r}")
            results[size][label] = (statistics.median(samples[size]), percentile(samples[size], 0.95),
                                    record_count(bodies[size]))
        print(f"  measured: {label}", flush=True)
    return results


def record_count(body):
    match = re.search(rb"(?:Record Count|\xe8\xae\xb0\xe5\xbd\x95\xe6\x95\xb0)[^0-9]{0,40}([0-9,]+)", body)
    return match.group(1).decode() if match else "?"


# --------------------------------------------------------------------------- SQL


def explain(app, village_ids):
    """Print every SQL statement a request of each figure runs, with its query plan."""
    with app.app_context():
        engine = db.engine
    captured = []

    def _capture(_conn, _cursor, statement, parameters, _context, _executemany):
        captured.append((statement, parameters))

    clients = {}
    for label, username, path, _must in figures(app, village_ids):
        client = clients.get(username) or clients.setdefault(username, Client(app, username))
        captured.clear()
        event.listen(engine, "before_cursor_execute", _capture)
        try:
            client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", _capture)
        print(f"\n=== {label}: {path} — {len(captured)} statements")
        for statement, parameters in captured:
            if "worker" not in statement:
                continue
            print("\n" + statement.strip())
            print("  params:", parameters)
            with engine.connect() as conn:
                if engine.dialect.name == "sqlite":
                    plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                    for row in plan:
                        print("  plan:", row[-1])
                else:
                    plan = conn.exec_driver_sql("EXPLAIN ANALYZE " + statement, parameters).all()
                    for row in plan:
                        print("  plan:", row[0])


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000, help="target ledger size (default 100,000)")
    parser.add_argument("--baseline", type=int, default=1_000, help="baseline ledger size (default 1,000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per figure (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per figure first (default 3)")
    parser.add_argument("--goal", type=float, default=2.0, help="largest acceptable ratio (default 2)")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--force", action="store_true", help="empty a database whose name lacks 'bench'")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database that already holds exactly the wanted number of workers")
    parser.add_argument("--explain", action="store_true", help="print each figure's SQL and query plans")
    args = parser.parse_args(argv)
    if not 0 < args.baseline < args.workers:
        parser.error("need 0 < --baseline < --workers")
    return args


def baseline_url(url):
    """The baseline ledger's database: a sibling of the target's (``<name>_baseline``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        root, ext = os.path.splitext(parsed.database)
        return parsed.set(database=f"{root}_baseline{ext or '.db'}").render_as_string(hide_password=False)
    name = f"{parsed.database}_baseline"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def build_ledger(url, size, reuse=False):
    """An application on a database holding ``size`` generated workers.

    With ``reuse``, a database that already holds exactly ``size`` workers is kept
    (migrations still run, so a new index is applied) instead of being refilled.
    """
    app = create_app(bench_config(url))
    shown = make_url(url).render_as_string()
    if reuse and existing_workers(app) == size:
        print(f"reusing {size:,} workers on {shown}", flush=True)
        return app, prepare(app)
    reset_database(app)
    village_ids = prepare(app)
    generator = WorkerGenerator(list(village_ids.values()))  # same seed: same first rows everywhere
    seconds = grow(app, generator, size)
    print(f"generated {size:,} workers in {seconds:.1f} s on {shown}", flush=True)
    return app, village_ids


def main(argv=None):
    args = parse_args(argv)
    logging.disable(logging.WARNING)
    tmp = None
    url = args.database_url
    if not url:
        tmp = tempfile.TemporaryDirectory(prefix="lingong-bench-")
        url = "sqlite:///" + os.path.join(tmp.name, "bench.db")
    database = make_url(url).database or ""
    if url.startswith("postgresql") and "bench" not in database and not args.force:
        raise SystemExit(f"refusing to empty database {database!r}: name it *bench* or pass --force")

    ledgers = {
        args.baseline: build_ledger(baseline_url(url), args.baseline, args.reuse),
        args.workers: build_ledger(url, args.workers, args.reuse),
    }
    if args.explain:
        for app, village_ids in ledgers.values():
            explain(app, village_ids)
    results = measure(ledgers, args.repeat, args.warmup)
    report(results, args)
    for app, _ids in ledgers.values():
        with app.app_context():
            db.engine.dispose()
    if tmp:
        tmp.cleanup()


def report(results, args):
    base, big = results[args.baseline], results[args.workers]
    b, n = f"{args.baseline:,}", f"{args.workers:,}"
    print(f"\n{args.repeat} requests per figure after {args.warmup} warm-up; times in ms; goal: ratio ≤ {args.goal:g}×\n")
    header = f"{'figure':<34} {'rows@' + b:>10} {'med@' + b:>10} {'p95@' + b:>10} {'rows@' + n:>12} {'med@' + n:>12} {'p95@' + n:>12} {'×med':>6} {'×p95':>6}  goal"
    print(header)
    print("-" * len(header))
    failures = 0
    for label, (med0, p950, rows0) in base.items():
        med1, p951, rows1 = big[label]
        r_med, r_p95 = med1 / med0, p951 / p950
        ok = r_med <= args.goal and r_p95 <= args.goal
        failures += not ok
        print(f"{label:<34} {rows0:>10} {med0:>10.1f} {p950:>10.1f} {rows1:>12} {med1:>12.1f} {p951:>12.1f} {r_med:>6.2f} {r_p95:>6.2f}  {'PASS' if ok else 'FAIL'}")
    print(f"\n{len(base) - failures} of {len(base)} figures meet the goal")


if __name__ == "__main__":
    main()
