"""Role × resource × REST call: the permission matrix of SPEC §2 and the row rule on /api/v1/.

GET list, GET item, _info, POST, PUT and DELETE for every role, both directions; the
row rule on item ids, searches and counts; masking; CSRF on cookie-authenticated writes
and JWT logins.
"""
import re

import prison
import pytest

from app import db
from app.models import Employer, Household, Job, JobType, Village, Worker
from tests.conftest import PASSWORD
from tests.views.helpers_acl import (
    ADD,
    DELETE,
    EDIT,
    LABELS,
    MATRIX,
    READ,
    RESOURCE_INFO,
    RESOURCES,
    TAGS,
    TARGET,
    VISIBLE,
    allowed,
    api_payload,
    column,
    exists,
    fetch,
    id_number,
    seed,
    village_id,
)

ROLES = list(MATRIX)
API_RESOURCES = [r for r in RESOURCES if RESOURCE_INFO[r].api]
MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")


def role_id(role):
    return role or "anonymous"


def assert_refused(response, role, what):
    """403 for a signed-in user without the permission, 401 for no credentials at all."""
    expected = 401 if role is None else 403
    assert response.status_code == expected, f"{what}: {response.status_code} {response.get_data(as_text=True)[:200]}"


def labels_of(response, resource):
    column_name = RESOURCE_INFO[resource].label_column
    return {row[column_name] for row in response.get_json()["result"]}


def _fresh(app, factory):
    with app.app_context():
        for name in ("接口村甲", "接口删村"):
            db.session.add(Village(name=name, kind="村", sort_order=0))
        for name in ("接口工种甲", "接口删工种"):
            db.session.add(JobType(name=name, sort_order=0))
        db.session.commit()
    targets = {"village": fetch(app, Village, name="接口村甲").id, "job_type": fetch(app, JobType, name="接口工种甲").id}
    owner = factory.employer(name="接口删岗单位", village="中塘村")
    victims = {
        "village": fetch(app, Village, name="接口删村").id,
        "job_type": fetch(app, JobType, name="接口删工种").id,
        "household": factory.household(village="中塘村", head_name="接口删户", head_id_number=id_number(factory)).id,
        "worker": factory.worker(village="中塘村", name="接口删人", id_number=id_number(factory)).id,
        "employer": factory.employer(name="接口删单位", village="中塘村").id,
        "job": factory.job(owner, title="接口删岗").id,
    }
    return targets, victims


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_api_permission_matrix(app, client_for, factory, role):
    """One role, every resource: list, item, _info, POST, PUT, DELETE."""
    rows = seed(factory)
    targets, victims = _fresh(app, factory)
    client = client_for(role)
    for resource in API_RESOURCES:
        info = RESOURCE_INFO[resource]
        base = f"/api/v1/{info.api}/"
        model, label_column = info.model, info.label_column
        if resource in TARGET[role]:
            target, target_label = rows[TARGET[role][resource]], LABELS[TARGET[role][resource]]
        else:
            target = targets[resource]
            target_label = column(app, model, target, label_column)
        what = f"{role_id(role)} {resource}"

        may_read = allowed(role, resource, READ)
        if may_read is not None:
            for path in (base, f"{base}{target}", f"{base}_info"):
                response = client.get(path)
                if may_read:
                    assert response.status_code == 200, f"{what} GET {path}: {response.status_code}"
                else:
                    assert_refused(response, role, f"{what} GET {path}")
            if may_read:
                assert client.get(f"{base}{target}").get_json()["result"][label_column] == target_label
                if resource in TAGS:  # the row rule: exactly the rows SPEC lets the role read
                    response = client.get(base + "?q=" + prison.dumps({"page_size": 100}))
                    expected = {LABELS[t] for t in VISIBLE[role][resource]}
                    seeded = {LABELS[t] for t in TAGS[resource]}
                    assert labels_of(response, resource) & seeded == expected, what
                    hidden = seeded - expected
                    assert response.get_json()["count"] == len(labels_of(response, resource)), what
                    for tag in TAGS[resource]:
                        if LABELS[tag] in hidden:
                            assert client.get(f"{base}{rows[tag]}").status_code == 404, f"{what} {tag}"

        may_add = allowed(role, resource, ADD)
        if may_add is not None:
            marker = f"接口新{resource}{role_id(role)}"
            response = client.api("POST", base, json=api_payload(resource, app, factory, role, marker, rows),
                                  csrf=role is not None)
            created = exists(app, model, **{label_column: marker})
            if may_add:
                assert response.status_code == 201, f"{what} POST: {response.get_data(as_text=True)[:300]}"
                assert created, what
            else:
                assert_refused(response, role, f"{what} POST")
                assert not created, what

        may_edit = allowed(role, resource, EDIT)
        if may_edit is not None:
            marker = f"接口改{resource}{role_id(role)}"
            before = column(app, model, target, label_column)
            response = client.api("PUT", f"{base}{target}", json={label_column: marker}, csrf=role is not None)
            after = column(app, model, target, label_column)
            if may_edit:
                assert response.status_code == 200, f"{what} PUT: {response.get_data(as_text=True)[:300]}"
                assert after == marker, what
            else:
                assert_refused(response, role, f"{what} PUT")
                assert after == before, what

        may_delete = allowed(role, resource, DELETE)
        if may_delete is not None:
            victim = victims[resource]
            response = client.api("DELETE", f"{base}{victim}", csrf=role is not None)
            if may_delete:
                assert response.status_code == 200, f"{what} DELETE: {response.get_data(as_text=True)[:300]}"
                assert column(app, model, victim, "id") is None, what
            else:
                assert_refused(response, role, f"{what} DELETE")
                assert column(app, model, victim, "id") == victim, what
    # the operation log has no REST resource at all
    assert client.get("/api/v1/operation_log/").status_code == 404


def test_api_specialist_and_another_villages_rows(app, client_for, factory):
    """中塘村's specialist: 兴泉村's people are not found by id, search, count, PUT or DELETE."""
    rows = seed(factory)
    client = client_for("zhongtang")
    for resource, other, own, id_column in (("worker", "w_xq", "w_zt", "id_number"),
                                           ("household", "h_xq", "h_zt", "head_id_number")):
        info = RESOURCE_INFO[resource]
        base = f"/api/v1/{info.api}/"
        target = rows[other]
        assert client.get(f"{base}{target}").status_code == 404
        response = client.api("PUT", f"{base}{target}", json={info.label_column: "越权改"})
        assert response.status_code == 404
        response = client.api("PUT", f"{base}{target}", json={"village_id": village_id(app, "中塘村")})
        assert response.status_code == 404
        assert client.api("DELETE", f"{base}{target}").status_code == 403  # no delete permission
        assert column(app, info.model, target, info.label_column) == LABELS[other]
        assert column(app, info.model, target, "village_id") == village_id(app, "兴泉村")
        for opr, value in (("eq", column(app, info.model, target, id_column)),
                           ("eq", LABELS[other])):
            col = id_column if value != LABELS[other] else info.label_column
            query = prison.dumps({"filters": [{"col": col, "opr": opr, "value": value}]})
            body = client.get(f"{base}?q={query}").get_json()
            assert body["count"] == 0 and body["result"] == [], (resource, opr, value)
        # a part of an ID number is no search at all: numbers are found whole only
        query = prison.dumps({"filters": [{"col": id_column, "opr": "ct", "value": column(app, info.model, target, id_column)[-8:]}]})
        assert client.get(f"{base}?q={query}").status_code == 400
        own_number = column(app, info.model, rows[own], id_column)
        query = prison.dumps({"filters": [{"col": id_column, "opr": "eq", "value": own_number}]})
        assert client.get(f"{base}?q={query}").get_json()["count"] == 1
        # moving one's own row into another village is refused
        response = client.api("PUT", f"{base}{rows[own]}", json={"village_id": village_id(app, "兴泉村")})
        assert response.status_code == 403
        assert column(app, info.model, rows[own], "village_id") == village_id(app, "中塘村")


def test_api_specialist_creates_only_in_own_village(app, client_for, factory):
    rows = seed(factory)
    client = client_for("zhongtang")
    other = village_id(app, "兴泉村")
    attempts = [
        ("worker", {"village_id": other}),
        ("worker", {"household_id": rows["h_xq"]}),  # a household of another village
        ("household", {"village_id": other}),
        ("employer", {"village_id": other}),
        ("employer", {"source_office": "农服中心", "village_id": None}),
        ("job", {"village_id": other}),
        ("job", {"employer_id": rows["e_xq"]}),  # an employer the specialist cannot read
        ("job", {"employer_id": rows["e_nf"]}),
    ]
    for n, (resource, change) in enumerate(attempts):
        info = RESOURCE_INFO[resource]
        marker = f"接口越村{n}"
        body = {**api_payload(resource, app, factory, "zhongtang", marker, rows), **change}
        response = client.api("POST", f"/api/v1/{info.api}/", json=body)
        row = fetch(app, info.model, **{info.label_column: marker})
        if change.get("village_id", 0) is None:  # left out: filled in with the own village
            assert response.status_code == 201 and row.village_id == village_id(app, "中塘村")
            continue
        assert response.status_code in (403, 422), (resource, change, response.status_code)
        assert row is None, (resource, change)
    # an employer behind another village's published job may be picked for a job
    body = {**api_payload("job", app, factory, "zhongtang", "接口借单位岗", rows), "employer_id": rows["e_xq_pub"]}
    assert client.api("POST", "/api/v1/job/", json=body).status_code == 201
    job = fetch(app, Job, title="接口借单位岗")
    assert job.village_id == village_id(app, "中塘村")
    # and an existing row cannot be pointed at another village's household either
    response = client.api("PUT", f"/api/v1/worker/{rows['w_zt']}", json={"household_id": rows["h_xq"]})
    assert response.status_code in (403, 422)
    assert column(app, Worker, rows["w_zt"], "household_id") is None


def test_api_published_jobs_are_read_only_for_others(app, client_for, factory):
    rows = seed(factory)
    for role in ("zhongtang", "nongfu", "tese"):
        client = client_for(role)
        for tag in ("j_xq_open", "j_xq_full", "j_xq_ended"):
            assert client.get(f"/api/v1/job/{rows[tag]}").status_code == 200, (role, tag)
            response = client.api("PUT", f"/api/v1/job/{rows[tag]}", json={"title": "越权改岗"})
            assert response.status_code == 403, (role, tag)
            assert column(app, Job, rows[tag], "title") == LABELS[tag]
        assert client.get(f"/api/v1/job/{rows['j_xq_draft']}").status_code == 404
        assert client.get(f"/api/v1/job/{rows['j_xq_withdrawn']}").status_code == 404
        response = client.api("PUT", f"/api/v1/employer/{rows['e_xq_pub']}", json={"name": "越权改单位"})
        assert response.status_code == 403, role
        assert column(app, Employer, rows["e_xq_pub"], "name") == LABELS["e_xq_pub"]
    # an office cannot take a village's job over, nor file one under another office
    client = client_for("nongfu")
    response = client.api("PUT", f"/api/v1/job/{rows['j_nf_draft']}", json={"source_office": "特色产业办"})
    assert response.status_code == 403
    assert column(app, Job, rows["j_nf_draft"], "source_office") == "农服中心"


@pytest.mark.parametrize("role, masked", [("zhuanban", True), ("jingfa", True), ("shebao", False),
                                          ("zhongtang", False), ("admin", False)])
def test_personal_numbers_masked_unless_permitted(app, client_for, factory, role, masked):
    """`500114********123X` and `138****5678` for 镇工作专班 and 经发办, in HTML lists and the API."""
    rows = seed(factory)
    client = client_for(role)
    worker = fetch(app, Worker, name=LABELS["w_zt_key"])  # visible to every role tested here
    household = fetch(app, Household, head_name=LABELS["h_zt_key"])
    full_id, phone, head_id = worker.id_number, worker.phone, household.head_id_number
    shown_id = f"{full_id[:6]}{'*' * 8}{full_id[-4:]}" if masked else full_id
    shown_phone = f"{phone[:3]}****{phone[-4:]}" if masked else phone
    shown_head = f"{head_id[:6]}{'*' * 8}{head_id[-4:]}" if masked else head_id

    for path in ("/workerview/list/", f"/workerview/show/{worker.id}"):
        html = client.get(path).get_data(as_text=True)
        assert shown_id in html and shown_phone in html, path
        if masked:
            assert full_id not in html and phone not in html, path
    html = client.get("/householdview/list/").get_data(as_text=True)
    assert shown_head in html
    if masked:
        assert head_id not in html

    listed = client.get("/api/v1/worker/?q=" + prison.dumps({"page_size": 100})).get_json()["result"]
    row = next(r for r in listed if r["name"] == LABELS["w_zt_key"])
    item = client.get(f"/api/v1/worker/{worker.id}").get_json()["result"]
    for data in (row, item):
        assert data["id_number"] == shown_id and data["phone"] == shown_phone
        if masked:
            assert MASKED_ID.match(data["id_number"]) and MASKED_PHONE.match(data["phone"])
    listed = client.get("/api/v1/household/?q=" + prison.dumps({"page_size": 100})).get_json()["result"]
    assert next(r for r in listed if r["head_name"] == LABELS["h_zt_key"])["head_id_number"] == shown_head
    assert client.get(f"/api/v1/household/{household.id}").get_json()["result"]["head_id_number"] == shown_head


def test_cookie_api_writes_need_the_csrf_token(app, client_for, factory):
    rows = seed(factory)
    client = client_for("shebao")
    body = api_payload("worker", app, factory, "shebao", "无令牌", rows)
    response = client.api("POST", "/api/v1/worker/", json=body, csrf=False)
    assert response.status_code == 400
    assert not exists(app, Worker, name="无令牌")
    response = client.api("PUT", f"/api/v1/worker/{rows['w_zt']}", json={"name": "无令牌改"}, csrf=False)
    assert response.status_code == 400
    assert client.api("DELETE", f"/api/v1/worker/{rows['w_xq']}", csrf=False).status_code == 400
    assert column(app, Worker, rows["w_zt"], "name") == LABELS["w_zt"]
    assert column(app, Worker, rows["w_xq"], "id") == rows["w_xq"]
    # with the token: accepted
    response = client.api("POST", "/api/v1/worker/", json=body)
    assert response.status_code == 201
    assert exists(app, Worker, name="无令牌")


def _jwt(app, username):
    http = app.test_client()
    response = http.post("/api/v1/security/login",
                         json={"username": username, "password": PASSWORD, "provider": "db"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return http, {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_jwt_login_writes_without_csrf_under_the_same_rules(app, factory):
    rows = seed(factory)
    http, auth = _jwt(app, "zhongtang")
    # no session cookie: reads and writes by token, no CSRF token needed
    body = api_payload("worker", app, factory, "zhongtang", "令牌新人", rows)
    response = http.post("/api/v1/worker/", json=body, headers=auth)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert fetch(app, Worker, name="令牌新人").village_id == village_id(app, "中塘村")
    response = http.put(f"/api/v1/worker/{rows['w_zt']}", json={"notes": "令牌改"}, headers=auth)
    assert response.status_code == 200
    assert column(app, Worker, rows["w_zt"], "notes") == "令牌改"
    # the row rule, permissions and masking are the token user's
    assert http.get(f"/api/v1/worker/{rows['w_xq']}", headers=auth).status_code == 404
    assert http.put(f"/api/v1/worker/{rows['w_xq']}", json={"notes": "x"}, headers=auth).status_code == 404
    assert http.delete(f"/api/v1/worker/{rows['w_zt']}", headers=auth).status_code == 403
    names = {r["name"] for r in http.get("/api/v1/worker/", headers=auth).get_json()["result"]}
    assert LABELS["w_xq"] not in names and LABELS["w_zt"] in names
    other = {**api_payload("worker", app, factory, "zhongtang", "令牌越村", rows),
             "village_id": village_id(app, "兴泉村")}
    assert http.post("/api/v1/worker/", json=other, headers=auth).status_code == 403
    assert not exists(app, Worker, name="令牌越村")
    # a read-only role's token reads masked numbers and writes nothing
    http, auth = _jwt(app, "zhuanban")
    item = http.get(f"/api/v1/worker/{rows['w_zt']}", headers=auth).get_json()["result"]
    assert MASKED_ID.match(item["id_number"])
    assert http.put(f"/api/v1/worker/{rows['w_zt']}", json={"notes": "专班"}, headers=auth).status_code == 403
    # a bad token is refused
    assert app.test_client().get("/api/v1/worker/", headers={"Authorization": "Bearer nonsense"}).status_code in (401, 422)


def test_anonymous_gets_nothing_from_the_api(app, client_for, factory):
    rows = seed(factory)
    client = client_for(None)
    for resource in API_RESOURCES:
        base = f"/api/v1/{RESOURCE_INFO[resource].api}/"
        for path in (base, f"{base}_info", f"{base}1"):
            response = client.get(path)
            assert response.status_code == 401, path
            assert "result" not in (response.get_json() or {}), path
    assert client.api("POST", "/api/v1/worker/", json={"name": "匿名"}, csrf=False).status_code == 401
    assert client.api("DELETE", f"/api/v1/worker/{rows['w_zt']}", csrf=False).status_code == 401
    assert column(app, Worker, rows["w_zt"], "id") == rows["w_zt"]
