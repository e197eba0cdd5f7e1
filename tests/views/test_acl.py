"""Role × resource × UI path: the permission matrix of SPEC §2 and the row rule, in the browser views.

Every path is checked in both directions: what a role may do works and changes the
database; what it may not do is refused (403, or a redirect to the login page for an
anonymous visitor) or does not show the row, and leaves the database as it was.
"""
import pytest
from sqlalchemy import select

from app import db
from app.models import Employer, Household, Job, JobType, OperationLog, Village, Worker
from app.views.dictionaries import JobTypeView, VillageView
from app.views.employers import EmployerView, JobView
from app.views.workers import HouseholdView, WorkerView
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
    add_form,
    allowed,
    column,
    exists,
    fetch,
    flashes,
    form_from_row,
    id_number,
    seed,
    select_options,
    village_id,
)

VIEW_CLASSES = {
    "village": VillageView, "household": HouseholdView, "worker": WorkerView,
    "job_type": JobTypeView, "employer": EmployerView, "job": JobView,
}
ROLES = list(MATRIX)


def role_id(role):
    return role or "anonymous"


def token_page(role):
    return "/" if role else "/login/"


def assert_refused(response, role, what):
    """Refused: 403 for a signed-in user, the login page for an anonymous visitor."""
    if role is None:
        assert response.status_code == 302, what
        assert "/login/" in response.headers["Location"], what
    else:
        assert response.status_code == 403, f"{what}: {response.status_code}"


def _fresh_rows(app, factory):
    """Rows made for this test only: targets for village/job-type edits and delete victims."""
    with app.app_context():
        for name, order in (("测试村甲", 0), ("删村乙", 0), ("删村丙", 0)):
            db.session.add(Village(name=name, kind="村", sort_order=order))
        for name in ("测试工种甲", "删工种乙", "删工种丙"):
            db.session.add(JobType(name=name, sort_order=0))
        db.session.commit()
    victims = {"village": [], "job_type": [], "household": [], "worker": [], "employer": [], "job": []}
    victims["village"] = [fetch(app, Village, name=n).id for n in ("删村乙", "删村丙")]
    victims["job_type"] = [fetch(app, JobType, name=n).id for n in ("删工种乙", "删工种丙")]
    for n in ("删户乙", "删户丙"):
        victims["household"].append(factory.household(village="中塘村", head_name=n, head_id_number=id_number(factory)).id)
    for n in ("删人乙", "删人丙"):
        victims["worker"].append(factory.worker(village="中塘村", name=n, id_number=id_number(factory)).id)
    for n in ("删单位乙", "删单位丙"):
        victims["employer"].append(factory.employer(name=n, village="中塘村").id)
    owner = factory.employer(name="删岗单位", village="中塘村")
    for n in ("删岗乙", "删岗丙"):
        victims["job"].append(factory.job(owner, title=n).id)
    targets = {"village": fetch(app, Village, name="测试村甲").id, "job_type": fetch(app, JobType, name="测试工种甲").id}
    with app.app_context():
        targets["operation_log"] = db.session.scalar(select(OperationLog.id).order_by(OperationLog.id))
    return targets, victims


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_ui_permission_matrix(app, client_for, factory, role):
    """One role, every resource, every path: list, show, add, edit, delete, bulk delete."""
    rows = seed(factory)
    fresh_targets, victims = _fresh_rows(app, factory)
    client = client_for(role)
    token = token_page(role)
    checked = 0
    for resource in RESOURCES:
        info = RESOURCE_INFO[resource]
        view = info.view
        if resource in TARGET[role]:
            target = rows[TARGET[role][resource]]
            target_label = LABELS[TARGET[role][resource]]
        else:
            target = fresh_targets[resource]
            target_label = column(app, info.model, target, info.label_column)
        what = f"{role_id(role)} {resource}"

        # read: list and show
        if allowed(role, resource, READ) is not None:
            for path in (f"/{view}/list/", f"/{view}/show/{target}"):
                response = client.get(path)
                if allowed(role, resource, READ):
                    assert response.status_code == 200, f"{what} {path}: {response.status_code}"
                    assert target_label in response.get_data(as_text=True), f"{what} {path}"
                else:
                    assert_refused(response, role, f"{what} {path}")
                checked += 1

        # add: the form, then a submission
        may_add = allowed(role, resource, ADD)
        if may_add is not None:
            response = client.get(f"/{view}/add")
            if may_add:
                assert response.status_code == 200, f"{what} add form"
            else:
                assert_refused(response, role, f"{what} add form")
            if resource in VIEW_CLASSES:
                marker = f"新{resource}{role_id(role)}"
                response = client.post_form(f"/{view}/add", add_form(resource, app, factory, role, marker, rows),
                                            token_from=token)
                created = exists(app, info.model, **{info.label_column: marker})
                if may_add:
                    assert response.status_code == 302, f"{what} add: {flashes(response.get_data(as_text=True))}"
                    assert created, f"{what} add: {flashes(client.get(f'/{view}/list/').get_data(as_text=True))}"
                else:
                    assert_refused(response, role, f"{what} add")
                    assert not created, what
            checked += 2

        # edit: the form, then a submission
        may_edit = allowed(role, resource, EDIT)
        if may_edit is not None:
            response = client.get(f"/{view}/edit/{target}")
            if may_edit:
                assert response.status_code == 200, f"{what} edit form: {response.status_code}"
            else:
                assert_refused(response, role, f"{what} edit form")
            if resource in VIEW_CLASSES:
                marker = f"改{resource}{role_id(role)}"
                before = column(app, info.model, target, info.label_column)
                data = form_from_row(app, VIEW_CLASSES[resource], info.model, target, **{info.label_column: marker})
                response = client.post_form(f"/{view}/edit/{target}", data, token_from=token)
                after = column(app, info.model, target, info.label_column)
                if may_edit:
                    assert response.status_code == 302, f"{what} edit: {flashes(response.get_data(as_text=True))}"
                    assert after == marker, f"{what} edit: {flashes(client.get(f'/{view}/list/').get_data(as_text=True))}"
                else:
                    assert_refused(response, role, f"{what} edit")
                    assert after == before, what
            checked += 2

        # delete: one row, then the bulk action (FAB actions bypass base_filters)
        may_delete = allowed(role, resource, DELETE)
        if may_delete is not None and resource in victims:
            one, bulk = victims[resource]
            response = client.post_form(f"/{view}/delete/{one}", {}, token_from=token)
            if may_delete:
                assert response.status_code == 302, what
                assert column(app, info.model, one, "id") is None, f"{what} delete"
            else:
                assert_refused(response, role, f"{what} delete")
                assert column(app, info.model, one, "id") == one, f"{what} delete"
            response = client.post_form(f"/{view}/action_post", {"action": "muldelete", "rowid": [str(bulk)]},
                                        token_from=token)
            assert response.status_code == 302, f"{what} muldelete: {response.status_code}"
            if may_delete:
                assert column(app, info.model, bulk, "id") is None, f"{what} muldelete"
            else:
                assert column(app, info.model, bulk, "id") == bulk, f"{what} muldelete"
            checked += 2
    assert checked > 0


def test_operation_log_has_no_bulk_delete(app, client_for, factory):
    """The log is append-only: no role, not even the administrator, deletes it in bulk."""
    client_for("shebao")  # a login writes a log row
    with app.app_context():
        ids = list(db.session.scalars(select(OperationLog.id)))
    assert ids
    for role in ("admin", "shebao"):
        client = client_for(role)
        response = client.post_form("/operationlogview/action_post",
                                    {"action": "muldelete", "rowid": [str(i) for i in ids]}, token_from="/")
        assert response.status_code == 404, role
        response = client.post_form(f"/operationlogview/delete/{ids[0]}", {}, token_from="/")
        assert response.status_code == 403, role
    with app.app_context():
        assert set(ids) <= set(db.session.scalars(select(OperationLog.id)))


# --- the row rule (SPEC §2) on every UI path ---

def _id_number(app, model, pk, column_name="id_number"):
    return column(app, model, pk, column_name)


def test_specialist_cannot_reach_another_villages_people(app, client_for, factory):
    """中塘村's specialist and 兴泉村's workers and households: list, show, edit, delete, bulk, search."""
    rows = seed(factory)
    client = client_for("zhongtang")
    for resource, other, own, id_column in (("worker", ("w_xq", "w_xq_key"), "w_zt", "id_number"),
                                           ("household", ("h_xq", "h_xq_key"), "h_zt", "head_id_number")):
        info = RESOURCE_INFO[resource]
        view, model = info.view, info.model
        page = client.get(f"/{view}/list/").get_data(as_text=True)
        assert LABELS[own] in page
        for tag in other:
            assert LABELS[tag] not in page, f"{resource} list shows {tag}"
        target = rows[other[0]]
        assert client.get(f"/{view}/show/{target}").status_code == 404
        assert client.get(f"/{view}/edit/{target}").status_code == 404
        before = column(app, model, target, info.label_column)
        data = form_from_row(app, VIEW_CLASSES[resource], model, target, **{info.label_column: "越权改名"})
        data["village"] = str(village_id(app, "中塘村"))  # even "moving it into my village"
        assert client.post_form(f"/{view}/edit/{target}", data, token_from="/").status_code == 404
        assert column(app, model, target, info.label_column) == before
        assert column(app, model, target, "village_id") == village_id(app, "兴泉村")
        # no delete permission at all, and the bulk and single-row actions keep the row too
        assert client.post_form(f"/{view}/delete/{target}", {}, token_from="/").status_code == 403
        response = client.post_form(f"/{view}/action_post", {"action": "muldelete", "rowid": [str(target)]},
                                    token_from="/")
        assert response.status_code == 302
        response = client.post_form(f"/{view}/action/muldelete/{target}", {}, token_from="/")
        assert response.status_code == 302
        assert column(app, model, target, "id") == target
        # search by the exact ID number finds own rows, never another village's
        equal = 0  # personal numbers offer one filter only: the whole number (equal)
        own_number = _id_number(app, model, rows[own], id_column)
        other_number = _id_number(app, model, target, id_column)
        page = client.get(f"/{view}/list/?_flt_{equal}_{id_column}={own_number}").get_data(as_text=True)
        assert LABELS[own] in page
        for flt in (f"_flt_{equal}_{id_column}={other_number}", f"_flt_2_{id_column}={other_number[-6:]}",
                    f"_flt_0_{info.label_column}={LABELS[other[0]]}"):
            page = client.get(f"/{view}/list/?{flt}").get_data(as_text=True)
            assert LABELS[other[0]] not in page, flt  # (the number itself is echoed in the search form)
    # the same search by 社保所 does find the row: the filter itself works
    number = _id_number(app, Worker, rows["w_xq"])
    page = client_for("shebao").get(f"/workerview/list/?_flt_0_id_number={number}").get_data(as_text=True)
    assert LABELS["w_xq"] in page and LABELS["w_zt"] not in page


def test_bulk_delete_skips_rows_outside_the_scope(app, client_for, factory):
    """A bulk action with a mix of ids deletes only what the user may delete; 社保所 deletes all."""
    rows = seed(factory)
    victims = [factory.worker(village=v, name=n, id_number=id_number(factory)).id
               for v, n in (("中塘村", "删甲"), ("兴泉村", "删乙"))]
    response = client_for("shebao").post_form(
        "/workerview/action_post", {"action": "muldelete", "rowid": [str(v) for v in victims]}, token_from="/")
    assert response.status_code == 302
    assert all(column(app, Worker, v, "id") is None for v in victims)
    # a role without delete gets nothing deleted however the ids are mixed
    client = client_for("zhongtang")
    response = client.post_form("/workerview/action_post",
                                {"action": "muldelete", "rowid": [str(rows["w_zt"]), str(rows["w_xq"])]},
                                token_from="/")
    assert response.status_code == 302
    assert column(app, Worker, rows["w_zt"], "id") and column(app, Worker, rows["w_xq"], "id")
    assert client.post_form("/workerview/action_post", {"action": "nosuchaction", "rowid": ["1"]},
                            token_from="/").status_code == 404


def test_specialist_reads_but_never_edits_other_villages_published_jobs(app, client_for, factory):
    rows = seed(factory)
    client = client_for("zhongtang")
    page = client.get("/jobview/list/").get_data(as_text=True)
    for tag in ("j_zt_draft", "j_xq_open", "j_xq_full", "j_xq_ended"):
        assert LABELS[tag] in page, tag
    for tag in ("j_xq_draft", "j_xq_withdrawn", "j_nf_draft", "j_ts_draft"):
        assert LABELS[tag] not in page, tag
        assert client.get(f"/jobview/show/{rows[tag]}").status_code == 404, tag
        assert client.get(f"/jobview/edit/{rows[tag]}").status_code == 404, tag
    for tag in ("j_xq_open", "j_xq_full", "j_xq_ended"):
        job = rows[tag]
        assert client.get(f"/jobview/show/{job}").status_code == 200
        response = client.get(f"/jobview/edit/{job}")
        assert response.status_code == 302, f"{tag}: the edit form of a read-only row"
        data = form_from_row(app, JobView, Job, job, title="越权改岗", status="已撤回")
        response = client.post_form(f"/jobview/edit/{job}", data, token_from="/")
        assert response.status_code == 302
        assert column(app, Job, job, "title") == LABELS[tag]
        assert column(app, Job, job, "status") != "已撤回"
        # taking the job over into one's own village is refused too
        data = form_from_row(app, JobView, Job, job, title="越权改岗", village=str(village_id(app, "中塘村")))
        client.post_form(f"/jobview/edit/{job}", data, token_from="/")
        assert column(app, Job, job, "village_id") == village_id(app, "兴泉村")
    # employers: own village's and those behind a published job, the latter read-only
    page = client.get("/employerview/list/").get_data(as_text=True)
    assert LABELS["e_zt"] in page and LABELS["e_xq_pub"] in page
    for tag in ("e_xq", "e_nf", "e_ts"):
        assert LABELS[tag] not in page, tag
        assert client.get(f"/employerview/show/{rows[tag]}").status_code == 404, tag
    data = form_from_row(app, EmployerView, Employer, rows["e_xq_pub"], name="越权改单位")
    client.post_form(f"/employerview/edit/{rows['e_xq_pub']}", data, token_from="/")
    assert column(app, Employer, rows["e_xq_pub"], "name") == LABELS["e_xq_pub"]


def test_offices_see_their_own_jobs_and_published_ones(app, client_for, factory):
    rows = seed(factory)
    for role, own_job, own_employer, others in (
        ("nongfu", "j_nf_draft", "e_nf", ("j_ts_draft", "j_zt_draft", "j_xq_draft")),
        ("tese", "j_ts_draft", "e_ts", ("j_nf_draft", "j_zt_draft", "j_xq_draft")),
    ):
        client = client_for(role)
        page = client.get("/jobview/list/").get_data(as_text=True)
        for tag in (own_job, "j_xq_open", "j_xq_full", "j_xq_ended"):
            assert LABELS[tag] in page, (role, tag)
        for tag in others + ("j_xq_withdrawn",):
            assert LABELS[tag] not in page, (role, tag)
            assert client.get(f"/jobview/show/{rows[tag]}").status_code == 404, (role, tag)
        # a published job of a village: readable, not editable
        assert client.get(f"/jobview/edit/{rows['j_xq_open']}").status_code == 302
        data = form_from_row(app, JobView, Job, rows["j_xq_open"], title="越权改岗")
        client.post_form(f"/jobview/edit/{rows['j_xq_open']}", data, token_from="/")
        assert column(app, Job, rows["j_xq_open"], "title") == LABELS["j_xq_open"]
        # a job filed under another office is refused, whatever the form says
        data = {**form_from_row(app, JobView, Job, rows[own_job]), "title": f"{role}冒名岗",
                "source_office": "社保所"}
        client.post_form(f"/jobview/add", data, token_from="/")
        assert not exists(app, Job, title=f"{role}冒名岗", source_office="社保所")
        # employers: own office's and those behind a published job
        page = client.get("/employerview/list/").get_data(as_text=True)
        assert LABELS[own_employer] in page and LABELS["e_xq_pub"] in page
        assert LABELS["e_zt"] not in page and LABELS["e_xq"] not in page
        # no part of the labour ledger
        for path in ("/workerview/list/", f"/workerview/show/{rows['w_zt']}", "/householdview/list/",
                     f"/householdview/show/{rows['h_zt']}"):
            assert client.get(path).status_code == 403, (role, path)


def test_economic_office_reads_only_key_groups(app, client_for, factory):
    rows = seed(factory)
    client = client_for("jingfa")
    expected = VISIBLE["jingfa"]
    for resource in ("worker", "household"):
        info = RESOURCE_INFO[resource]
        page = client.get(f"/{info.view}/list/").get_data(as_text=True)
        for tag in TAGS[resource]:
            assert (LABELS[tag] in page) == (tag in expected[resource]), (resource, tag)
            status = client.get(f"/{info.view}/show/{rows[tag]}").status_code
            assert status == (200 if tag in expected[resource] else 404), (resource, tag)
        key = sorted(expected[resource])[0]
        assert client.get(f"/{info.view}/edit/{rows[key]}").status_code == 403
        data = form_from_row(app, VIEW_CLASSES[resource], info.model, rows[key], **{info.label_column: "经发改"})
        assert client.post_form(f"/{info.view}/edit/{rows[key]}", data, token_from="/").status_code == 403
        assert column(app, info.model, rows[key], info.label_column) == LABELS[key]
    number = _id_number(app, Worker, rows["w_zt"])
    page = client.get(f"/workerview/list/?_flt_0_id_number={number}").get_data(as_text=True)
    assert LABELS["w_zt"] not in page


def test_taskforce_reads_everything_changes_nothing(app, client_for, factory):
    rows = seed(factory)
    client = client_for("zhuanban")
    for resource, tags in TAGS.items():
        info = RESOURCE_INFO[resource]
        page = client.get(f"/{info.view}/list/").get_data(as_text=True)
        for tag in tags:
            assert LABELS[tag] in page, (resource, tag)
        target = rows[tags[0]]
        assert client.get(f"/{info.view}/edit/{target}").status_code == 403
        data = form_from_row(app, VIEW_CLASSES[resource], info.model, target, **{info.label_column: "专班改"})
        assert client.post_form(f"/{info.view}/edit/{target}", data, token_from="/").status_code == 403
        assert client.post_form(f"/{info.view}/delete/{target}", {}, token_from="/").status_code == 403
        client.post_form(f"/{info.view}/action_post", {"action": "muldelete", "rowid": [str(target)]},
                         token_from="/")
        assert column(app, info.model, target, info.label_column) == LABELS[tags[0]]


def test_specialist_records_land_in_their_own_village(app, client_for, factory):
    """Posting another village's id (or a household or employer of it) never creates a row there."""
    rows = seed(factory)
    client = client_for("zhongtang")
    own, other = village_id(app, "中塘村"), village_id(app, "兴泉村")
    attempts = {
        "worker": [{"village": str(other)}, {"household": str(rows["h_xq"])}],
        "household": [{"village": str(other)}],
        "employer": [{"village": str(other)}, {"village": "__None", "source_office": "农服中心"}],
        "job": [{"village": str(other)}, {"employer": str(rows["e_xq"])}, {"employer": str(rows["e_nf"])},
                {"village": "__None", "source_office": "社保所"}],
    }
    for resource, changes in attempts.items():
        info = RESOURCE_INFO[resource]
        for n, change in enumerate(changes):
            marker = f"越村{resource}{n}"
            data = {**add_form(resource, app, factory, "zhongtang", marker, rows), **change}
            client.post_form(f"/{info.view}/add", data, token_from="/")
            row = fetch(app, info.model, **{info.label_column: marker})
            if row is not None:  # accepted only if fixed back to the specialist's own village
                assert row.village_id == own, (resource, change)
                assert getattr(row, "household_id", None) != rows["h_xq"], (resource, change)
                assert getattr(row, "employer_id", None) not in (rows["e_xq"], rows["e_nf"]), (resource, change)
    # leaving the village out: the specialist's village is filled in
    data = add_form("employer", app, factory, "zhongtang", "无村单位", rows)
    data.pop("village")
    client.post_form("/employerview/add", data, token_from="/")
    row = fetch(app, Employer, name="无村单位")
    assert row is not None and row.village_id == own


def test_form_drop_downs_offer_only_readable_rows(app, client_for, factory):
    rows = seed(factory)
    zhongtang = client_for("zhongtang")
    for page in (zhongtang.get("/workerview/add"), zhongtang.get(f"/workerview/edit/{rows['w_zt']}")):
        html = page.get_data(as_text=True)
        assert select_options(html, "village") == ["中塘村"]
        households = " ".join(select_options(html, "household"))
        for tag in ("h_zt", "h_zt_key", "h_zt_mixed"):
            assert LABELS[tag] in households, tag
        for tag in ("h_xq", "h_xq_key"):
            assert LABELS[tag] not in households, tag
    html = zhongtang.get("/householdview/add").get_data(as_text=True)
    assert select_options(html, "village") == ["中塘村"]
    for path in ("/jobview/add", f"/jobview/edit/{rows['j_zt_draft']}"):
        html = zhongtang.get(path).get_data(as_text=True)
        employers = select_options(html, "employer")
        assert LABELS["e_zt"] in employers and LABELS["e_xq_pub"] in employers
        for tag in ("e_xq", "e_nf", "e_ts"):
            assert LABELS[tag] not in employers, (path, tag)
        assert set(select_options(html, "village")) - {BLANK} == {"中塘村"}
    # the search form's employer filter on the job list, too
    html = zhongtang.get("/jobview/list/").get_data(as_text=True)
    for tag in ("e_xq", "e_nf", "e_ts"):
        assert LABELS[tag] not in html, tag
    nongfu = client_for("nongfu")
    employers = select_options(nongfu.get("/jobview/add").get_data(as_text=True), "employer")
    assert LABELS["e_nf"] in employers and LABELS["e_xq_pub"] in employers
    for tag in ("e_ts", "e_zt", "e_xq"):
        assert LABELS[tag] not in employers, tag
    # 社保所 picks from every village and every employer
    shebao = client_for("shebao")
    html = shebao.get("/workerview/add").get_data(as_text=True)
    assert {"中塘村", "兴泉村", "胜利村", "迎新村", "双石村"} <= set(select_options(html, "village"))
    households = " ".join(select_options(html, "household"))
    assert LABELS["h_zt"] in households and LABELS["h_xq"] in households
    employers = select_options(shebao.get("/jobview/add").get_data(as_text=True), "employer")
    assert all(LABELS[tag] in employers for tag in TAGS["employer"])


BLANK = "（未填写）"

MENU_LINKS = {
    "worker": "/workerview/list/", "household": "/householdview/list/", "job": "/jobview/list/",
    "employer": "/employerview/list/", "village": "/villageview/list/", "job_type": "/jobtypeview/list/",
    "operation_log": "/operationlogview/list/",
}


@pytest.mark.parametrize("role", [r for r in ROLES if r])
def test_menu_shows_only_what_the_role_may_use(app, client_for, role):
    html = client_for(role).get("/").get_data(as_text=True)
    for resource, link in MENU_LINKS.items():
        may_read = allowed(role, resource, READ)
        if may_read is None:
            continue
        assert (f'href="{link}"' in html) == may_read, (role, resource)
    assert ('href="/users/list/"' in html) == (role == "admin"), "user administration"


def test_anonymous_visitor_is_sent_to_login(app, client_for, factory):
    rows = seed(factory)
    client = client_for(None)
    for resource, link in MENU_LINKS.items():
        response = client.get(link)
        assert response.status_code == 302 and "/login/" in response.headers["Location"], resource
    response = client.get(f"/workerview/show/{rows['w_zt']}", follow_redirects=True)
    assert LABELS["w_zt"] not in response.get_data(as_text=True)
