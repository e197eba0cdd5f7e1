"""Recording a worker through the web form, as a village specialist would."""
from sqlalchemy import select

from app import db
from app.models import Village, Worker
from app.services.demo import make_id_number


def _village_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Village.id).where(Village.name == name))


def _form(app, **overrides):
    import random
    from datetime import date

    data = {
        "name": "冉小梅",
        "id_number": make_id_number(random.Random(7), date(1988, 6, 1), "2"),
        "phone": "138 2345 6789",
        "village": str(_village_id(app, "中塘村")),
        "group_name": "3组",
        "labor_capacity": "普通劳动力",
        "employment_status": "未就业",
        "skills": "采茶工、普工",
    }
    data.update(overrides)
    return data


def _workers(app, name):
    with app.app_context():
        return list(db.session.scalars(select(Worker).where(Worker.name == name)))


def test_specialist_adds_worker_with_unticked_flags(app, client_for):
    client = client_for("zhongtang")
    data = _form(app)
    response = client.post_form("/workerview/add", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [worker] = _workers(app, "冉小梅")
    assert worker.gender == "女" and worker.birth_date.isoformat() == "1988-06-01"
    assert worker.phone == "13823456789"
    assert worker.is_poverty_alleviated is False and worker.is_monitored is False
    assert worker.village_id == _village_id(app, "中塘村")


def test_invalid_id_number_keeps_the_form_and_says_why(app, client_for):
    client = client_for("zhongtang")
    data = _form(app)
    data["id_number"] = data["id_number"][:-1] + ("0" if data["id_number"][-1] != "0" else "1")
    response = client.post_form("/workerview/add", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "校验位错误" in page
    assert "冉小梅" in page, "what the user typed is still in the form"
    assert _workers(app, "冉小梅") == []


def test_unknown_job_type_in_skills_is_refused(app, client_for):
    response = client_for("zhongtang").post_form("/workerview/add", _form(app, skills="采茶工、造火箭"))
    assert "工种字典中没有：造火箭" in response.get_data(as_text=True)
    assert _workers(app, "冉小梅") == []


def test_specialist_cannot_record_a_worker_in_another_village(app, client_for):
    response = client_for("zhongtang").post_form("/workerview/add", _form(app, village=str(_village_id(app, "兴泉村"))))
    assert response.status_code in (200, 302)
    with app.app_context():
        assert db.session.scalar(select(Worker).where(Worker.village_id == _village_id(app, "兴泉村"))) is None
