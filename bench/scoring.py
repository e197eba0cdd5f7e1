"""Benchmark of the 10-day scoring and the home-page dashboard as the town grows (issue 6).

Fills a database with Core bulk inserts — N workers, N/3.7 households (the town's 16,000
residents in 4,300 households), N/50 jobs, N/500 disputes, a weekly report per village and
week of the year — then measures, through the application:

* ``scoring.compute`` of one period for every village (the five SQL aggregates, ranking, one commit);
* the home page (``GET /``) as 社保所 (whole town) and as a village specialist (scoped by the row rule).

Goal: each under 1 s at 1,000,000 workers on this machine.

    /work/venv/bin/python bench/scoring.py                              # 10,000, 100,000 and 1,000,000
    /work/venv/bin/python bench/scoring.py --sizes 10000 100000
    /work/venv/bin/python bench/scoring.py --database-url postgresql://postgres@127.0.0.1:5432/bench_scoring

Each size uses a fresh database (SQLite files under a temp directory unless a URL is given;
the script refuses a database whose name does not contain "bench").
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import insert, make_url, select, text  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from app import create_app, db  # noqa: E402
from app.models import Dispute, Employer, Household, Job, JobType, Village, WeeklyReport, Worker  # noqa: E402
from app.models.enums import DISPUTE_CONCLUDED_STATUSES, EMPLOYMENT_STATUSES  # noqa: E402
from app.services import bootstrap, scoring  # noqa: E402
from app.services.accounts import create_account  # noqa: E402
from app.services.database import drop_everything  # noqa: E402
from config import Config  # noqa: E402

PASSWORD = "Bench-pass-2024"
ACCOUNTS = (("shebao", "社保所", None), ("zhongtang", "村(社区)就业服务专员", "中塘村"))
PERIOD = "2024-06-2"
TODAY = date(2024, 6, 25)
BATCH = 20_000
STATUS_WEIGHTS = (10, 10, 20, 12, 22, 8, 3, 2, 13)  # EMPLOYMENT_STATUSES order
CAPACITIES = ("普通劳动力", "技能劳动力", "弱劳动力", "丧失劳动力")
CAPACITY_WEIGHTS = (60, 25, 12, 3)
CATEGORY_WEIGHTS = (("脱贫户", 18), ("监测户", 4), ("一般户", 78))
REPEATS = 5


def bench_config(url):
    return type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "benchmark", "DEMO_ENABLED": False,
        "AUTH_RATE_LIMITED": False, "SECRET_KEY": "benchmark-secret-key-not-for-production-use",
        "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": False,
    })


def reset(app):
    with app.app_context():
        drop_everything(db.engine)



def _id_number(n):
    """A unique valid ID number for the n-th generated person: birth date and sequence from n."""
    birth = date(1950, 1, 1) + timedelta(days=n // 1000 % 20_000)
    body = f"5001{14 + n // 20_000_000:02d}{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0"), birth


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(app, workers, seed=2024):
    """Bulk-insert the ledgers; returns seconds taken."""
    rng = random.Random(seed)
    started = time.perf_counter()
    now = datetime(2024, 6, 1, 9, 0)
    audit = {"created_on": now, "changed_on": now, "created_by_fk": None, "changed_by_fk": None}
    with app.app_context():
        engine = db.engine
        villages = [vid for (vid,) in db.session.execute(select(Village.id).order_by(Village.sort_order))]
        job_type = db.session.scalar(select(JobType.id).limit(1))
        households = max(1, int(workers / 3.7))
        categories = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS], k=households)
        with engine.begin() as conn:
            for batch in _batches({
                "id": h + 1, "village_id": villages[h % len(villages)], "group_name": f"{h % 8 + 1}组",
                "head_name": "户主", "head_id_number": _id_number(workers + h)[0], "category": categories[h],
                "notes": None, **audit} for h in range(households)):
                conn.execute(insert(Household.__table__), batch)
            statuses = rng.choices(EMPLOYMENT_STATUSES, STATUS_WEIGHTS, k=workers)
            capacities = rng.choices(CAPACITIES, CAPACITY_WEIGHTS, k=workers)

            def worker_rows():
                for n in range(workers):
                    number, birth = _id_number(n)
                    household = n % households
                    yield {
                        "name": "劳动力", "id_number": number, "gender": "男" if int(number[16]) % 2 else "女",
                        "birth_date": birth, "phone": None, "village_id": villages[household % len(villages)],
                        "group_name": None, "household_id": household + 1, "relation": None,
                        "is_poverty_alleviated": categories[household] == "脱贫户",
                        "is_monitored": categories[household] == "监测户", "is_hard_to_employ": False,
                        "education": None, "health": "健康", "labor_capacity": capacities[n],
                        "employment_status": statuses[n], "work_place": None, "employer_name": None,
                        "skills": None, "wanted_job_types": None, "work_range": None, "expected_daily_wage": None,
                        "verified_on": TODAY - timedelta(days=n % 90), "notes": None, **audit,
                    }

            for batch in _batches(worker_rows()):
                conn.execute(insert(Worker.__table__), batch)
            conn.execute(insert(Employer.__table__), [{
                "id": 1, "name": "基准用工单位", "kind": "企业", "source_office": "社保所", **audit}])
            jobs = max(1, workers // 50)
            for batch in _batches({
                "employer_id": 1, "title": "普工", "job_type_id": job_type, "headcount": 1 + j % 5,
                "wage_unit": "元/天", "gender_req": "不限", "meals": False, "lodging": False, "insured": False,
                "status": ("招聘中", "已招满", "待发布")[j % 3], "village_id": villages[j % len(villages)],
                "source_office": "村(社区)采集", "collected_on": TODAY - timedelta(days=j % 120), **audit}
                    for j in range(jobs)):
                conn.execute(insert(Job.__table__), batch)
            disputes = max(1, workers // 500)
            rows = []
            for d in range(disputes):
                received = TODAY - timedelta(days=d % 100)
                concluded = d % 3 != 0
                rows.append({
                    "case_no": f"JF-B-{d:07d}", "received_on": received, "deadline": received + timedelta(days=15),
                    "source": "来访", "applicant_names": "申请人", "workers_involved": 1, "respondent_name": "某单位",
                    "kind": "拖欠工资", "status": DISPUTE_CONCLUDED_STATUSES[d % 5] if concluded else "调解中",
                    "closed_on": received + timedelta(days=d % 20) if concluded else None,
                    "village_id": villages[d % len(villages)], **audit})
            for batch in _batches(rows):
                conn.execute(insert(Dispute.__table__), batch)
            reports = []
            for village in villages:
                for week in range(1, 27):
                    sunday = date.fromisocalendar(2024, week, 7)
                    reports.append({
                        "village_id": village, "year": 2024, "week": week, "status": "已报送", "channel": "系统报送",
                        "submitted_at": datetime.combine(sunday, datetime.min.time()) + timedelta(hours=10 + week % 20),
                        "new_workers": 0, "updated_workers": 0, "jobs_collected": 0, "referrals": 0,
                        "placements": 0, "open_disputes": 0, **audit})
            conn.execute(insert(WeeklyReport.__table__), reports)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - started


def prepare(app):
    with app.app_context():
        bootstrap.initialise(app.appbuilder)
        for username, role, village in ACCOUNTS:
            create_account(app.appbuilder.sm, username, role, PASSWORD, village)
        db.session.remove()


def _median(samples):
    return statistics.median(samples), max(samples)


def measure(app):
    with app.app_context():
        compute = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            row = scoring.compute(db.session, PERIOD, now=datetime.combine(TODAY, datetime.min.time()))
            compute.append(time.perf_counter() - started)
        lines = scoring.score_lines(db.session, row)
        db.session.remove()
    pages = {}
    for username, _role, _village in ACCOUNTS:
        client = app.test_client()
        client.post("/login/", data={"username": username, "password": PASSWORD})
        client.get("/").close()  # warm-up: templates, permission cache
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = client.get("/")
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200 and "劳动力就业状态" in response.get_data(as_text=True), username
            response.close()
        pages[username] = samples
    return compute, pages, lines


def run(url, workers):
    app = create_app(bench_config(url))
    reset(app)
    prepare(app)
    seconds = fill(app, workers)
    compute, pages, lines = measure(app)
    with app.app_context():
        db.engine.dispose()
    return seconds, compute, pages, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--database-url", default=None, help="default: a SQLite file per size in a temp directory")
    args = parser.parse_args()
    if args.database_url and "bench" not in (make_url(args.database_url).database or ""):
        parser.error("the database is emptied: its name must contain 'bench'")
    directory = tempfile.mkdtemp(prefix="bench-scoring-")
    results = []
    for size in args.sizes:
        url = args.database_url or f"sqlite:///{directory}/scoring-{size}.db"
        print(f"{size:>9,} workers: filling …", flush=True)
        seconds, compute, pages, lines = run(url, size)
        c_med, c_max = _median(compute)
        town_med, town_max = _median(pages["shebao"])
        village_med, village_max = _median(pages["zhongtang"])
        results.append((size, c_med, town_med, village_med, max(c_max, town_max, village_max)))
        print(f"    filled in {seconds:.1f} s; {PERIOD} totals: "
              + ", ".join(f"{l.village} {l.total} (#{l.rank})" for l in lines))
        print(f"    compute median {c_med * 1000:.0f} ms (max {c_max * 1000:.0f}); "
              f"dashboard 社保所 {town_med * 1000:.0f} ms (max {town_max * 1000:.0f}); "
              f"dashboard 中塘村 {village_med * 1000:.0f} ms (max {village_max * 1000:.0f})", flush=True)
    print("\nworkers     compute   dashboard(社保所)   dashboard(村)   goal < 1 s (every sample)")
    for size, c, town, village, worst in results:
        print(f"{size:>9,}  {c * 1000:>7.0f} ms  {town * 1000:>12.0f} ms  {village * 1000:>11.0f} ms   "
              f"{'met' if worst < 1 else 'NOT met'} (worst {worst * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
