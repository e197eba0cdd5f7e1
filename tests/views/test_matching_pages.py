"""Matching pages and APIs through HTTP: permissions, the village rule, the public job board."""
import re
from datetime import date

from sqlalchemy import select

from app import db
from app.models import Job, Placement, Referral, Worker


def seed(factory):
    employer = factory.employer(name="中塘茶叶合作社", village="中塘村", contact_name="向经理", contact_phone="13900001111")
    job = factory.job(employer, title="春茶采摘工", status="招聘中", headcount=1, work_place="中塘村茶园",
                      wage_amount=120, wage_unit="元/天", requirements="手脚麻利", meals=True, insured=True,
                      contact_name="向经理", contact_phone="13900001111", published_on=date.today())
    hidden = factory.job(employer, title="内部待发布岗位", status="待发布")
    full = factory.job(employer, title="已招满岗位", status="已招满")
    mine = factory.worker(village="中塘村", name="王小明", phone="13811112222", id_number=factory.id_number(birth=date(1985, 1, 1)))
    theirs = factory.worker(village="兴泉村", name="李兴泉", phone="13833334444", id_number=factory.id_number(birth=date(1986, 1, 1)))
    return {"job": job.id, "hidden": hidden.id, "full": full.id, "mine": mine.id, "theirs": theirs.id,
            "mine_id_number": mine.id_number}


def test_candidates_api_ranks_with_the_village_rule(app, client_for, factory):
    rows = seed(factory)
    town = client_for("shebao").get(f"/api/v1/job/{rows['job']}/candidates").get_json()
    assert {r["worker_id"] for r in town["result"]} == {rows["mine"], rows["theirs"]}
    first = town["result"][0]
    assert first["worker_id"] == rows["mine"] and "同村" in first["reasons"] and first["score"] == sum(first["points"])
    village = client_for("zhongtang").get(f"/api/v1/job/{rows['job']}/candidates").get_json()
    assert [r["worker_id"] for r in village["result"]] == [rows["mine"]]
    assert client_for("xingquan").get(f"/api/v1/worker/{rows['mine']}/jobs").status_code == 404
    jobs = client_for("zhongtang").get(f"/api/v1/worker/{rows['mine']}/jobs").get_json()
    assert [r["job_id"] for r in jobs["result"]] == [rows["job"]]
    for user in ("zhuanban", "jingfa", "nongfu"):
        assert client_for(user).get(f"/api/v1/job/{rows['job']}/candidates").status_code in (401, 403), user
    assert client_for(None).get(f"/api/v1/job/{rows['job']}/candidates").status_code == 401


def test_refer_place_and_end_through_the_pages(app, client_for, factory):
    rows = seed(factory)
    specialist = client_for("zhongtang")
    page = specialist.get(f"/matching/job/{rows['job']}").get_data(as_text=True)
    assert "王小明" in page and "李兴泉" not in page and "同村 +20" in page
    response = specialist.post_form(f"/matching/job/{rows['job']}/refer", {"worker_id": [rows["mine"], rows["theirs"]]},
                                    token_from=f"/matching/job/{rows['job']}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Referral)).all() == []  # another village's worker: nothing made
    specialist.post_form(f"/matching/job/{rows['job']}/refer", {"worker_id": rows["mine"]}, token_from=f"/matching/job/{rows['job']}")
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        assert (referral.worker_id, referral.status) == (rows["mine"], "已推荐")
        referral_id = referral.id
    listing = specialist.get("/referralview/list/").get_data(as_text=True)
    assert "王小明" in listing
    assert "王小明" not in client_for("xingquan").get("/referralview/list/").get_data(as_text=True)
    specialist.post_form("/referralview/action_post", {"action": "to_placed", "rowid": referral_id}, token_from="/referralview/list/")
    with app.app_context():
        assert db.session.get(Referral, referral_id).status == "已上岗"
        assert db.session.get(Worker, rows["mine"]).employment_status == "就地就近务工"
        assert db.session.get(Job, rows["job"]).status == "已招满"
        placement_id = db.session.scalar(select(Placement.id))
    assert "王小明" not in client_for("xingquan").get("/placementview/list/").get_data(as_text=True)
    assert client_for("xingquan").get(f"/api/v1/placement/{placement_id}").status_code == 404
    specialist.post_form("/placementview/action_post", {"action": "end_work", "rowid": placement_id}, token_from="/placementview/list/")
    with app.app_context():
        assert db.session.get(Placement, placement_id).end_date == date.today()
        assert db.session.get(Worker, rows["mine"]).employment_status == "未就业"


def test_referral_api_and_move(app, client_for, factory):
    rows = seed(factory)
    api = client_for("zhongtang")
    made = api.api("POST", "/api/v1/referral/", json={"job_id": rows["job"], "worker_id": rows["theirs"]})
    assert made.status_code == 403
    made = api.api("POST", "/api/v1/referral/", json={"job_id": rows["hidden"], "worker_id": rows["mine"]})
    assert made.status_code in (403, 422)
    made = api.api("POST", "/api/v1/referral/", json={"job_id": rows["job"], "worker_id": rows["mine"]})
    assert made.status_code == 201, made.get_json()
    pk = made.get_json()["id"]
    moved = api.api("POST", f"/api/v1/referral/{pk}/move", json={"status": "已对接"})
    assert moved.get_json()["status"] == "已对接"
    assert api.api("POST", f"/api/v1/referral/{pk}/move", json={"status": "已推荐"}).status_code == 422
    placed = api.api("POST", f"/api/v1/referral/{pk}/move", json={"status": "已上岗", "start_date": "2024-06-01"}).get_json()
    assert placed["placement_id"]
    assert client_for("xingquan").api("POST", f"/api/v1/referral/{pk}/move", json={"status": "未成功"}).status_code == 404
    assert client_for("zhuanban").get(f"/api/v1/referral/{pk}").status_code == 200
    assert client_for("zhuanban").api("POST", f"/api/v1/placement/{placed['placement_id']}/end", json={}).status_code in (401, 403)


def test_feedback_view_edits_three_fields_of_key_group_workers(app, client_for, factory):
    key = factory.worker(village="兴泉村", name="张脱贫", is_poverty_alleviated=True)
    plain = factory.worker(village="中塘村", name="赵一般")
    jingfa = client_for("jingfa")
    listing = jingfa.get("/employment-feedback/list/").get_data(as_text=True)
    assert "张脱贫" in listing and "赵一般" not in listing
    form = jingfa.get(f"/employment-feedback/edit/{key.id}").get_data(as_text=True)
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([a-z_]+)"', form)) - {"csrf_token"}
    assert names == {"employment_status", "work_place", "notes"}
    response = jingfa.post_form(f"/employment-feedback/edit/{key.id}",
                                {"employment_status": "市外务工", "work_place": "浙江省宁波市", "notes": "电话回访",
                                 "name": "改名"}, token_from=f"/employment-feedback/edit/{key.id}")
    assert response.status_code == 302
    with app.app_context():
        w = db.session.get(Worker, key.id)
        assert (w.employment_status, w.work_place, w.notes, w.name) == ("市外务工", "浙江省宁波市", "电话回访", "张脱贫")
    assert jingfa.get(f"/employment-feedback/edit/{plain.id}").status_code in (302, 404)
    assert jingfa.get(f"/workerview/edit/{key.id}").status_code in (302, 403)
    assert client_for("zhongtang").get("/employment-feedback/list/").status_code in (302, 403)


def test_household_tracker_page(app, client_for, factory):
    home = factory.household(village="中塘村", category="脱贫户", head_name="冉户主")
    factory.worker(village="中塘村", name="冉成员", household_id=home.id)
    other = factory.household(village="兴泉村", category="监测户", head_name="田户主")
    factory.worker(village="兴泉村", name="田成员", household_id=other.id)
    town = client_for("shebao").get("/household-employment/").get_data(as_text=True)
    assert "冉户主" in town and "田户主" in town
    village = client_for("zhongtang").get("/household-employment/").get_data(as_text=True)
    assert "冉户主" in village and "田户主" not in village and "兴泉村" not in village.split('id="coverage"')[1].split("</table>")[0]


def test_public_board_shows_open_jobs_and_nothing_else(app, client_for, factory):
    rows = seed(factory)
    for who in (None, "zhongtang", "jingfa"):
        client = client_for(who)
        board = client.get("/jobs/")
        assert board.status_code == 200
        html = board.get_data(as_text=True)
        assert "春茶采摘工" in html and "内部待发布岗位" not in html and "已招满岗位" not in html, who
        assert "王小明" not in html and "13811112222" not in html
    client = client_for(None)
    assert client.get(f"/jobs/{rows['hidden']}").status_code == 404
    assert client.get(f"/jobs/{rows['full']}").status_code == 404
    html = client.get(f"/jobs/{rows['job']}").get_data(as_text=True)
    assert "data:image/svg+xml;base64," in html and "复制发布文案" in html
    assert "【招工信息】春茶采摘工" in html and f"/jobs/{rows['job']}" in html and "13900001111" in html
    for leak in ("王小明", "李兴泉", "13811112222", "13833334444", rows["mine_id_number"]):
        assert leak not in html
    poster = client.get(f"/jobs/{rows['job']}/poster").get_data(as_text=True)
    assert "招工启事" in poster and "data:image/svg+xml;base64," in poster and "size: A4" in poster
    filtered = client.get("/jobs/?place=outside").get_data(as_text=True)
    assert "春茶采摘工" not in filtered
    assert "http://" not in html.replace(f"http://localhost/jobs/{rows['job']}", "")  # nothing from outside
