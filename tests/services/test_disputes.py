"""The dispute rules below the views: case numbers, the status machine, time limits, statistics."""
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.models import Dispute, DisputeEvent, LingongUser, Village
from app.models.enums import DISPUTE_STATUSES
from app.security.actor import acting_as
from app.security.scoping import RowScopeViolation
from app.services import disputes
from app.services.disputes import DisputeError

# The reachable states and how to reach them from 已登记: (status, date, extra fields).
ROUTE = {
    "已登记": [],
    "调解中": [("调解中", {})],
    "不予受理": [("不予受理", {"reason": "不属于劳动争议"})],
    "调解成功": [("调解中", {}), ("调解成功", {"agreement": "分两期付清", "amount_recovered": "8000"})],
    "调解不成": [("调解中", {}), ("调解不成", {})],
    "已撤回": [("调解中", {}), ("已撤回", {})],
    "已移交仲裁": [("调解中", {}), ("调解不成", {}), ("已移交仲裁", {"reason": "被申请人拒绝调解"})],
}
ALLOWED = {
    ("已登记", "调解中"), ("已登记", "不予受理"), ("调解中", "调解成功"), ("调解中", "调解不成"),
    ("调解中", "已撤回"), ("调解不成", "已移交仲裁"),
}
NEEDS = {
    "调解中": {}, "不予受理": {"reason": "理由"}, "调解成功": {"agreement": "协议", "amount_recovered": "100"},
    "调解不成": {}, "已撤回": {}, "已移交仲裁": {"reason": "理由"},
}
RECEIVED = date(2024, 3, 1)


def new_case(village="中塘村", received_on=RECEIVED, **kw):
    village_id = db.session.scalar(select(Village.id).where(Village.name == village))
    kw.setdefault("applicant_names", "张三、李四")
    kw.setdefault("respondent_name", "某建筑公司")
    kw.setdefault("workers_involved", 2)
    kw.setdefault("amount_claimed", Decimal("12000"))
    return disputes.register(db.session, Dispute(village_id=village_id, received_on=received_on, source="来访",
                                                 kind=kw.pop("kind", "拖欠工资"), **kw))


def walk(case, status, start=RECEIVED):
    day = start
    for target, extra in ROUTE[status]:
        day += timedelta(days=1)
        disputes.transition(db.session, case, target, day, **extra)
    return case


def _user(username):
    return db.session.scalar(select(LingongUser).where(LingongUser.username == username))


# -- registration ------------------------------------------------------------------------

def test_registration_numbers_per_year_and_computes_the_deadline(session):
    first = new_case(received_on=date(2023, 12, 30))
    second = new_case(received_on=date(2024, 1, 2))
    third = new_case(received_on=date(2024, 1, 3), village="兴泉村")
    assert (first.case_no, second.case_no, third.case_no) == ("JF-2023-001", "JF-2024-001", "JF-2024-002")
    assert first.deadline == date(2024, 1, 14)
    assert second.status == "已登记" and second.accepted_on is None
    with pytest.raises(DisputeError, match="收案日期不能晚于今天"):
        new_case(received_on=date.today() + timedelta(days=1))


def test_counter_starts_after_cases_numbered_before_it(session):
    village_id = session.scalar(select(Village.id).where(Village.name == "中塘村"))
    session.add(Dispute(case_no="JF-2022-041", village_id=village_id, received_on=date(2022, 5, 1),
                        applicant_names="甲", respondent_name="乙"))
    session.commit()
    assert new_case(received_on=date(2022, 6, 1)).case_no == "JF-2022-042"


def _register_in_thread(app, results, errors, **kw):
    try:
        with app.app_context():
            results.append(new_case(**kw).case_no)
            db.session.remove()
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(repr(exc))


def test_concurrent_registrations_never_share_a_number(app):
    """Two transactions against the real database: the second waits for the first's counter row."""
    holding, results, errors = threading.Event(), [], []

    def slow_first():
        try:
            with app.app_context():
                case = Dispute(village_id=1, received_on=date(2021, 4, 1), applicant_names="甲", respondent_name="乙")
                disputes.prepare_new(db.session, case)  # number taken, transaction still open
                holding.set()
                time.sleep(0.8)
                db.session.add(case)
                db.session.commit()
                results.append(case.case_no)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001
            holding.set()
            errors.append(repr(exc))

    first = threading.Thread(target=slow_first)
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=_register_in_thread, args=(app, results, errors),
                              kwargs={"received_on": date(2021, 4, 2)})
    second.start()
    first.join(30)
    second.join(30)
    assert not errors, errors
    assert sorted(results) == ["JF-2021-001", "JF-2021-002"]
    assert results[0] == "JF-2021-001"  # the first holds its number; the second waited for it

    # a burst: two threads registering five cases each at the same moment
    barrier = threading.Barrier(2)
    burst = []

    def five():
        barrier.wait()
        for _ in range(5):
            _register_in_thread(app, burst, errors, received_on=date(2020, 6, 1))

    threads = [threading.Thread(target=five) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(burst) == [f"JF-2020-{n:03d}" for n in range(1, 11)]


# -- the status machine ------------------------------------------------------------------

@pytest.mark.parametrize("source", list(ROUTE))
@pytest.mark.parametrize("target", DISPUTE_STATUSES)
def test_every_move_is_allowed_or_refused_as_the_machine_says(session, source, target):
    case = walk(new_case(), source)
    events_before = len(case.events)
    on = RECEIVED + timedelta(days=5)
    if (source, target) in ALLOWED:
        event = disputes.transition(session, case, target, on, **NEEDS[target])
        assert case.status == target
        assert event.happened_on == on and event.action in ("受理", "结案", "移交")
        assert len(case.events) == events_before + 1
    else:
        with pytest.raises(DisputeError, match="不能变更为"):
            disputes.transition(session, case, target, on, **NEEDS.get(target, {}))
        session.expire_all()
        assert session.get(Dispute, case.id).status == source
        assert len(session.get(Dispute, case.id).events) == events_before


def test_unknown_status_is_refused(session):
    with pytest.raises(DisputeError, match="未知的案件状态"):
        disputes.transition(session, new_case(), "已结案", RECEIVED)


@pytest.mark.parametrize("target, missing, message", [
    ("不予受理", "reason", "须填写理由"),
    ("调解成功", "agreement", "须填写调解协议内容"),
    ("调解成功", "amount_recovered", "须填写追回金额"),
    ("已移交仲裁", "reason", "须填写理由"),
])
def test_each_action_requires_its_fields(session, target, missing, message):
    case = new_case()
    source = {"不予受理": "已登记", "调解成功": "调解中", "已移交仲裁": "调解不成"}[target]
    walk(case, source)
    fields = dict(NEEDS[target])
    fields[missing] = "  "
    with pytest.raises(DisputeError, match=message):
        disputes.transition(session, case, target, RECEIVED + timedelta(days=5), **fields)
    assert case.status == source


def test_the_date_is_required_and_checked(session):
    case = new_case()
    for value, message in ((None, "请填写日期"), ("2024/03/05", "格式不正确"),
                           (RECEIVED - timedelta(days=1), "不能早于收案日期"),
                           (date.today() + timedelta(days=1), "不能晚于今天")):
        with pytest.raises(DisputeError, match=message):
            disputes.transition(session, case, "调解中", value)
    disputes.transition(session, case, "调解中", "2024-03-04", handler="王调解员")
    assert case.accepted_on == date(2024, 3, 4) and case.handler == "王调解员"
    with pytest.raises(DisputeError, match="不能早于受理日期"):
        disputes.transition(session, case, "调解不成", date(2024, 3, 3))
    with pytest.raises(DisputeError, match="不能为负数"):
        disputes.transition(session, case, "调解成功", date(2024, 3, 6), agreement="协议", amount_recovered="-1")


def test_actions_fill_the_case_and_write_the_timeline(session):
    case = walk(new_case(), "调解成功")
    assert case.accepted_on == date(2024, 3, 2)
    assert case.closed_on == date(2024, 3, 3)
    assert case.agreement == "分两期付清" and case.amount_recovered == Decimal("8000.00")
    assert [(e.action, e.happened_on) for e in case.events] == [("受理", date(2024, 3, 2)), ("结案", date(2024, 3, 3))]
    assert "8000" in case.events[1].content

    refused = walk(new_case(), "不予受理")
    assert refused.closed_on == date(2024, 3, 2) and refused.outcome == "不属于劳动争议"

    arbitration = walk(new_case(), "已移交仲裁")
    assert arbitration.closed_on == date(2024, 3, 3)  # when mediation ended
    assert arbitration.events[-1].action == "移交" and arbitration.events[-1].happened_on == date(2024, 3, 4)


def test_concluded_case_is_read_only_except_for_events(session):
    case = walk(new_case(), "调解成功")
    case.respondent_name = "改名公司"
    with pytest.raises(DisputeError, match="案件已办结"):
        session.commit()
    session.rollback()
    case = session.get(Dispute, case.id)
    assert case.respondent_name == "某建筑公司"
    disputes.add_event(session, case, date(2024, 4, 1), "回访", "款项已按协议付清")
    assert case.events[-1].action == "回访"
    with pytest.raises(DisputeError, match="请填写办理内容"):
        disputes.add_event(session, case, date(2024, 4, 2), "回访", " ")
    with pytest.raises(DisputeError, match="未知的办理事项"):
        disputes.add_event(session, case, date(2024, 4, 2), "喝茶", "x")


def test_status_and_machine_fields_change_only_through_transitions(session):
    case = new_case()
    case.status = "调解成功"
    with pytest.raises(DisputeError, match="只能通过办理操作变更"):
        session.commit()
    session.rollback()
    case = session.get(Dispute, case.id)
    case.closed_on = date(2024, 3, 5)
    with pytest.raises(DisputeError, match="由办理操作填写"):
        session.commit()
    session.rollback()
    case = session.get(Dispute, case.id)
    case.description = "补充：拖欠三个月工资"  # an open case's own facts may be corrected
    case.received_on = date(2024, 2, 28)
    session.commit()
    assert session.get(Dispute, case.id).deadline == date(2024, 3, 14)


# -- time limits -------------------------------------------------------------------------

def _case(received_on, status="已登记"):
    return Dispute(received_on=received_on, status=status)


@pytest.mark.parametrize("received, not_late_on, late_on", [
    # Fri 2 Feb 2024: Sun 4 Feb is a make-up working day, so the 4th working day is Wed 7 Feb.
    (date(2024, 2, 2), date(2024, 2, 6), date(2024, 2, 7)),
    # Thu 8 Feb: Fri 9 (1), Spring Festival 10-17 Feb, make-up Sun 18 (2), Mon 19 (3), Tue 20 (4).
    (date(2024, 2, 8), date(2024, 2, 19), date(2024, 2, 20)),
    # Wed 8 May: Thu 9, Fri 10, make-up Sat 11 May, then Mon 13 is the 4th.
    (date(2024, 5, 8), date(2024, 5, 12), date(2024, 5, 13)),
    # an ordinary week: Mon 4 Mar → Tue, Wed, Thu; late on Fri
    (date(2024, 3, 4), date(2024, 3, 7), date(2024, 3, 8)),
])
def test_acceptance_late_counts_official_working_days(received, not_late_on, late_on):
    case = _case(received)
    assert disputes.FLAG_ACCEPTANCE_LATE not in disputes.flags(case, not_late_on)
    assert disputes.FLAG_ACCEPTANCE_LATE in disputes.flags(case, late_on)
    assert disputes.acceptance_cutoff(not_late_on) <= received < disputes.acceptance_cutoff(late_on)
    accepted = _case(received, "调解中")
    assert disputes.FLAG_ACCEPTANCE_LATE not in disputes.flags(accepted, late_on)


def test_deadline_is_fifteen_calendar_days_across_the_holiday():
    case = Dispute(received_on=date(2024, 2, 8))
    assert case.deadline == date(2024, 2, 23)


@pytest.mark.parametrize("today, expected", [
    (date(2024, 3, 12), []),                 # 4 days left
    (date(2024, 3, 13), ["即将到期"]),        # 3 days left
    (date(2024, 3, 16), ["即将到期"]),        # the deadline itself
    (date(2024, 3, 17), ["已超期"]),          # the day after
])
def test_overdue_and_due_soon_at_the_boundaries(today, expected):
    case = _case(date(2024, 3, 1), "调解中")
    assert case.deadline == date(2024, 3, 16)
    assert disputes.flags(case, today) == expected
    assert disputes.flags(_case(date(2024, 3, 1), "调解成功"), today) == []


def test_flag_criteria_match_the_flags(session):
    cases = {received: new_case(received_on=received) for received in
             (date(2024, 3, 1), date(2024, 3, 4), date(2024, 3, 8), date(2024, 3, 12))}
    walk(cases[date(2024, 3, 8)], "调解中", start=date(2024, 3, 8))
    for today in (date(2024, 3, 7), date(2024, 3, 13), date(2024, 3, 17), date(2024, 3, 25)):
        for flag in disputes.FLAGS:
            expected = {c.id for c in cases.values() if flag in disputes.flags(c, today)}
            found = set(session.scalars(select(Dispute.id).where(disputes.flag_criterion(flag, today))))
            assert found == expected, (flag, today)
        late = {c.id for c in cases.values()
                if {disputes.FLAG_OVERDUE, disputes.FLAG_ACCEPTANCE_LATE} & set(disputes.flags(c, today))}
        assert disputes.count_flagged(session, today=today) == len(late)


def test_working_days_outside_the_calendar_fall_back_to_weekdays():
    assert disputes.is_workday(date(2099, 6, 1))  # a Monday
    assert not disputes.is_workday(date(2099, 6, 6))  # a Saturday


# -- the village rule and statistics -----------------------------------------------------

def test_specialist_sees_and_writes_only_their_villages_cases(app):
    with app.app_context():
        own = new_case(village="中塘村")
        other = new_case(village="兴泉村")
        disputes.add_event(db.session, other, date(2024, 3, 2), "调查", "走访工地")
        own_id, other_id = own.id, other.id
        db.session.remove()
    with app.app_context(), acting_as(_user("zhongtang")):
        assert set(db.session.scalars(select(Dispute.id))) == {own_id}
        assert db.session.get(Dispute, other_id) is None
        assert all(e.dispute_id == own_id for e in db.session.scalars(select(DisputeEvent)))
        mine = db.session.get(Dispute, own_id)
        disputes.add_event(db.session, mine, date(2024, 3, 2), "调查", "电话核实")
        db.session.add(DisputeEvent(dispute_id=other_id, happened_on=date(2024, 3, 3), action="调查", content="x"))
        with pytest.raises(RowScopeViolation):
            db.session.flush()
        db.session.rollback()
        numbered = new_case(village="中塘村")  # the counter counts every village's cases
        assert numbered.case_no == "JF-2024-003"
        with pytest.raises(RowScopeViolation):
            new_case(village="兴泉村")


def test_statistics_against_a_hand_computed_fixture(session):
    today = date(2024, 4, 30)
    # 中塘村: four cases in March, one in February (outside the period)
    a = new_case(received_on=date(2024, 3, 1), workers_involved=3, amount_claimed=Decimal("10000"))
    walk(a, "调解成功")  # closed 3 Mar ≤ deadline 16 Mar: on time, recovered 8000
    b = new_case(received_on=date(2024, 3, 5), workers_involved=1, amount_claimed=Decimal("2000"), kind="工伤赔偿")
    walk(b, "调解中", start=date(2024, 3, 5))
    disputes.transition(session, b, "调解不成", date(2024, 3, 25))  # closed after deadline 20 Mar: overdue
    c = new_case(received_on=date(2024, 3, 10), workers_involved=2, amount_claimed=None)  # open, deadline passed
    d = new_case(received_on=date(2024, 3, 20), workers_involved=5, amount_claimed=Decimal("500.50"))
    walk(d, "不予受理", start=date(2024, 3, 20))  # closed 21 Mar: on time
    new_case(received_on=date(2024, 2, 10), workers_involved=9, amount_claimed=Decimal("999"))
    # 兴泉村: one open case received 31 Mar, deadline 15 Apr passed by 30 Apr
    new_case(village="兴泉村", received_on=date(2024, 3, 31), workers_involved=4, amount_claimed=Decimal("3000"))
    villages = list(session.scalars(select(Village).order_by(Village.sort_order)))
    stats = disputes.statistics(session, date(2024, 3, 1), date(2024, 3, 31), villages, today=today)
    rows = {row["village"]: row for row in stats["rows"]}
    assert rows["中塘村"] == {
        "village": "中塘村", "received": 4, "concluded": 3, "on_time": 2, "overdue": 2, "workers": 11,
        "amount_claimed": Decimal("12500.50"), "amount_recovered": Decimal("8000.00"),
    }
    assert rows["兴泉村"]["received"] == 1 and rows["兴泉村"]["overdue"] == 1 and rows["兴泉村"]["concluded"] == 0
    assert rows["双石村"]["received"] == 0 and rows["双石村"]["amount_claimed"] == Decimal("0.00")
    assert stats["total"]["received"] == 5 and stats["total"]["workers"] == 15
    assert stats["total"]["amount_claimed"] == Decimal("15500.50")
    kinds = {row["kind"]: row for row in stats["by_kind"]}
    assert kinds["拖欠工资"]["received"] == 4 and kinds["工伤赔偿"]["received"] == 1
    assert kinds["工伤赔偿"]["overdue"] == 1 and kinds["社会保险"]["received"] == 0
    del c

    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(disputes.statistics_workbook(stats, "中塘镇"))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "劳资纠纷调处情况统计表" in values[0][0]
    assert values[1][:3] == ["村(社区)", "收案数", "办结数"]
    assert values[2][:8] == ["中塘村", 4, 3, 2, 2, 11, 12500.5, 8000]
    assert values[7][:2] == ["合计", 5]
