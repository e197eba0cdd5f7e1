"""The matching rule, referral → placement transitions and 一户一人一就业, on small hand-built cases."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.models import Job, JobType, LingongUser, OperationLog, Placement, Referral, Worker
from app.security.actor import acting_as
from app.services import matching

TODAY = date(2024, 6, 15)


def born(age, today=TODAY):
    return date(today.year - age, 3, 1)


@pytest.fixture()
def world(factory):
    """An open 普工 job in 中塘村 with an 18–55 age range; nobody else."""
    employer = factory.employer(name="中塘测试工厂", village="中塘村")
    job = factory.job(employer, title="普工岗位", status="招聘中", headcount=2, age_min=18, age_max=55,
                      work_place="中塘村", wage_amount=150, wage_unit="元/天")
    return {"employer": employer, "job": job}


def worker(factory, age=35, male=True, **kw):
    kw.setdefault("verified_on", TODAY - timedelta(days=100))
    kw.setdefault("employment_status", "未就业")
    return factory.worker(id_number=factory.id_number(birth=born(age), male=male), **kw)


def ranked(job_id, today=TODAY):
    job = db.session.get(Job, job_id)
    return matching.candidates_for_job(db.session, job, today=today)


def reasons(match):
    return {str(label) for label, _ in match.reasons}


def test_each_reason_adds_its_points_and_score_is_their_sum(app, factory, world):
    plain = worker(factory, village="兴泉村", name="甲")
    full = worker(factory, village="中塘村", name="乙", wanted_job_types="泥瓦工、普工", skills="普工",
                  is_poverty_alleviated=True, is_monitored=True, is_hard_to_employ=True,
                  household_id=factory.household(category="脱贫户").id, verified_on=TODAY - timedelta(days=3))
    with app.app_context():
        rows = {m.id: m for m in ranked(world["job"].id)}
    assert reasons(rows[plain.id]) == {"同镇", "年龄符合"}  # the job gives an age range the worker is in
    assert rows[full.id].id == ranked_first(app, world)
    assert reasons(rows[full.id]) == {"工种相符(求职意向)", "工种相符(技能特长)", "同村", "脱贫户优先", "监测户优先",
                                      "就业困难人员", "本户尚无人就业", "近期核实", "年龄符合"}
    for m in rows.values():
        assert m.score == sum(points for _, points in m.reasons)
    assert rows[full.id].score == 30 + 20 + 20 + 15 + 15 + 10 + 15 + 5 + 5


def ranked_first(app, world):
    with app.app_context():
        return ranked(world["job"].id)[0].id


def test_age_reason_for_prime_age_when_the_job_gives_none(app, factory):
    employer = factory.employer(name="无年龄要求单位", village=None)
    job = factory.job(employer, status="招聘中", village=None, work_place="重庆市渝北区")
    young = worker(factory, age=30, work_range="市内")
    older = worker(factory, age=60, work_range="镇内")
    with app.app_context():
        rows = {m.id: m for m in ranked(job.id)}
    assert reasons(rows[young.id]) == {"年龄符合", "意向范围相符"}
    assert reasons(rows[older.id]) == set()  # outside the town, wants 镇内 only; over 55


def wanted_reason_for(app, factory, type_name, wanted):
    """{wanted job types: whether 工种相符(求职意向) is given} for an open job of type ``type_name``
    (added to the dictionary if missing), one worker per entry of ``wanted``."""
    employer = factory.employer(name=f"{type_name}用工单位", village="中塘村")
    with app.app_context():
        job_type = db.session.scalar(select(JobType).where(JobType.name == type_name))
        if job_type is None:
            job_type = JobType(name=type_name, sort_order=99)
            db.session.add(job_type)
            db.session.flush()
        job = Job(employer_id=employer.id, title=type_name, job_type_id=job_type.id, status="招聘中",
                  village_id=employer.village_id, source_office="村(社区)采集")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    people = {names: worker(factory, wanted_job_types=names).id for names in wanted}
    with app.app_context():
        rows = {m.id: m for m in ranked(job_id)}
    return {names: "工种相符(求职意向)" in reasons(rows[person]) for names, person in people.items()}


def test_wanted_job_type_matches_whole_names_only(app, factory):
    assert wanted_reason_for(app, factory, "厨师", ["帮厨", "厨师", "帮厨、厨师"]) == {
        "帮厨": False, "厨师": True, "帮厨、厨师": True}


def test_percent_and_underscore_in_a_job_type_name_are_not_wildcards(app, factory):
    """A dictionary name such as “电_工” matches “电_工” only, not 电焊工 (SQL LIKE would)."""
    assert wanted_reason_for(app, factory, "电_工", ["电焊工", "电_工"]) == {"电焊工": False, "电_工": True}
    assert wanted_reason_for(app, factory, "100%工", ["100元工", "100%工"]) == {"100元工": False, "100%工": True}


@pytest.mark.parametrize("case", ["employed", "not_seeking", "no_capacity", "too_old", "too_young", "gender", "weak_heavy"])
def test_each_hard_filter_excludes(app, factory, world, case):
    kw = {}
    if case == "employed":
        kw["employment_status"] = "市外务工"
    elif case == "not_seeking":
        kw["employment_status"] = "无就业意愿"
    elif case == "no_capacity":
        kw["labor_capacity"] = "丧失劳动力"
    elif case == "too_old":
        kw["age"] = 56
    elif case == "too_young":
        kw["age"] = 17
    elif case == "weak_heavy":
        kw["labor_capacity"] = "弱劳动力"
    male = case != "gender"
    w = worker(factory, male=male, **kw)
    with app.app_context():
        job = db.session.get(Job, world["job"].id)
        if case == "gender":
            job.gender_req = "男"
        if case == "weak_heavy":
            job.job_type_id = db.session.scalar(select(JobType.id).where(JobType.name == "搬运装卸工"))
        db.session.commit()
        ids = [m.id for m in ranked(job.id)]
    assert w.id not in ids


@pytest.mark.parametrize("status", ["灵活就业", "季节性闲置", "未就业"])
def test_flexible_and_seasonal_workers_stay_candidates(app, factory, world, status):
    w = worker(factory, employment_status=status)
    with app.app_context():
        assert w.id in [m.id for m in ranked(world["job"].id)]


def test_weak_labour_fits_light_work(app, factory, world):
    w = worker(factory, labor_capacity="弱劳动力")
    with app.app_context():
        assert w.id in [m.id for m in ranked(world["job"].id)]


def test_ties_break_by_recent_verification_then_id(app, factory, world):
    a = worker(factory, verified_on=TODAY - timedelta(days=200))
    b = worker(factory, verified_on=TODAY - timedelta(days=100))
    c = worker(factory, verified_on=TODAY - timedelta(days=100))
    with app.app_context():
        rows = ranked(world["job"].id)
    assert len({m.score for m in rows}) == 1
    assert [m.id for m in rows] == [b.id, c.id, a.id]


def test_household_whose_only_employed_member_leaves(app, factory, world):
    home = factory.household(category="脱贫户")
    seeker = worker(factory, household_id=home.id)
    earner = worker(factory, household_id=home.id, employment_status="就地就近务工")
    with app.app_context():
        assert "本户尚无人就业" not in reasons(ranked(world["job"].id)[0])
        cover = matching.household_coverage(db.session)
        village = db.session.get(Worker, seeker.id).village_id
        assert (cover[village].households, cover[village].covered) == (1, 1)
        placement = Placement(worker_id=earner.id, village_id=village, employer_name="某厂", start_date=TODAY)
        db.session.add(placement)
        db.session.commit()
        matching.end_placement(db.session, placement, TODAY)
        assert db.session.get(Worker, earner.id).employment_status == "未就业"
        cover = matching.household_coverage(db.session)
        assert (cover[village].households, cover[village].covered, cover[village].fraction) == (1, 0, 0.0)
        rows = {m.id: m for m in ranked(world["job"].id)}
        assert "本户尚无人就业" in reasons(rows[seeker.id])
        total, households = matching.households_without_work(db.session)
        assert total == 1 and households[0].id == home.id


def test_coverage_counts_only_key_households_with_labour(app, factory):
    general = factory.household(category="一般户")
    worker(factory, household_id=general.id)
    no_labour = factory.household(category="监测户")
    worker(factory, household_id=no_labour.id, labor_capacity="丧失劳动力")
    retired = factory.household(category="脱贫户")
    worker(factory, household_id=retired.id, employment_status="无就业意愿")
    with app.app_context():
        assert matching.household_coverage(db.session) == {}
        village = factory.village("兴泉村").id
        assert matching.household_coverage(db.session, [village])[village].fraction == 1.0


def test_jobs_for_worker_uses_the_same_rule(app, factory, world):
    other = factory.employer(name="镇外单位", village=None)
    outside = factory.job(other, title="镇外普工", status="招聘中", village=None, work_place="浙江省宁波市")
    factory.job(other, title="未发布", status="待发布", village=None)
    w = worker(factory, wanted_job_types="普工", work_range="不限")
    with app.app_context():
        me = db.session.get(Worker, w.id)
        jobs = matching.jobs_for_worker(db.session, me, today=TODAY)
        by_id = {m.id: m for m in jobs}
        assert set(by_id) == {world["job"].id, outside.id}
        assert jobs[0].id == world["job"].id
        assert reasons(by_id[world["job"].id]) == {"工种相符(求职意向)", "同村", "年龄符合"}
        assert reasons(by_id[outside.id]) == {"工种相符(求职意向)", "意向范围相符", "年龄符合"}
        # the same pair scores the same in both directions
        forward = {m.id: m.score for m in ranked(world["job"].id)}
        assert forward[w.id] == by_id[world["job"].id].score


def test_referral_to_placement_and_headcount(app, factory, world):
    a, b, c = (worker(factory, name=n) for n in "ABC")
    with app.app_context():
        session = db.session
        job = session.get(Job, world["job"].id)
        made = matching.refer(session, job, [a.id, b.id, c.id], today=TODAY)
        assert [r.status for r in made] == ["已推荐"] * 3
        assert matching.refer(session, job, [a.id]) == []  # already referred: skipped
        assert a.id not in [m.id for m in ranked(job.id)]
        ra, rb, rc = made
        with pytest.raises(matching.MatchingError):
            matching.move_referral(session, ra, "已推荐")
        matching.move_referral(session, ra, "已对接")
        placement = matching.move_referral(session, ra, "已上岗", start_date=TODAY)
        w = session.get(Worker, a.id)
        assert (w.employment_status, w.employer_name, w.work_place) == ("就地就近务工", "中塘测试工厂", "中塘村")
        assert (placement.kind, placement.daily_wage, placement.village_id) == ("就地就近", 150, w.village_id)
        assert session.get(Job, job.id).status == "招聘中"
        matching.move_referral(session, rb, "已上岗", start_date=TODAY)
        assert session.get(Job, job.id).status == "已招满"
        assert session.scalar(select(OperationLog).where(OperationLog.resource == "job", OperationLog.action == "修改"))
        with pytest.raises(matching.MatchingError):
            matching.move_referral(session, rc, "已上岗")
        assert session.get(Referral, rc.id).status == "已推荐"  # rolled back
        matching.move_referral(session, rc, "未成功")
        with pytest.raises(matching.MatchingError):
            matching.move_referral(session, rc, "已对接")
        with pytest.raises(matching.MatchingError):
            matching.refer(session, session.get(Job, job.id), [c.id])  # no longer 招聘中


def test_placement_rolls_back_whole_when_a_step_fails(app, factory, world, monkeypatch):
    a = worker(factory)
    with app.app_context():
        session = db.session
        referral = matching.refer(session, session.get(Job, world["job"].id), [a.id])[0]

        def boom(*_args):
            raise RuntimeError("boom")

        monkeypatch.setattr(matching, "_set_job_status", boom)
        session.get(Job, world["job"].id).headcount = 1
        session.commit()
        with pytest.raises(RuntimeError):
            matching.move_referral(session, referral, "已上岗")
        assert session.scalar(select(Placement.id)) is None
        assert session.get(Worker, a.id).employment_status == "未就业"
        assert session.get(Referral, referral.id).status == "已推荐"


@pytest.mark.parametrize("place, village, expected", [
    ("中塘村", "中塘村", "就地就近务工"), ("黔江区城区", None, "就地就近务工"), (None, None, "就地就近务工"),
    ("重庆市渝北区", None, "区外市内务工"), ("浙江省宁波市", None, "市外务工"),
])
def test_employment_status_for_a_job(app, factory, place, village, expected):
    employer = factory.employer(name=f"单位{place}", village=village)
    job = factory.job(employer, status="招聘中", village=village, work_place=place)
    with app.app_context():
        assert matching.employment_status_for(db.session.get(Job, job.id)) == expected


def test_ending_a_placement_keeps_another_active_one(app, factory, world):
    a = worker(factory)
    with app.app_context():
        session = db.session
        village = session.get(Worker, a.id).village_id
        first = Placement(worker_id=a.id, village_id=village, start_date=TODAY)
        second = Placement(worker_id=a.id, village_id=village, start_date=TODAY)
        session.get(Worker, a.id).employment_status = "灵活就业"
        session.add_all([first, second])
        session.commit()
        matching.end_placement(session, first, TODAY)
        assert session.get(Worker, a.id).employment_status == "灵活就业"
        with pytest.raises(matching.MatchingError):
            matching.end_placement(session, first, TODAY)
        matching.end_placement(session, second, TODAY)
        assert session.get(Worker, a.id).employment_status == "未就业"


def test_village_rule_on_candidates_referrals_and_placements(app, factory, world):
    mine = worker(factory, village="中塘村")
    theirs = worker(factory, village="兴泉村")
    with app.app_context():
        session = db.session
        job = session.get(Job, world["job"].id)
        everyone = {m.id for m in ranked(job.id)}
        assert {mine.id, theirs.id} <= everyone
        matching.refer(session, job, [theirs.id])
        session.expunge_all()
        specialist = session.scalar(select(LingongUser).where(LingongUser.username == "zhongtang"))
        with acting_as(specialist):
            job = session.get(Job, world["job"].id)
            assert {m.id for m in matching.candidates_for_job(session, job, today=TODAY)} == {mine.id}
            assert session.scalars(select(Referral)).all() == []
            with pytest.raises(matching.MatchingError):
                matching.refer(session, job, [theirs.id])
            made = matching.refer(session, job, [mine.id])
            placement = matching.move_referral(session, made[0], "已上岗")
            assert placement.village_id == session.get(Worker, mine.id).village_id
            assert [p.id for p in session.scalars(select(Placement))] == [placement.id]
        session.expunge_all()
        session.rollback()
        assert len(session.scalars(select(Referral)).all()) == 2
