"""The 10-day scoring of SPEC §4 against a hand-computed fixture, with its boundaries."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from app import db
from app.models import Dispute, ScoringPeriod, Village, WeeklyReport
from app.services import scoring
from app.services.scoring import Period, ScoringError

# 2024-04-3 is 2024年4月下旬: 21–30 April; its Sundays are 21 April (ISO week 16) and
# 28 April (week 17); end − 29 days = 1 April.
KEY = "2024-04-3"
AFTER = datetime(2024, 5, 2, 9, 0)


def _report(village_id, week, submitted_at, status="已报送"):
    return WeeklyReport(village_id=village_id, year=2024, week=week, status=status, submitted_at=submitted_at)


def _dispute(village_id, n, received_on, status="已登记", closed_on=None):
    return Dispute(village_id=village_id, case_no=f"JF-2024-{n:03d}", received_on=received_on,
                   applicant_names="申请人", respondent_name="某公司", status=status, closed_on=closed_on)


def _distinct_ids(factory):
    """The factory's ID numbers vary only in a random sequence code: vary the birth date too."""
    made = factory.worker
    births = iter(date(1960, 1, 1) + timedelta(days=7 * n) for n in range(10_000))

    def worker(village="中塘村", **kw):
        kw.setdefault("id_number", factory.id_number(birth=next(births)))
        return made(village, **kw)

    factory.worker = worker
    return factory


def build_fixture(app, factory):
    """Returns {village name: id}. Expected figures are written next to each row."""
    factory = _distinct_ids(factory)
    with app.app_context():
        ids = dict(db.session.execute(select(Village.name, Village.id)).all())
    zt, sl = "中塘村", "胜利村"
    # I2 中塘村: labour-force workers verified 1 Apr (= end − 29: counts), 31 Mar (no),
    # 30 Apr (yes), 1 May (after end: no) → 2/4; two outside the labour force are not counted.
    for verified in (date(2024, 4, 1), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 1)):
        factory.worker(zt, verified_on=verified)
    factory.worker(zt, verified_on=date(2024, 4, 15), labor_capacity="丧失劳动力")
    factory.worker(zt, verified_on=date(2024, 4, 15), employment_status="无就业意愿")
    # I2 胜利村: 1/4 → 25 × 1/4 = 6.25 (the half-up case: total 41.25 → 41.3).
    for verified in (date(2024, 4, 20), date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 1)):
        factory.worker(sl, verified_on=verified)
    # I4 中塘村: key household with an employed member (covered), one with only an idle
    # labour-force member (not covered); a key household without labour and an ordinary
    # household are not counted → 1/2.
    covered = factory.household(zt, "脱贫户", head_name="甲户")
    factory.worker(zt, household_id=covered.id, employment_status="就地就近务工", verified_on=date(2023, 1, 1),
                   labor_capacity="丧失劳动力")
    factory.worker(zt, household_id=covered.id, employment_status="未就业", verified_on=date(2023, 1, 1))
    idle = factory.household(zt, "监测户", head_name="乙户")
    factory.worker(zt, household_id=idle.id, employment_status="未就业", verified_on=date(2023, 1, 1))
    no_labour = factory.household(zt, "脱贫户", head_name="丙户")
    factory.worker(zt, household_id=no_labour.id, labor_capacity="丧失劳动力", verified_on=date(2023, 1, 1))
    ordinary = factory.household(zt, "一般户", head_name="丁户")
    factory.worker(zt, household_id=ordinary.id, employment_status="未就业", verified_on=date(2023, 1, 1))
    # → 中塘村 labour force for I2: the 4 above + 3 household members verified 2023 → 2/7.
    # I3 中塘村: collected 21 Apr (in), 20 Apr and 1 May (out) → 1/2.
    employer = factory.employer()
    for collected in (date(2024, 4, 21), date(2024, 4, 20), date(2024, 5, 1)):
        factory.job(employer, collected_on=collected)
    factory.job(employer, collected_on=date(2024, 4, 25), village=None, source_office="社保所")  # no village
    with app.app_context():
        session = db.session
        # I1 中塘村: week 16 at 23:59 on Sunday 21 Apr (on time), week 17 at 00:00 on Monday
        # 29 Apr (late) → 1/2; 胜利村: a draft for week 16 does not count → 0/2.
        session.add_all([
            _report(ids[zt], 16, datetime(2024, 4, 21, 23, 59)),
            _report(ids[zt], 17, datetime(2024, 4, 29, 0, 0)),
            _report(ids[sl], 16, None, status="草稿"),
            _report(ids[zt], 18, datetime(2024, 5, 1, 8, 0)),  # week 18's Sunday is in May
        ])
        # I5 中塘村: due 30 Apr, closed 30 Apr (in time); due 25 Apr 不予受理 closed 12 Apr (in
        # time); due 22 Apr still 调解中 (no); due 28 Apr closed 29 Apr (late); due 1 May
        # (another period) → 2/4.
        session.add_all([
            _dispute(ids[zt], 1, date(2024, 4, 15), "调解成功", date(2024, 4, 30)),
            _dispute(ids[zt], 2, date(2024, 4, 10), "不予受理", date(2024, 4, 12)),
            _dispute(ids[zt], 3, date(2024, 4, 7), "调解中"),
            _dispute(ids[zt], 4, date(2024, 4, 13), "调解成功", date(2024, 4, 29)),
            _dispute(ids[zt], 5, date(2024, 4, 16), "调解成功", date(2024, 4, 20)),
        ])
        session.commit()
    return ids


# 中塘村: 25×1/2 + 25×2/7 + 15×1/2 + 25×1/2 + 10×2/4 = 12.5 + 7.142857… + 7.5 + 12.5 + 5 = 44.642857… → 44.6
# 胜利村: 0 + 25×1/4 + 0 + 25 + 10 = 41.25 → 41.3 (half-up)
# 兴泉村, 迎新村, 双石村: 0 + 25 + 0 + 25 + 10 = 60.0 (nothing to count: 1; I1 and I3 count 0)
EXPECTED = [
    # village, I1, I2, I3, I4, I5, total, rank
    ("兴泉村", (0, 2), (0, 0), (0, 2), (0, 0), (0, 0), Decimal("60.0"), 1),
    ("迎新村", (0, 2), (0, 0), (0, 2), (0, 0), (0, 0), Decimal("60.0"), 1),
    ("双石村", (0, 2), (0, 0), (0, 2), (0, 0), (0, 0), Decimal("60.0"), 1),
    ("中塘村", (1, 2), (2, 7), (1, 2), (1, 2), (2, 4), Decimal("44.6"), 4),
    ("胜利村", (0, 2), (1, 4), (0, 2), (0, 0), (0, 0), Decimal("41.3"), 5),
]


def test_each_indicator_total_and_rank_against_the_hand_computed_fixture(app, factory):
    build_fixture(app, factory)
    with app.app_context():
        row = scoring.compute(db.session, KEY, now=AFTER)
        lines = scoring.score_lines(db.session, row)
        got = [(l.village, *(l.counts[n] for n in ("I1", "I2", "I3", "I4", "I5")), l.total, l.rank) for l in lines]
        assert got == EXPECTED
        assert (row.start_on, row.end_on) == (date(2024, 4, 21), date(2024, 4, 30))
        assert row.weights == {"I1": 25, "I2": 25, "I3": 15, "I4": 25, "I5": 10}
        assert [l.attention for l in lines] == [False, False, False, True, True]
        data = scoring.as_json(db.session, KEY)
    assert data[3] == {"village": "中塘村", "indicators": {"I1": 0.5, "I2": 0.2857, "I3": 0.5, "I4": 0.5, "I5": 0.5},
                       "total": 44.6, "rank": 4}


def test_indicator_boundaries_one_by_one(app, factory):
    ids = build_fixture(app, factory)
    zt = ids["中塘村"]
    period = Period.parse(KEY)
    with app.app_context():
        s = db.session
        assert scoring.reports_on_time(s, period) == ({zt: 1}, 2)
        assert scoring.workers_verified(s, period, 29)[zt] == (2, 7)
        assert scoring.workers_verified(s, period, 28)[zt] == (1, 7)  # 1 Apr falls out of a 28-day window
        assert scoring.jobs_collected(s, period.start, period.end) == {zt: 1}
        assert scoring.key_household_coverage(s) == {zt: (1, 2)}
        assert scoring.disputes_in_time(s, period.start, period.end) == {zt: (2, 4)}


def test_rounding_is_half_up_in_exact_arithmetic():
    weights = {"I1": 25, "I2": 25, "I3": 15, "I4": 25, "I5": 10}
    counts = {"I1": (1, 1), "I2": (1, 4), "I3": (2, 2), "I4": (1, 1), "I5": (1, 1)}
    assert scoring.total_of(counts, weights) == Decimal("81.3")  # 81.25; round-half-even would give 81.2
    counts["I2"] = (3, 4)
    assert scoring.total_of(counts, weights) == Decimal("93.8")  # 93.75
    assert scoring.half_up(Fraction(1249, 20)) == Decimal("62.5")  # 62.45


def test_nothing_to_count_scores_one_and_i3_is_capped():
    assert scoring.fraction("I1", 0, 0) == 1
    assert scoring.fraction("I4", 0, 0) == 1
    assert scoring.fraction("I3", 5, 2) == 1
    assert scoring.fraction("I3", 1, 2) == Fraction(1, 2)


def test_every_period_has_a_sunday_so_i1_always_counts_a_week():
    """A 旬 lasts 8 to 11 days, so "no such week" (I1 = 1) cannot happen for a real period;
    the rule is kept (``fraction`` above) and every period of a leap year has a Sunday."""
    period = Period(2024, 1, 1)
    while period.year == 2024:
        assert period.sundays(), period.key
        assert all(period.start <= s <= period.end and s.weekday() == 6 for s in period.sundays())
        period = Period(2025, 1, 1) if period.key == "2024-12-3" else Period.parse(_next_key(period))


def _next_key(period):
    if period.part < 3:
        return f"{period.year}-{period.month:02d}-{period.part + 1}"
    return f"{period.year}-{period.month + 1:02d}-1"


def test_ties_share_a_rank_and_follow_sort_order():
    totals = {1: Decimal("80.0"), 2: Decimal("90.0"), 3: Decimal("80.0"), 4: Decimal("70.5")}
    sort_orders = {1: 3, 2: 2, 3: 1, 4: 4}
    assert scoring.ranked(totals, sort_orders) == [(2, 1), (3, 2), (1, 2), (4, 4)]


def test_periods_keys_and_month_ends():
    feb = Period.parse("2024-02-3")
    assert (feb.start, feb.end, feb.label) == (date(2024, 2, 21), date(2024, 2, 29), "2024年2月下旬")
    assert Period.parse("2023-02-3").end == date(2023, 2, 28)
    assert feb.sundays() == [date(2024, 2, 25)]
    assert Period.parse("2024-03-1").previous() == feb
    assert Period.parse("2024-01-1").previous().key == "2023-12-3"
    assert Period.parse("2024-4-2").key == "2024-04-2"
    assert Period.parse("2024-04-2").label == "2024年4月中旬"
    assert Period.containing(date(2024, 4, 20)).key == "2024-04-2"
    assert Period.containing(date(2024, 4, 21)).key == "2024-04-3"
    for bad, message in (("2024-13-1", "月份"), ("2024-04-4", "旬应为"), ("四月中旬", "无法识别"), ("", "无法识别")):
        with pytest.raises(ScoringError, match=message):
            Period.parse(bad)


def test_publish_freezes_and_recompute_is_refused(app, factory):
    build_fixture(app, factory)
    with app.app_context():
        s = db.session
        with pytest.raises(ScoringError, match="尚未计算"):
            scoring.publish(s, KEY)
        scoring.compute(s, KEY, now=AFTER)
        scoring.compute(s, KEY, now=AFTER)  # an unpublished period may be recomputed
        scoring.publish(s, KEY, now=AFTER)
        with pytest.raises(ScoringError, match="已发布，不能重新计算"):
            scoring.compute(s, KEY, now=AFTER)
        with pytest.raises(ScoringError, match="不能重复发布"):
            scoring.publish(s, KEY)
        assert s.scalar(select(ScoringPeriod.published_at).where(ScoringPeriod.key == KEY)) == AFTER


def test_settings_are_stored_with_the_period(app, factory):
    build_fixture(app, factory)
    with app.app_context():
        s = db.session
        settings = scoring.current_settings(s)
        settings.weight_i1, settings.weight_i5, settings.i3_target = 30, 5, 1
        s.commit()
        row = scoring.compute(s, KEY, now=AFTER)
        scoring.publish(s, KEY, now=AFTER)
        settings.weight_i1, settings.weight_i5 = 25, 10
        s.commit()
        lines = scoring.score_lines(s, row)
        zt = next(l for l in lines if l.village == "中塘村")
        # 30×1/2 + 25×2/7 + 15×1 + 25×1/2 + 5×1/2 = 15 + 7.142857 + 15 + 12.5 + 2.5 = 52.142857 → 52.1
        assert zt.total == Decimal("52.1")
        assert row.weights["I1"] == 30 and row.i3_target == 1


def test_periods_before_the_first_or_not_yet_begun_are_refused(app):
    with app.app_context():
        with pytest.raises(ScoringError, match="从2024年4月中旬开始"):
            scoring.compute(db.session, "2024-04-1", now=AFTER)
        with pytest.raises(ScoringError, match="尚未开始"):
            scoring.compute(db.session, "2024-05-2", now=AFTER)
        assert scoring.validate_settings({"I1": 25, "I2": 25, "I3": 15, "I4": 25, "I5": 5}, 29, 2) == [
            "五项权重之和应为100，现为95"]


def test_year_end_is_the_mean_of_published_totals(app, factory):
    build_fixture(app, factory)
    with app.app_context():
        s = db.session
        scoring.compute(s, "2024-04-2", now=AFTER)
        scoring.compute(s, KEY, now=AFTER)
        scoring.publish(s, KEY, now=AFTER)
        assert {l.village: (l.periods, l.mean) for l in scoring.year_end(s, 2024)}["中塘村"] == (1, Decimal("44.60"))
        scoring.publish(s, "2024-04-2", now=AFTER)
        lines = {l.village: l for l in scoring.year_end(s, 2024)}
        s.rollback()
        periods = {p.key: p for p in s.scalars(select(ScoringPeriod))}
        zt_totals = [next(x.total for x in scoring.score_lines(s, periods[k]) if x.village == "中塘村")
                     for k in ("2024-04-2", KEY)]
        assert lines["中塘村"].periods == 2
        assert lines["中塘村"].mean == scoring.half_up(Fraction(sum(zt_totals)) / 2, 2)
        assert lines["兴泉村"].mean == Decimal("60.00") and lines["兴泉村"].rank == 1
        assert scoring.year_end(s, 2023)[0].periods == 0
