"""Exporting the worker ledger: template layout, round trip, masking, formula injection."""
import json

from openpyxl import load_workbook
from sqlalchemy import select

from app import db
from app.cli_ledger import ledger_group
from app.models import OperationLog
from tests.services.ledgers.sheets import WORKER_HEADERS, person_id, worker_row, xlsx
from tests.services.ledgers.test_worker_import import _family


def _cli(app, *args):
    return app.test_cli_runner().invoke(ledger_group, list(args))


def _load(app, tmp_path, rows):
    path = tmp_path / "in.xlsx"
    path.write_bytes(xlsx(rows))
    result = _cli(app, "import", "workers", str(path))
    assert result.exit_code == 0, result.output


def test_export_then_import_changes_nothing(app, tmp_path):
    rows = _family() + [worker_row(60, **{"村(社区)": "兴泉村", "户类别": "监测户", "期望日薪(元)": 150.5,
                                           "备注": "行动不便，优先就近", "技能特长": None})]
    _load(app, tmp_path, rows)
    out = tmp_path / "out.xlsx"
    assert _cli(app, "export", "workers", str(out)).exit_code == 0
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "中塘镇劳动力信息台账"
    assert [c.value for c in sheet[2]] == WORKER_HEADERS
    assert sheet.freeze_panes == "A3"
    again = _cli(app, "import", "workers", str(out), "--json")
    assert json.loads(again.output) == {"total": 4, "created": 0, "updated": 0, "unchanged": 4, "rejected": 0, "errors": []}


def test_specialist_export_is_their_village_only_and_unmasked(app, tmp_path):
    rows = _family() + [worker_row(70, **{"村(社区)": "兴泉村", "姓名": "兴泉人"})]
    _load(app, tmp_path, rows)
    out = tmp_path / "zt.xlsx"
    result = _cli(app, "export", "workers", str(out), "--as", "zhongtang")
    assert "已导出 3 行" in result.output
    values = [[c.value for c in row] for row in load_workbook(out).active.iter_rows(min_row=3)]
    assert {r[1] for r in values} == {"中塘村"}
    assert all("*" not in r[7] for r in values)


def test_taskforce_export_is_masked(app, tmp_path):
    _load(app, tmp_path, _family())
    out = tmp_path / "zb.xlsx"
    assert _cli(app, "export", "workers", str(out), "--as", "zhuanban").exit_code == 0
    first = [c.value for c in next(load_workbook(out).active.iter_rows(min_row=3))]
    assert first[7].startswith("500114") and "********" in first[7]
    assert first[9] == "138****5678"
    with app.app_context():
        entry = db.session.scalar(select(OperationLog).where(OperationLog.action == "导出"))
    assert entry.username == "zhuanban" and "3行" in entry.summary and "脱敏" in entry.summary


def test_offices_without_worker_access_cannot_export(app, tmp_path):
    result = _cli(app, "export", "workers", str(tmp_path / "x.xlsx"), "--as", "nongfu")
    assert result.exit_code != 0 and "无权" in result.output


def test_formula_injection_goes_back_out_as_text(app, tmp_path):
    hostile = '=HYPERLINK("http://evil.example/","点我")'
    _load(app, tmp_path, [worker_row(80, **{"备注": hostile, "务工单位": "<script>alert(1)</script>"})])
    out = tmp_path / "out.xlsx"
    _cli(app, "export", "workers", str(out))
    cell = load_workbook(out).active.cell(row=3, column=WORKER_HEADERS.index("备注") + 1)
    assert cell.value == hostile
    assert cell.data_type == "s", "written as a string, not a live formula"
    assert load_workbook(out).active.cell(row=3, column=WORKER_HEADERS.index("务工单位") + 1).value == "<script>alert(1)</script>"


def test_ids_in_export_are_never_numbers(app, tmp_path):
    _load(app, tmp_path, [worker_row(90, head_id=person_id(90))])
    out = tmp_path / "out.xlsx"
    _cli(app, "export", "workers", str(out))
    cell = load_workbook(out).active.cell(row=3, column=WORKER_HEADERS.index("身份证号") + 1)
    assert isinstance(cell.value, str) and len(cell.value) == 18
