"""Dispute and subsidy pages and API: registration, the status machine through the API and the
case page, read-only concluded cases, the village rule, printing, statistics, subsidies."""
import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import db
from app.models import Dispute, DisputeEvent, Subsidy, Village
from app.services import disputes

ALLOWED = {
    ("已登记", "调解中"), ("已登记", "不予受理"), ("调解中", "调解成功"), ("调解中", "调解不成"),
    ("调解中", "已撤回"), ("调解不成", "已移交仲裁"),
}
NEEDS = {
    "调解中": {}, "不予受理": {"reason": "不属于受理范围"}, "调解成功": {"agreement": "一次性付清", "amount_recovered": 5000},
    "调解不成": {}, "已撤回": {}, "已移交仲裁": {"reason": "调解不成，移交仲裁"},
}
ROUTE = {
    "已登记": [], "调解中": ["调解中"], "不予受理": ["不予受理"], "调解成功": ["调解中", "调解成功"],
    "调解不成": ["调解中", "调解不成"], "已撤回": ["调解中", "已撤回"], "已移交仲裁": ["调解中", "调解不成", "已移交仲裁"],
}


def make_case(app, village="中塘村", status="已登记", received_on=date(2024, 3, 1), **kw):
    with app.app_context():
        village_id = db.session.scalar(select(Village.id).where(Village.name == village))
        kw.setdefault("applicant_names", "赵大、钱二")
        kw.setdefault("respondent_name", "中塘建设公司")
        case = disputes.register(db.session, Dispute(village_id=village_id, received_on=received_on, source="来访",
                                                     kind="拖欠工资", workers_involved=2, **kw))
        day = received_on
        for target in ROUTE[status]:
            day += timedelta(days=1)
            disputes.transition(db.session, case, target, day, **NEEDS[target])
        case_id = case.id
        db.session.remove()
    return case_id


def status_of(app, pk):
    with app.app_context():
        return db.session.get(Dispute, pk).status


def api_body(village_id=None, **kw):
    body = {"received_on": "2024-03-01", "source": "来电", "applicant_names": "孙三", "workers_involved": 1,
            "respondent_name": "某劳务公司", "kind": "拖欠工资", "amount_claimed": 3000, "description": "拖欠两个月工资"}
    if village_id is not None:
        body["village_id"] = village_id
    body.update(kw)
    return body


def village_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Village.id).where(Village.name == name))


# -- the API -------------------------------------------------------------------------------

def test_api_registers_with_a_case_number_and_refuses_status_fields(app, client_for):
    client = client_for("zhongtang")
    response = client.api("POST", "/api/v1/dispute/", json=api_body())
    assert response.status_code == 201, response.get_json()
    pk = response.get_json()["id"]
    shown = client.api("GET", f"/api/v1/dispute/{pk}").get_json()["result"]
    assert shown["case_no"] == "JF-2024-001" and shown["status"] == "已登记"
    assert shown["deadline"] == "2024-03-16" and shown["village_id"] == village_id(app, "中塘村")
    for method, path in (("POST", "/api/v1/dispute/"), ("PUT", f"/api/v1/dispute/{pk}")):
        for field, value in (("status", "调解成功"), ("closed_on", "2024-03-02"), ("case_no", "JF-2024-999")):
            response = client.api(method, path, json=api_body(**{field: value}))
            assert response.status_code == 422, (method, field)
            assert "办理操作" in response.get_json()["message"]
    assert status_of(app, pk) == "已登记"
    # a PUT of the case's own facts is fine
    response = client.api("PUT", f"/api/v1/dispute/{pk}", json={"description": "拖欠三个月工资"})
    assert response.status_code == 200, response.get_json()
    response = client.api("POST", "/api/v1/dispute/", json=api_body(kind="吵架"))
    assert response.status_code == 422 and "纠纷类型" in response.get_json()["message"]


@pytest.mark.parametrize("source", list(ROUTE))
def test_api_transition_every_move(app, client_for, source):
    client = client_for("shebao")
    for target in NEEDS:
        pk = make_case(app, status=source)
        body = {"status": target, "date": "2024-03-10", **NEEDS[target]}
        response = client.api("POST", f"/api/v1/dispute/{pk}/transition", json=body)
        if (source, target) in ALLOWED:
            assert response.status_code == 200, (source, target, response.get_json())
            assert response.get_json()["result"]["status"] == target
            assert status_of(app, pk) == target
        else:
            assert response.status_code == 422, (source, target, response.status_code)
            assert "不能变更为" in response.get_json()["message"]
            assert status_of(app, pk) == source


def test_api_transition_needs_its_fields(app, client_for):
    client = client_for("zhongtang")
    pk = make_case(app, status="调解中")
    url = f"/api/v1/dispute/{pk}/transition"
    for body, message in (({"status": "调解成功", "agreement": "x", "amount_recovered": 1}, "请填写日期"),
                          ({"status": "调解成功", "date": "2024-03-05", "amount_recovered": 1}, "调解协议内容"),
                          ({"status": "调解成功", "date": "2024-03-05", "agreement": "x"}, "追回金额"),
                          ({"status": "已结案", "date": "2024-03-05"}, "未知的案件状态")):
        response = client.api("POST", url, json=body)
        assert response.status_code == 422 and message in response.get_json()["message"], body
    assert client.api("POST", url, json=["x"]).status_code == 400
    response = client.api("POST", url, json={"status": "调解成功", "date": "2024-03-05", "agreement": "分期付清",
                                             "amount_recovered": "4800.5"})
    assert response.status_code == 200
    with app.app_context():
        case = db.session.get(Dispute, pk)
        assert case.closed_on == date(2024, 3, 5) and str(case.amount_recovered) == "4800.50"
        assert [e.action for e in case.events] == ["受理", "结案"]


def test_api_events_and_read_only_concluded_case(app, client_for):
    client = client_for("zhongtang")
    pk = make_case(app, status="调解成功")
    response = client.api("PUT", f"/api/v1/dispute/{pk}", json={"description": "改"})
    assert response.status_code == 422 and "已办结" in response.get_json()["message"]
    response = client.api("POST", "/api/v1/dispute_event/",
                          json={"dispute_id": pk, "happened_on": "2024-04-01", "action": "回访", "content": "已付清"})
    assert response.status_code == 201, response.get_json()
    response = client.api("POST", "/api/v1/dispute_event/",
                          json={"dispute_id": pk, "happened_on": "2024-04-01", "action": "回访", "content": ""})
    assert response.status_code == 422
    events = client.api("GET", f"/api/v1/dispute_event/?q=(filters:!((col:dispute_id,opr:eq,value:{pk})))").get_json()
    assert [e["action"] for e in events["result"]][-1:] == ["回访"] or events["count"] == 3


def test_api_village_rule(app, client_for):
    other = make_case(app, village="兴泉村")
    own = make_case(app, village="中塘村")
    client = client_for("zhongtang")
    listed = {row["id"] for row in client.api("GET", "/api/v1/dispute/").get_json()["result"]}
    assert listed == {own}
    assert client.api("GET", f"/api/v1/dispute/{other}").status_code == 404
    response = client.api("POST", f"/api/v1/dispute/{other}/transition", json={"status": "调解中", "date": "2024-03-02"})
    assert response.status_code == 404
    assert status_of(app, other) == "已登记"
    response = client.api("POST", "/api/v1/dispute/", json=api_body(village_id=village_id(app, "兴泉村")))
    assert response.status_code in (403, 422)
    response = client.api("POST", "/api/v1/dispute_event/",
                          json={"dispute_id": other, "happened_on": "2024-03-05", "action": "调查", "content": "x"})
    assert response.status_code in (403, 422)
    with app.app_context():
        assert db.session.scalar(select(DisputeEvent).where(DisputeEvent.dispute_id == other)) is None
    # read-only town task force: sees both, moves none
    zhuanban = client_for("zhuanban")
    assert {row["id"] for row in zhuanban.api("GET", "/api/v1/dispute/").get_json()["result"]} == {own, other}
    response = zhuanban.api("POST", f"/api/v1/dispute/{own}/transition", json={"status": "调解中", "date": "2024-03-02"})
    assert response.status_code == 403


# -- the pages -----------------------------------------------------------------------------

def test_register_act_and_follow_a_case_in_the_pages(app, client_for):
    client = client_for("zhongtang")
    form = {"received_on": "2024-03-01", "source": "来访", "applicant_names": "周五、吴六", "workers_involved": "2",
            "respondent_employer": "__None", "respondent_name": "兴旺劳务", "kind": "拖欠工资",
            "amount_claimed": "6000", "description": "拖欠工资", "handler": "",
            "village": str(village_id(app, "中塘村"))}
    response = client.post_form("/disputeview/add", form, token_from="/disputeview/add")
    assert response.status_code == 302, re.findall(r'class="help-block">([^<]*)|alert-danger[^>]*>(.*?)</div>',
                                                   response.get_data(as_text=True), re.S)
    with app.app_context():
        case = db.session.scalar(select(Dispute).where(Dispute.respondent_name == "兴旺劳务"))
        pk, case_no = case.id, case.case_no
        assert case.village.name == "中塘村" and case_no.startswith("JF-2024-")
    page = client.get(f"/disputeview/show/{pk}").get_data(as_text=True)
    assert case_no in page and "受理" in page and "不予受理" in page and "办理记录" in page
    # refused move from the page: a flash, no change
    response = client.post_form(f"/disputeview/transition/{pk}", {"status": "调解成功", "date": "2024-03-02",
                                                                   "agreement": "x", "amount_recovered": "1"},
                                token_from=f"/disputeview/show/{pk}")
    assert response.status_code == 302 and status_of(app, pk) == "已登记"
    assert "不能变更为" in client.get(f"/disputeview/show/{pk}").get_data(as_text=True)
    client.post_form(f"/disputeview/transition/{pk}", {"status": "调解中", "date": "2024-03-02", "handler": "王调"},
                     token_from=f"/disputeview/show/{pk}")
    assert status_of(app, pk) == "调解中"
    client.post_form(f"/disputeview/transition/{pk}", {"status": "调解成功", "date": "2024-03-06",
                                                       "agreement": "三日内付清", "amount_recovered": "6000"},
                     token_from=f"/disputeview/show/{pk}")
    assert status_of(app, pk) == "调解成功"
    # concluded: the edit form is refused, events can still be added
    response = client.get(f"/disputeview/edit/{pk}")
    assert response.status_code == 302
    client.post_form(f"/disputeview/event/{pk}", {"happened_on": "2024-03-20", "action": "回访", "content": "已全部付清"},
                     token_from=f"/disputeview/show/{pk}")
    page = client.get(f"/disputeview/show/{pk}").get_data(as_text=True)
    assert "已全部付清" in page and "三日内付清" in page
    # no delete for a village specialist
    assert client.post_form(f"/disputeview/delete/{pk}", {}, token_from="/").status_code == 403
    assert status_of(app, pk) == "调解成功"


def test_list_flags_and_menu_badge(app, client_for):
    today = date.today()
    late = make_case(app, received_on=today - timedelta(days=20), respondent_name="超期甲公司")
    soon = make_case(app, status="调解中", received_on=today - timedelta(days=13), respondent_name="将到乙公司")
    fine = make_case(app, status="调解成功", received_on=today - timedelta(days=30), respondent_name="办结丙公司")
    make_case(app, village="兴泉村", received_on=today - timedelta(days=20), respondent_name="兴泉丁公司")
    del late, soon, fine
    client = client_for("zhongtang")
    page = client.get("/disputeview/list/").get_data(as_text=True)
    assert "超期甲公司" in page and "兴泉丁公司" not in page
    assert 'class="badge"' in page and ">1</span>" in page  # one late case in 中塘村
    from app.views.disputes import DisputeView, flag_filter_index

    index = flag_filter_index(DisputeView)
    overdue = client.get(f"/disputeview/list/?_flt_{index}_status=已超期").get_data(as_text=True)
    assert "超期甲公司" in overdue and "将到乙公司" not in overdue and "办结丙公司" not in overdue
    soon_page = client.get(f"/disputeview/list/?_flt_{index}_status=即将到期").get_data(as_text=True)
    assert "将到乙公司" in soon_page and "超期甲公司" not in soon_page
    shebao = client_for("shebao").get("/disputeview/list/").get_data(as_text=True)
    assert ">2</span>" in shebao  # both villages' late cases
    nongfu = client_for("nongfu").get("/").get_data(as_text=True)
    assert 'class="badge"' not in nongfu


def test_print_pages(app, client_for):
    pk = make_case(app, status="调解成功", description="拖欠2023年工资")
    client = client_for("zhongtang")
    for form, heading in (("registration", "劳资纠纷登记表"), ("agreement", "调解协议书"), ("file", "劳资纠纷案卷")):
        page = client.get(f"/disputeview/print/{pk}/{form}?pay_by=2024-03-20").get_data(as_text=True)
        assert heading in page and "JF-2024-001" in page and "@page" in page, form
    agreement = client.get(f"/disputeview/print/{pk}/agreement?pay_by=2024-03-20").get_data(as_text=True)
    assert "一式三份" in agreement and "2024-03-20" in agreement and "一次性付清" in agreement
    assert client.get(f"/disputeview/print/{pk}/other").status_code == 404
    other = make_case(app, village="兴泉村")
    assert client.get(f"/disputeview/print/{other}/registration").status_code == 404


def test_statistics_page_and_export(app, client_for):
    make_case(app, status="调解成功", received_on=date(2024, 3, 1))
    make_case(app, village="兴泉村", received_on=date(2024, 3, 2))
    client = client_for("zhongtang")
    page = client.get("/disputes/stats/?start=2024-03-01&end=2024-03-31").get_data(as_text=True)
    assert "中塘村" in page and "兴泉村" not in page
    response = client.get("/disputes/stats/export?start=2024-03-01&end=2024-03-31")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[2][:3] == ("中塘村", 1, 1)
    shebao = client_for("shebao").get("/disputes/stats/?start=2024-03-01&end=2024-03-31").get_data(as_text=True)
    assert "中塘村" in shebao and "兴泉村" in shebao
    assert client_for("nongfu").get("/disputes/stats/").status_code == 403
    assert client_for("zhuanban").get("/disputes/stats/export").status_code == 200


# -- subsidies -----------------------------------------------------------------------------

def test_subsidy_moves_and_summary(app, client_for, factory):
    employer = factory.employer(name="补贴甲公司")
    client = client_for("shebao")
    body = {"employer_id": employer.id, "subsidy_type": "吸纳就业补贴", "people_count": 5, "amount": 10000,
            "status": "指导中", "guided_on": "2024-03-01"}
    response = client.api("POST", "/api/v1/subsidy/", json=body)
    assert response.status_code == 201, response.get_json()
    pk = response.get_json()["id"]
    for change, message in (({"status": "已拨付", "decided_on": "2024-04-01", "amount_paid": 1}, "不能从"),
                            ({"status": "已申报"}, "申报日期"),
                            ({"status": "已申报", "applied_on": "2024-02-01"}, "日期顺序")):
        response = client.api("PUT", f"/api/v1/subsidy/{pk}", json=change)
        assert response.status_code == 422 and message in response.get_json()["message"], change
    assert client.api("PUT", f"/api/v1/subsidy/{pk}", json={"status": "已申报", "applied_on": "2024-03-10"}).status_code == 200
    response = client.api("PUT", f"/api/v1/subsidy/{pk}", json={"status": "已拨付", "decided_on": "2024-04-10"})
    assert response.status_code == 422 and "拨付金额" in response.get_json()["message"]
    assert client.api("PUT", f"/api/v1/subsidy/{pk}", json={"status": "已拨付", "decided_on": "2024-04-10",
                                                             "amount_paid": 9000}).status_code == 200
    response = client.api("PUT", f"/api/v1/subsidy/{pk}", json={"status": "未通过"})
    assert response.status_code == 422
    second = dict(body, people_count=2, amount=3000, status="已申报", applied_on="2024-03-05")
    assert client.api("POST", "/api/v1/subsidy/", json=second).status_code == 201
    page = client.get("/subsidyview/summary/").get_data(as_text=True)
    assert "补贴甲公司" in page and "13000.00" in page and "9000.00" in page
    response = client.get("/subsidyview/summary/export")
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[2] == ("补贴甲公司", 2, 7, 13000, 9000)
    with app.app_context():
        assert db.session.get(Subsidy, pk).status == "已拨付"
    assert client_for("zhuanban").get("/subsidyview/summary/").status_code == 200
    assert client_for("zhuanban").api("PUT", f"/api/v1/subsidy/{pk}", json={"note": "x"}).status_code == 403
    assert client_for("zhongtang").get("/subsidyview/list/").status_code == 403
    assert client_for("zhongtang").api("GET", "/api/v1/subsidy/").status_code == 403
