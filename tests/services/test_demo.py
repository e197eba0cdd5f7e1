"""The demo generator: a few months of the market's work, made through the services and consistent
with the rules they keep (placed counts, employment statuses, the dispute machine, weekly reports)."""
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import db
from app.models import (
    Dispute,
    DisputeEvent,
    Job,
    Placement,
    Referral,
    ScoringPeriod,
    Subsidy,
    VillageScore,
    WeeklyReport,
    Worker,
)
from app.models.enums import (
    DISPUTE_CONCLUDED_STATUSES,
    EMPLOYED_STATUSES,
    JOB_STATUSES,
    REFERRAL_STATUSES,
)
from app.models.reporting import REPORT_DRAFT, REPORT_SUBMITTED
from app.services import bootstrap, demo, disputes, matching, reports
from app.services.database import drop_everything

# A Wednesday in 2025 after scoring starts (4月中旬), so both scoring periods can be made.
TODAY = date(2025, 6, 18)
WORKERS = 250


@pytest.fixture()
def generated(session):
    demo.generate(session, workers=WORKERS, today=TODAY)
    session.expire_all()
    return session


def _all(session, model, *where):
    return session.scalars(select(model).where(*where).order_by(model.id)).all()


def test_referrals_and_placements_follow_the_matching_rules(generated):
    session = generated
    referrals = _all(session, Referral)
    assert set(Counter(r.status for r in referrals)) == set(REFERRAL_STATUSES)
    assert len(referrals) <= 400
    assert set(session.scalars(select(Job.status))) == set(JOB_STATUSES)

    placements = _all(session, Placement)
    assert placements
    by_referral = Counter(p.referral_id for p in placements)
    for referral in referrals:
        assert by_referral.get(referral.id, 0) == (1 if referral.status == "已上岗" else 0), referral
        assert referral.village_id == referral.worker.village_id
        assert referral.job.published_on <= referral.referred_on <= TODAY
    for placement in placements:
        assert placement.referral.status == "已上岗"
        assert placement.start_date <= TODAY
        if placement.end_date is None:
            assert placement.worker.employment_status in EMPLOYED_STATUSES, placement
            assert placement.worker.employer_name == placement.employer_name
        else:
            assert placement.start_date <= placement.end_date
            assert placement.job.status == "已结束"
    active = Counter(p.job_id for p in placements if p.end_date is None)
    for job in _all(session, Job):
        assert active.get(job.id, 0) <= job.headcount, job
        if job.status == "已招满":  # reached through its placements, not written by hand
            assert active[job.id] == job.headcount, job
        if job.status in ("待发布",):
            assert job.published_on is None and not any(r.job_id == job.id for r in referrals)
    # A worker's placements never overlap.
    for worker_id, count in Counter(p.worker_id for p in placements if p.end_date is None).items():
        assert count == 1, worker_id
    # Referrals favour the key households where nobody works (本户尚无人就业): most are covered.
    coverage = matching.household_coverage(session).values()
    assert sum(c.households for c in coverage) >= sum(c.covered for c in coverage) > 0.6 * sum(c.households for c in coverage)


def test_disputes_pass_through_the_status_machine(generated):
    session = generated
    cases = _all(session, Dispute)
    assert 8 <= len(cases) <= 60
    statuses = Counter(c.status for c in cases)
    assert {"已登记", "调解中", "调解成功"} <= set(statuses)
    assert len(set(statuses) & set(DISPUTE_CONCLUDED_STATUSES)) >= 3
    # Numbered per year in the order received.
    assert [c.case_no for c in sorted(cases, key=lambda c: (c.received_on, c.id))] == [
        f"JF-2025-{n:03d}" for n in range(1, len(cases) + 1)]
    for flag in (disputes.FLAG_OVERDUE, disputes.FLAG_DUE_SOON, disputes.FLAG_ACCEPTANCE_LATE):
        assert disputes.count_flagged(session, flag, today=TODAY) >= 1, flag
    for case in cases:
        assert case.received_on <= TODAY and case.deadline == case.received_on + timedelta(days=15)
        assert re.fullmatch(r"[\u4e00-\u9fff、等0-9人]+", case.applicant_names), case.applicant_names
        assert case.description and case.respondent_name
        actions = [e.action for e in case.events]
        assert (case.status == "已登记") == (not actions), case
        if case.status in DISPUTE_CONCLUDED_STATUSES:
            assert case.closed_on is not None and "结案" in actions or "移交" in actions
        if case.accepted_on:
            assert actions[0] == "受理" and case.handler
        if case.status == "调解成功":
            assert case.agreement and case.amount_recovered is not None
        assert all(case.received_on <= e.happened_on <= TODAY for e in case.events)
    assert session.scalar(select(func.count(DisputeEvent.id)).where(DisputeEvent.action == "回访")) >= 1
    assert len(set(session.scalars(select(Subsidy.status)))) >= 3


def test_weekly_reports_and_scoring_of_the_recent_weeks(generated):
    session = generated
    rows = _all(session, WeeklyReport)
    weeks = reports.recent_weeks(TODAY, 8)
    assert {(r.year, r.week) for r in rows} <= set(weeks)
    assert len(rows) < 5 * len(weeks)  # a few weeks were never reported
    by_status = Counter(r.status for r in rows)
    assert by_status[REPORT_SUBMITTED] > by_status[REPORT_DRAFT] > 0
    submitted = [r for r in rows if r.status == REPORT_SUBMITTED]
    assert all(r.summary and r.submitted_at for r in submitted)
    assert {reports.is_on_time(r) for r in submitted} == {True, False}
    assert {r.channel for r in submitted} >= {"系统报送"}
    assert all(r.status == REPORT_DRAFT for r in rows if (r.year, r.week) == weeks[-1])

    periods = _all(session, ScoringPeriod)
    assert [p.key for p in periods] == ["2025-05-3", "2025-06-1"]
    assert [p.published for p in periods] == [True, False]
    for period in periods:
        assert session.scalar(select(func.count(VillageScore.id)).where(VillageScore.period_id == period.id)) == 5


def _fingerprint(session):
    return (
        session.execute(select(Worker.id_number, Worker.employment_status).order_by(Worker.id)).all(),
        session.execute(select(Referral.job_id, Referral.worker_id, Referral.status, Referral.referred_on)
                        .order_by(Referral.id)).all(),
        session.execute(select(Dispute.case_no, Dispute.status, Dispute.applicant_names, Dispute.closed_on)
                        .order_by(Dispute.id)).all(),
        session.execute(select(WeeklyReport.village_id, WeeklyReport.week, WeeklyReport.status,
                               WeeklyReport.submitted_at).order_by(WeeklyReport.id)).all(),
        session.execute(select(VillageScore.village_id, VillageScore.total).order_by(VillageScore.id)).all(),
    )


def test_the_same_seed_and_day_give_the_same_demo(app, session):
    demo.generate(session, workers=120, seed=7, today=TODAY)
    first = _fingerprint(session)
    session.remove()
    drop_everything(db.engine)
    bootstrap.initialise(app.appbuilder)
    demo.generate(db.session, workers=120, seed=7, today=TODAY)
    assert _fingerprint(db.session) == first


def test_a_second_run_adds_to_the_demo(session):
    demo.generate(session, workers=60, today=TODAY)
    cases = session.scalar(select(func.count(Dispute.id)))
    assert demo.generate(session, workers=60, seed=99, today=TODAY) >= 60
    assert session.scalar(select(func.count(Dispute.id))) > cases
    assert session.scalar(select(func.count(ScoringPeriod.id))) == 2
