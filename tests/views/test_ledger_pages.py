"""The ledger pages: template, upload → preview → confirm, rejected rows, filtered export."""
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from app import db
from app.models import Worker
from tests.services.ledgers.sheets import WORKER_HEADERS, person_id, worker_row, xlsx


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Worker.id)))


def _upload(client, data, name="台账.xlsx"):
    token = client.csrf_token("/ledger/workers/")
    return client.http.post("/ledger/workers/upload", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                            content_type="multipart/form-data")


def _token(page):
    import re

    return re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)


def test_template_has_dropdowns_frozen_header_and_a_guide(client_for):
    response = client_for("zhongtang").get("/ledger/workers/template")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value.endswith("劳动力信息台账")
    assert [c.value for c in sheet[2]] == WORKER_HEADERS
    assert sheet.freeze_panes == "A3"
    validated = {str(v.sqref).split(":")[0][:-1] for v in sheet.data_validations.dataValidation}
    letters = {h: chr(ord("A") + i) for i, h in enumerate(WORKER_HEADERS)}
    for header in ("村(社区)", "户类别", "就业状态", "劳动能力", "是否脱贫人口", "文化程度"):
        assert letters[header] in validated, header
    guide = workbook["填写说明"]
    assert any(row[0].value == "身份证号" and "18位" in row[2].value for row in guide.iter_rows(min_row=2) if row[0].value)


def test_upload_preview_confirm(app, client_for):
    client = client_for("zhongtang")
    rows = [worker_row(1), worker_row(2, **{"姓名": "李四", "身份证号": person_id(2), "与户主关系": "配偶",
                                            "户主身份证号": person_id(1)})]
    page = _upload(client, xlsx(rows)).get_data(as_text=True)
    assert 'id="count-created">2<' in page
    assert _count(app) == 0, "the preview writes nothing"
    confirm = client.post_form("/ledger/workers/confirm", {"token": _token(page)}, token_from="/ledger/workers/")
    assert confirm.status_code == 302
    assert _count(app) == 2
    listing = client.get("/workerview/list/").get_data(as_text=True)
    assert "新增2" in listing and "李四" in listing
    # the same file again: nothing to do
    again = _upload(client, xlsx(rows)).get_data(as_text=True)
    assert 'id="count-unchanged">2<' in again


def test_rejected_rows_block_unless_skipped_and_can_be_downloaded(app, client_for):
    client = client_for("zhongtang")
    rows = [worker_row(1), worker_row(2, **{"身份证号": "123", "姓名": "错号"})]
    page = _upload(client, xlsx(rows)).get_data(as_text=True)
    assert "第5行" in page and "身份证号应为18位" in page
    assert "<td>错号</td>" in page, "the rejected row shows whose row it is"
    token = _token(page)
    blocked = client.post_form("/ledger/workers/confirm", {"token": token}, token_from="/ledger/workers/")
    assert "未写入任何数据" in blocked.get_data(as_text=True)
    assert _count(app) == 0
    rejected = client.get(f"/ledger/workers/rejected/{token}")
    sheet = load_workbook(io.BytesIO(rejected.data)).active
    assert [c.value for c in sheet[3]][WORKER_HEADERS.index("姓名")] == "错号"
    assert "身份证号" in [c.value for c in sheet[3]][len(WORKER_HEADERS)]
    client.post_form("/ledger/workers/confirm", {"token": token, "skip_invalid": "1"}, token_from="/ledger/workers/")
    assert _count(app) == 1


def test_unreadable_upload_is_a_clear_message(client_for):
    client = client_for("shebao")
    response = _upload(client, b"%PDF-1.4 not a sheet", name="说明.pdf")
    assert response.status_code == 302
    assert "只能导入 .xlsx 或 .csv 文件" in client.get("/ledger/workers/").get_data(as_text=True)


def test_another_users_upload_cannot_be_confirmed(app, client_for):
    page = _upload(client_for("zhongtang"), xlsx([worker_row(1)])).get_data(as_text=True)
    other = client_for("shebao")
    other.post_form("/ledger/workers/confirm", {"token": _token(page)}, token_from="/ledger/workers/")
    assert _count(app) == 0


def test_export_follows_the_list_filters(client_for, factory):
    factory.worker(name="张一", village="中塘村")
    factory.worker(name="李二", village="中塘村")
    factory.worker(name="张三", village="兴泉村")
    client = client_for("zhongtang")
    listing = client.get("/workerview/list/?_flt_0_name=张").get_data(as_text=True)
    assert "/ledger/workers/export?_flt_0_name=" in listing
    response = client.get("/ledger/workers/export?_flt_0_name=张")
    names = [r[WORKER_HEADERS.index("姓名")].value for r in load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=3)]
    assert names == ["张一"]


def test_who_may_use_the_ledger_pages(client_for):
    assert client_for("nongfu").get("/ledger/workers/").status_code == 403
    assert client_for("nongfu").get("/ledger/jobs/").status_code == 200
    assert client_for("zhuanban").get("/ledger/workers/").status_code == 403
    assert client_for("zhuanban").get("/ledger/workers/export").status_code == 200
    assert client_for("jingfa").get("/ledger/workers/export").status_code == 403
    listing = client_for("zhuanban").get("/workerview/list/").get_data(as_text=True)
    assert "导出Excel" in listing and "导入Excel台账" not in listing


def test_oversized_upload_is_refused_in_chinese(app, client_for):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    client = client_for("shebao")
    response = _upload(client, b"x" * 20_000, name="大.csv")
    assert response.status_code in (302, 413)
    assert _count(app) == 0
