"""Role × action for disputes, their events and subsidies (SPEC §2 and issue 5), in the pages and the API.

Written out from the issue, independently of app.security.roles: village specialists register and
follow their own village's cases (read, add, edit; no delete); 社保所 everything; 镇工作专班 reads;
the other offices and anonymous visitors have no access. Subsidies: 社保所 all, 镇工作专班 read.
"""
from datetime import date

import pytest
from sqlalchemy import select

from app import db
from app.models import Dispute, Subsidy
from tests.views.test_disputes import api_body, make_case, village_id

R, A, E, D = "read", "add", "edit", "delete"
ALL = {R, A, E, D}
DISPUTE = {
    "admin": ALL, "shebao": ALL, "zhuanban": {R}, "jingfa": set(), "nongfu": set(), "tese": set(),
    "zhongtang": {R, A, E}, "xingquan": {R, A, E}, None: set(),
}
SUBSIDY = {"admin": ALL, "shebao": ALL, "zhuanban": {R}}
OWN_VILLAGE = {"zhongtang": "中塘村", "xingquan": "兴泉村"}


def refused(response, role, api=False):
    if role is None:  # an anonymous API write has no CSRF token either: 400 or 401
        return response.status_code in ((400, 401) if api else (302,))
    return response.status_code == 403


@pytest.mark.parametrize("role", list(DISPUTE), ids=lambda r: r or "anonymous")
def test_dispute_permissions(app, client_for, factory, role):
    may = DISPUTE[role]
    village = OWN_VILLAGE.get(role, "中塘村")
    target = make_case(app, village=village, respondent_name="权限目标公司")
    victim = make_case(app, village=village, respondent_name="删除目标公司")
    api_victim = make_case(app, village=village, respondent_name="接口删除公司")
    client = client_for(role)

    def call(method, path, json=None):
        return client.api(method, path, json=json, csrf=role is not None)

    checks = {
        R: [client.get("/disputeview/list/"), client.get(f"/disputeview/show/{target}"),
            client.get(f"/disputeview/print/{target}/registration"), client.get("/disputes/stats/")],
        A: [client.get("/disputeview/add")],
        E: [client.get(f"/disputeview/edit/{target}")],
    }
    for action, responses in checks.items():
        for response in responses:
            if action in may:
                assert response.status_code == 200, (role, action, response.request.path)
            else:
                assert refused(response, role), (role, action, response.request.path, response.status_code)
    if R in may:
        assert "权限目标公司" in client.get("/disputeview/list/").get_data(as_text=True)

    # page actions: transition, event, delete
    token = "/" if role else "/login/"
    response = client.post_form(f"/disputeview/transition/{target}", {"status": "调解中", "date": "2024-03-02"},
                                token_from=token)
    with app.app_context():
        status = db.session.get(Dispute, target).status
    if E in may:
        assert status == "调解中", role
    else:
        assert refused(response, role) and status == "已登记", (role, response.status_code)
    response = client.post_form(f"/disputeview/event/{target}",
                                {"happened_on": "2024-03-03", "action": "调查", "content": "走访"}, token_from=token)
    assert (response.status_code == 302) if E in may else refused(response, role), role
    response = client.post_form(f"/disputeview/delete/{victim}", {}, token_from=token)
    with app.app_context():
        gone = db.session.get(Dispute, victim) is None
    if D in may:
        assert gone, role
    else:
        assert refused(response, role) and not gone, (role, response.status_code)

    # the API
    api = {
        R: call("GET", "/api/v1/dispute/"),
        A: call("POST", "/api/v1/dispute/", json=api_body(village_id=village_id(app, village))),
        E: call("PUT", f"/api/v1/dispute/{target}", json={"description": "接口修改"}),
        D: call("DELETE", f"/api/v1/dispute/{api_victim}"),
    }
    for action, response in api.items():
        if action in may:
            assert response.status_code in (200, 201), (role, action, response.get_json())
        else:
            assert refused(response, role, api=True), (role, action, response.status_code)
    response = call("POST", f"/api/v1/dispute/{target}/transition",
                          json={"status": "不予受理", "date": "2024-03-04", "reason": "x"})
    if E in may:
        assert response.status_code == 422  # already 调解中 from the page
    else:
        assert refused(response, role, api=True), (role, response.status_code)
    response = call("GET", "/api/v1/dispute_event/")
    assert response.status_code == 200 if R in may else refused(response, role, api=True)
    response = call("POST", "/api/v1/dispute_event/",
                          json={"dispute_id": target, "happened_on": "2024-03-05", "action": "调解", "content": "面谈"})
    assert response.status_code == 201 if A in may else refused(response, role, api=True), role


@pytest.mark.parametrize("role", list(DISPUTE), ids=lambda r: r or "anonymous")
def test_subsidy_permissions(app, client_for, factory, role):
    may = SUBSIDY.get(role, set())
    employer = factory.employer(name=f"补贴单位{role}")
    with app.app_context():
        item = Subsidy(employer_id=employer.id, subsidy_type="岗位补贴", people_count=1, status="指导中",
                       guided_on=date(2024, 3, 1))
        db.session.add(item)
        db.session.commit()
        pk = item.id
    client = client_for(role)

    def call(method, path, json=None):
        return client.api(method, path, json=json, csrf=role is not None)

    for path in ("/subsidyview/list/", f"/subsidyview/show/{pk}", "/subsidyview/summary/"):
        response = client.get(path)
        assert response.status_code == 200 if R in may else refused(response, role), (role, path)
    response = client.get("/subsidyview/add")
    assert response.status_code == 200 if A in may else refused(response, role), role
    body = {"employer_id": employer.id, "subsidy_type": "岗位补贴", "people_count": 2, "status": "指导中",
            "guided_on": "2024-03-02"}
    response = call("POST", "/api/v1/subsidy/", json=body)
    assert response.status_code == 201 if A in may else refused(response, role, api=True), role
    response = call("PUT", f"/api/v1/subsidy/{pk}", json={"note": "补充材料"})
    assert response.status_code == 200 if E in may else refused(response, role, api=True), role
    response = call("DELETE", f"/api/v1/subsidy/{pk}")
    with app.app_context():
        gone = db.session.scalar(select(Subsidy).where(Subsidy.id == pk)) is None
    assert gone == (D in may), role
