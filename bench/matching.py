"""Benchmark of the candidate list of a job (匹配人选, issue 4) as the ledger grows.

Workers are generated with SQLAlchemy Core (executemany in batches, the generator of
bench/list_views.py) into households of about four, the candidate index
(app/services/match_index.py) is rebuilt (its time is printed), then the ranked candidate list of one
open 普工 job in 中塘村 is computed by ``app.services.matching.candidates_for_job`` — the
function behind the page and ``GET /api/v1/job/<id>/candidates`` — as 社保所 (the whole
town) and as the 中塘村 specialist (the row rule limits the candidates to their village).
The ledger grows in the same database from the first size to the next, and each size
reports median and p95 of ``--repeat`` calls.

    /work/venv/bin/python bench/matching.py                       # 10,000 / 100,000 / 1,000,000 on a temp SQLite file
    /work/venv/bin/python bench/matching.py --sizes 10000,100000
    /work/venv/bin/python bench/matching.py --database-url postgresql://postgres@127.0.0.1:5432/bench

Goal: under 200 ms median at 1,000,000 workers, at most 3× from 10,000 to 1,000,000.
The database is emptied first: the script refuses a database whose name does not contain
"bench" unless ``--force`` is given.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import insert, make_url, select, text  # noqa: E402

from app import create_app, db  # noqa: E402
from app.models import Employer, Household, Job, JobType, LingongUser, Worker  # noqa: E402
from app.security.actor import acting_as  # noqa: E402
from app.services import match_index, matching  # noqa: E402
from bench.list_views import (  # noqa: E402
    BATCH,
    TOWN_USER,
    VILLAGE_NAME,
    VILLAGE_USER,
    WorkerGenerator,
    bench_config,
    prepare,
    reset_database,
)

HOUSEHOLD_SIZE = 4
KEY_SHARE = 0.2


def grow(app, generator, count, household_serial):
    """Add ``count`` workers in households; returns the next household serial."""
    with app.app_context():
        engine = db.engine
        now = datetime.now()
        done = 0
        while done < count:
            rows = generator.rows(min(BATCH, count - done))
            households = []
            for start in range(0, len(rows), HOUSEHOLD_SIZE):
                household_serial += 1
                head = rows[start]
                households.append({
                    "village_id": head["village_id"], "group_name": head["group_name"], "head_name": head["name"],
                    "head_id_number": f"H{household_serial:017d}",
                    "category": "脱贫户" if generator.rng.random() < KEY_SHARE else "一般户",
                    "created_on": now, "changed_on": now,
                })
            with engine.begin() as conn:
                first = conn.execute(insert(Household.__table__).returning(Household.__table__.c.id),
                                     households).scalars().all()
                ids = sorted(first)
                for index, row in enumerate(rows):
                    home = households[index // HOUSEHOLD_SIZE]
                    row["household_id"] = ids[index // HOUSEHOLD_SIZE]
                    row["village_id"] = home["village_id"]
                    if generator.rng.random() < 0.3:
                        row["skills"] = "普工"
                conn.execute(insert(Worker.__table__), rows)
            done += len(rows)
        started = time.perf_counter()
        with engine.begin() as conn:  # Core inserts pass by the ORM hook: rebuild the candidate index
            rows = match_index.rebuild(conn)
        print(f"  candidate index rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return household_serial


def make_job(app, village_ids):
    with app.app_context():
        session = db.session
        employer = Employer(name="基准测试用工单位", village_id=village_ids[VILLAGE_NAME], source_office="社保所")
        session.add(employer)
        session.flush()
        type_id = session.scalar(select(JobType.id).where(JobType.name == "普工"))
        job = Job(employer_id=employer.id, title="基准普工", job_type_id=type_id, headcount=10, status="招聘中",
                  village_id=village_ids[VILLAGE_NAME], source_office="社保所", age_min=18, age_max=60,
                  work_place=VILLAGE_NAME, published_on=date.today())
        session.add(job)
        session.commit()
        job_id = job.id
        session.remove()
    return job_id


def measure(app, username, job_id, repeat):
    times = []
    with app.app_context():
        session = db.session
        user = session.scalar(select(LingongUser).where(LingongUser.username == username))
        with acting_as(user):
            job = session.get(Job, job_id)
            count = len(matching.candidates_for_job(session, job))  # warm
            for _ in range(repeat):
                started = time.perf_counter()
                matching.candidates_for_job(session, job)
                times.append((time.perf_counter() - started) * 1000)
        session.remove()
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="bench-matching-"), "bench.db")
    name = make_url(url).database or ""
    if "bench" not in name and not args.force:
        sys.exit(f"refusing to empty database {name!r}: its name must contain 'bench' (or pass --force)")
    app = create_app(bench_config(url))
    reset_database(app)
    villages = prepare(app)
    job_id = make_job(app, villages)
    generator = WorkerGenerator(list(villages.values()))
    sizes = [int(s) for s in args.sizes.split(",")]
    have, serial, results = 0, 0, {}
    print(f"database: {make_url(url).get_backend_name()}  job: 普工 in {VILLAGE_NAME}, age 18–60, top {matching.DEFAULT_LIMIT}")
    for size in sizes:
        started = time.perf_counter()
        serial = grow(app, generator, size - have, serial)
        have = size
        print(f"\n{size:>9,} workers (filled in {time.perf_counter() - started:.0f} s)")
        for username, label in ((TOWN_USER[0], "社保所 (town)"), (VILLAGE_USER[0], "中塘村 specialist")):
            median, p95, count = measure(app, username, job_id, args.repeat)
            results[(size, username)] = median
            print(f"  {label:<20} median {median:8.1f} ms   p95 {p95:8.1f} ms   ({count} candidates listed)")
    first, last = sizes[0], sizes[-1]
    print()
    for username in (TOWN_USER[0], VILLAGE_USER[0]):
        ratio = results[(last, username)] / results[(first, username)]
        goal = results[(last, username)] < 200 and ratio <= 3
        print(f"{username}: {last:,}/{first:,} = {ratio:.1f}×, median at {last:,} = "
              f"{results[(last, username)]:.0f} ms — goal (<200 ms, ≤3×) {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
