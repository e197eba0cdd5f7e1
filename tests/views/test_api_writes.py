"""Writing through the REST API: the village is fixed for specialists, errors are Chinese."""
import random
from datetime import date

from sqlalchemy import select

from app import db
from app.models import Village, Worker
from app.services.demo import make_id_number


def _new_worker(**extra):
    return {"name": "接口新增", "id_number": make_id_number(random.Random(5), date(1990, 1, 2), "3"),
            "labor_capacity": "普通劳动力", "employment_status": "未就业", **extra}


def test_specialist_need_not_send_the_village(app, client_for):
    response = client_for("zhongtang").api("POST", "/api/v1/worker/", json=_new_worker())
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        worker = db.session.scalar(select(Worker).where(Worker.name == "接口新增"))
        assert db.session.get(Village, worker.village_id).name == "中塘村"
        assert worker.gender == "男" and worker.birth_date == date(1990, 1, 2)


def test_town_office_must_name_the_village(client_for):
    response = client_for("shebao").api("POST", "/api/v1/worker/", json=_new_worker())
    assert response.status_code == 422
    assert "请填写村(社区)" in response.json["message"]


def test_bad_id_number_is_a_chinese_422(client_for):
    response = client_for("zhongtang").api("POST", "/api/v1/worker/", json=_new_worker(id_number="500114199001021230"))
    assert response.status_code == 422
    assert "身份证号" in response.json["message"]


def test_openapi_spec_lists_the_resources(client_for):
    response = client_for("admin").get("/api/v1/_openapi")
    assert response.status_code == 200
    paths = response.json["paths"]
    for resource in ("village", "household", "worker", "job_type", "employer", "job"):
        assert f"/api/v1/{resource}/" in paths, resource
