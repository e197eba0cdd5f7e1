"""The operation log records who changed what (old → new) and is not editable."""
import json
from datetime import date, timedelta

from sqlalchemy import select

from app import db
from app.models import OperationLog, Worker


def _log(app, **where):
    with app.app_context():
        query = select(OperationLog).order_by(OperationLog.id)
        for key, value in where.items():
            query = query.where(getattr(OperationLog, key) == value)
        return list(db.session.scalars(query))


def test_api_update_is_logged_with_old_and_new_values(app, client_for, factory):
    worker = factory.worker(name="赵六", phone="13800001111", verified_on=date.today() - timedelta(days=40))
    client = client_for("shebao")
    response = client.api("PUT", f"/api/v1/worker/{worker.id}", json={"phone": "13900002222"})
    assert response.status_code == 200, response.get_data(as_text=True)
    entries = _log(app, action="修改", resource="worker", record_id=str(worker.id))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.username == "shebao" and entry.role == "社保所"
    changes = json.loads(entry.changes)
    assert changes["phone"] == ["13800001111", "13900002222"]
    # SPEC §3: an edit that does not give verified_on sets it to today.
    with app.app_context():
        assert db.session.get(Worker, worker.id).verified_on == date.today()


def test_create_and_delete_are_logged(app, client_for, factory):
    worker = factory.worker(name="钱七")
    client = client_for("shebao")
    assert client.api("DELETE", f"/api/v1/worker/{worker.id}").status_code == 200
    deleted = _log(app, action="删除", resource="worker", record_id=str(worker.id))
    assert [e.username for e in deleted] == ["shebao"]
    created = _log(app, action="新增", resource="worker", record_id=str(worker.id))
    assert len(created) == 1  # by the factory, acting as the system


def test_edit_with_explicit_verified_on_keeps_it(app, client_for, factory):
    worker = factory.worker(name="孙八")
    given = (date.today() - timedelta(days=3)).isoformat()
    response = client_for("shebao").api("PUT", f"/api/v1/worker/{worker.id}", json={"verified_on": given, "notes": "已电话核实"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Worker, worker.id).verified_on.isoformat() == given


def test_log_cannot_be_edited_or_deleted_even_by_admin(app, client_for):
    client = client_for("admin")
    entries = _log(app, action="登录", username="admin")
    assert entries, "the admin's login is logged"
    entry = entries[-1]
    assert client.get("/operationlogview/list/").status_code == 200
    assert client.get(f"/operationlogview/edit/{entry.id}").status_code in (302, 403, 404)
    client.post_form(f"/operationlogview/delete/{entry.id}", {}, token_from="/operationlogview/list/")
    assert _log(app, id=entry.id), "the entry is still there"


def test_village_specialist_cannot_read_the_log(client_for):
    response = client_for("zhongtang").get("/operationlogview/list/")
    assert response.status_code in (302, 403)
    assert "登录" not in response.get_data(as_text=True)


def test_log_page_speaks_chinese_and_escapes_values(app, client_for, factory):
    worker = factory.worker(name="周九", notes="旧备注")
    client = client_for("shebao")
    client.api("PUT", f"/api/v1/worker/{worker.id}", json={"notes": "<b>新</b>备注"})
    [entry] = _log(app, action="修改", resource="worker", record_id=str(worker.id))
    page = client.get(f"/operationlogview/show/{entry.id}").get_data(as_text=True)
    assert "备注：旧备注 → &lt;b&gt;新&lt;/b&gt;备注" in page
    listing = client.get("/operationlogview/list/").get_data(as_text=True)
    assert "劳动力" in listing and ">worker<" not in listing
