"""The candidate index of the matching rule (app/services/match_index.py).

The index only prunes: a candidate list found through it must be exactly the list of
scoring every worker. The oracle here is the other direction of the rule,
``jobs_for_worker`` (one worker against the open jobs), which never touches the index: for
every worker the user can see, it gives that worker's score for each job, and sorting those
gives the expected list. The ledger is random but seeded, the lists are short (5) so the
pruning bound is high, and after every kind of change (form edits, a household member
finding work, job-type renames, the Excel import, a placement, a deletion) the lists are
compared again, and the maintained index is compared with a rebuild from scratch.
"""
import io
import random
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import db
from app.models import Employer, Household, Job, JobType, LingongUser, Village, Worker, WorkerMatchRank
from app.models.enums import EMPLOYMENT_STATUSES
from app.security.actor import acting_as
from app.services import match_index, matching
from app.services.ledgers import service as ledgers
from tests.conftest import make_id_number

TODAY = date.today()
LIMIT = 5
VILLAGES = ("中塘村", "兴泉村", "胜利村")
TYPES = ("普工", "泥瓦工", "厨师", "采茶工")


def _types(rng):
    if rng.random() < 0.25:
        return None
    return "、".join(rng.sample(TYPES, rng.randint(1, 2)))


def build_ledger(session, rng, households=120):
    villages = {v.name: v.id for v in session.scalars(select(Village).where(Village.name.in_(VILLAGES)))}
    statuses = list(EMPLOYMENT_STATUSES)
    serial, used = 0, set()
    for _ in range(households):
        village = rng.choice(VILLAGES)
        members = []
        for index in range(rng.randint(1, 4)):
            serial += 1
            id_number = None
            while id_number is None or id_number in used:
                birth = date(rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28))
                id_number = make_id_number(rng, birth, str(rng.randint(0, 9)))
            used.add(id_number)
            members.append(Worker(
                name=f"测{serial}", id_number=id_number,
                village_id=villages[village], employment_status=rng.choice(statuses[:3] * 3 + statuses),
                labor_capacity=rng.choice(("普通劳动力", "普通劳动力", "弱劳动力", "丧失劳动力")),
                is_poverty_alleviated=rng.random() < 0.3, is_monitored=rng.random() < 0.1,
                is_hard_to_employ=rng.random() < 0.1, wanted_job_types=_types(rng), skills=_types(rng),
                work_range=rng.choice(("镇内", "区内", "市内", "市外", "不限")),
                verified_on=TODAY - timedelta(days=rng.randint(0, 60)),
            ))
        head = members[0]
        household = Household(village_id=villages[village], head_name=head.name, head_id_number=head.id_number,
                              category=rng.choice(("脱贫户", "监测户", "一般户")))
        session.add(household)
        session.flush()
        for member in members:
            member.household_id = household.id
            session.add(member)
    session.commit()
    return villages


def make_jobs(session, villages):
    types = {t.name: t.id for t in session.scalars(select(JobType))}
    town = Employer(name="镇内单位", village_id=villages["中塘村"], source_office="社保所")
    away = Employer(name="区外单位", village_id=None, source_office="社保所")
    session.add_all([town, away])
    session.flush()
    jobs = [
        Job(employer_id=town.id, title="普工", job_type_id=types["普工"], status="招聘中", headcount=5,
            village_id=villages["中塘村"], age_min=18, age_max=50, source_office="社保所"),
        Job(employer_id=town.id, title="泥瓦工", job_type_id=types["泥瓦工"], status="招聘中", headcount=5,
            village_id=villages["兴泉村"], gender_req="男", source_office="社保所"),
        Job(employer_id=away.id, title="厨师", job_type_id=types["厨师"], status="招聘中", headcount=5,
            village_id=None, work_place="重庆市渝北区", source_office="社保所"),
        Job(employer_id=town.id, title="帮厨", job_type_id=types["帮厨"], status="招聘中", headcount=5,
            village_id=villages["胜利村"], source_office="社保所"),
    ]
    session.add_all(jobs)
    session.commit()
    return [job.id for job in jobs]


def expected(session, job_ids):
    """{job id: the list by scoring every visible worker}, through the worker-side query."""
    scored = {job_id: [] for job_id in job_ids}
    for worker in session.scalars(select(Worker)):
        for match in matching.jobs_for_worker(session, worker, limit=100, today=TODAY):
            if match.id in scored:
                scored[match.id].append((-match.score, -worker.verified_on.toordinal(), worker.id, match.score))
    return {job_id: [(worker_id, score) for *_key, worker_id, score in sorted(rows)[:LIMIT]]
            for job_id, rows in scored.items()}


def check_lists(session, job_ids):
    oracle = expected(session, job_ids)
    for job_id in job_ids:
        job = session.get(Job, job_id)
        got = [(m.id, m.score) for m in matching.candidates_for_job(session, job, limit=LIMIT, today=TODAY)]
        assert got == oracle[job_id], job.title
        assert len(got) == LIMIT, job.title  # the ledger is big enough to fill every list


def check_index(session):
    """The index as maintained equals the index rebuilt from the ledger."""
    rows = WorkerMatchRank.__table__

    def snapshot():
        return sorted(session.execute(select(rows.c.worker_id, rows.c.job_type_id, rows.c.village_id, rows.c.rank,
                                             rows.c.verified_on)
                                      ).all(), key=lambda r: (r[0], r[1]))

    maintained = snapshot()
    assert maintained, "the index is empty"
    match_index.rebuild(session.connection())
    assert snapshot() == maintained
    session.rollback()


@pytest.fixture()
def ledger(app):
    with app.app_context():
        session = db.session
        rng = random.Random(20241205)
        villages = build_ledger(session, rng)
        job_ids = make_jobs(session, villages)
        yield session, rng, job_ids


@pytest.mark.parametrize("walk_depth", [matching.MAX_WALK_DEPTH, 0], ids=["index-walks", "filtered-walks"])
def test_lists_through_the_index_equal_scoring_everyone(ledger, monkeypatch, walk_depth):
    session, _rng, job_ids = ledger
    monkeypatch.setattr(matching, "MAX_WALK_DEPTH", walk_depth)  # 0: the walk that filters as it goes
    check_index(session)
    check_lists(session, job_ids)


def test_a_village_specialist_gets_the_same_list_as_scoring_their_village(ledger):
    session, _rng, job_ids = ledger
    specialist = session.scalar(select(LingongUser).where(LingongUser.username == "zhongtang"))
    with acting_as(specialist):
        check_lists(session, job_ids)
        village = session.scalar(select(Village.id).where(Village.name == "中塘村"))
        for job_id in job_ids:
            job = session.get(Job, job_id)
            ids = [m.id for m in matching.candidates_for_job(session, job, limit=LIMIT, today=TODAY)]
            assert {session.get(Worker, i).village_id for i in ids} == {village}


def test_form_edits_keep_the_index_in_step(ledger):
    session, rng, job_ids = ledger
    workers = session.scalars(select(Worker).order_by(Worker.id)).all()
    # Someone in a key household finds work: the rest of the household loses 本户尚无人就业.
    idle_key = [w for w in workers if w.household_id and w.employment_status == "未就业"
                and w.is_poverty_alleviated and w.labor_capacity != "丧失劳动力"]
    for worker in idle_key[:5]:
        worker.employment_status = "就地就近务工"
    # Wanted job types, skills, flags, capacity and villages change.
    for worker in rng.sample(workers, 30):
        worker.wanted_job_types = _types(rng)
        worker.skills = _types(rng)
        worker.is_hard_to_employ = not worker.is_hard_to_employ
        worker.labor_capacity = rng.choice(("普通劳动力", "弱劳动力"))
    mover = next(w for w in workers if w.household_id and w.employment_status in ("就地就近务工", "市外务工"))
    mover.household_id = None  # leaves the household: the others may become 本户尚无人就业
    session.commit()
    check_index(session)
    check_lists(session, job_ids)
    # A worker leaves the ledger; the rows go with them.
    gone = next(w for w in workers if w.employment_status == "未就业" and w.household_id)
    gone_id = gone.id
    session.delete(gone)
    session.commit()
    assert session.scalars(select(WorkerMatchRank).where(WorkerMatchRank.worker_id == gone_id)).all() == []
    check_index(session)
    check_lists(session, job_ids)


def test_renamed_and_new_job_types_are_indexed(ledger):
    session, _rng, job_ids = ledger
    cook = session.scalar(select(JobType).where(JobType.name == "厨师"))
    cook.name = "厨师长"  # the ledger's 厨师 no longer names this type
    session.commit()
    assert session.scalars(select(WorkerMatchRank).where(WorkerMatchRank.job_type_id == cook.id)).all() == []
    check_index(session)
    cook.name = "厨师"
    session.commit()
    for worker in session.scalars(select(Worker).where(Worker.employment_status == "未就业").limit(8)):
        worker.wanted_job_types = "果园工、" + (worker.wanted_job_types or "普工")  # not in the dictionary yet
    session.commit()
    orchard = JobType(name="果园工", sort_order=99)
    session.add(orchard)
    session.commit()
    assert session.scalars(select(WorkerMatchRank).where(WorkerMatchRank.job_type_id == orchard.id)).all()
    # A job type leaves the dictionary: its rows go (job types are not foreign keys of the index).
    tea = session.scalar(select(JobType).where(JobType.name == "采茶工"))
    assert session.scalars(select(WorkerMatchRank).where(WorkerMatchRank.job_type_id == tea.id)).all()
    session.delete(tea)
    session.commit()
    assert session.scalars(select(WorkerMatchRank).where(WorkerMatchRank.job_type_id == tea.id)).all() == []
    check_index(session)
    check_lists(session, job_ids)


def test_the_excel_import_keeps_the_index_in_step(ledger):
    session, rng, job_ids = ledger
    exported = ledgers.export_ledger(session, "workers", unmasked=True)
    book = load_workbook(io.BytesIO(exported[0]))
    sheet = book.active
    header_row = next(r for r in range(1, 6) if sheet.cell(r, 1).value and "姓名" in [c.value for c in sheet[r]])
    headers = {c.value.replace("*", ""): c.column for c in sheet[header_row] if c.value}
    status_col, wanted_col = headers["就业状态"], headers["求职意向"]
    for row in range(header_row + 1, sheet.max_row + 1):
        if rng.random() < 0.3:
            sheet.cell(row, status_col).value = rng.choice(("未就业", "市外务工", "季节性闲置"))
            sheet.cell(row, wanted_col).value = _types(rng)
    data = io.BytesIO()
    book.save(data)
    result = ledgers.import_ledger(session, "workers", data.getvalue(), "台账.xlsx", skip_invalid=False)
    assert result.written and result.updated > 10, [str(e) for e in result.errors][:5]
    check_index(session)
    check_lists(session, job_ids)


def test_a_placement_keeps_the_index_in_step(ledger):
    session, _rng, job_ids = ledger
    job = session.get(Job, job_ids[0])
    first = matching.candidates_for_job(session, job, limit=LIMIT, today=TODAY)
    made = matching.refer(session, job, [m.id for m in first[:2]], today=TODAY)
    for referral in made:
        matching.move_referral(session, referral, "已上岗", start_date=TODAY)
    check_index(session)
    check_lists(session, job_ids)
    placed = {m.id for m in first[:2]}
    assert not placed & {m.id for m in matching.candidates_for_job(session, session.get(Job, job_ids[0]),
                                                                   limit=LIMIT, today=TODAY)}


def test_reindex_command_picks_up_workers_written_past_the_application(app, ledger):
    session, _rng, job_ids = ledger
    job = session.get(Job, job_ids[0])
    best = matching.candidates_for_job(session, job, limit=1, today=TODAY)[0]
    # A worker written with plain SQL (as a migration script or a database tool would) who
    # outscores everyone: the index does not know them until it is rebuilt.
    columns = {c.name: getattr(session.get(Worker, best.id), c.name) for c in Worker.__table__.columns}
    del columns["id"]
    columns.update(id_number=make_id_number(random.Random(7), date(1990, 1, 1), "3"), name="直写人员",
                   verified_on=TODAY, is_monitored=True, is_hard_to_employ=True, skills="普工")
    session.execute(Worker.__table__.insert().values(**columns))
    session.commit()
    new_id = session.scalar(select(Worker.id).where(Worker.name == "直写人员"))
    assert new_id not in [m.id for m in matching.candidates_for_job(session, job, limit=LIMIT, today=TODAY)]
    result = app.test_cli_runner().invoke(args=["matching", "reindex"])
    assert result.exit_code == 0, result.output
    assert "匹配候选索引已重建" in result.output
    session.expire_all()
    assert matching.candidates_for_job(session, job, limit=LIMIT, today=TODAY)[0].id == new_id


def test_the_migration_fills_the_index_as_the_application_keeps_it(app, ledger):
    """Upgrading a database that already has workers (0004 → 0005) gives the same index rows."""
    from flask_migrate import downgrade, upgrade

    session, _rng, _job_ids = ledger
    rows = WorkerMatchRank.__table__
    columns = (rows.c.worker_id, rows.c.job_type_id, rows.c.village_id, rows.c.rank, rows.c.verified_on)
    kept = sorted(session.execute(select(*columns)).all())
    assert len(kept) > 100
    session.remove()
    downgrade(directory=app.config["MIGRATIONS_DIR"], revision="0004_merge")
    upgrade(directory=app.config["MIGRATIONS_DIR"], revision="heads")
    assert sorted(db.session.execute(select(*columns)).all()) == kept
