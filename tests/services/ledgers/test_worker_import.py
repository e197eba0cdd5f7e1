"""Importing the worker ledger as the villages really keep it (SPEC §6, issue 3)."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app import db
from app.cli_ledger import ledger_group
from app.models import Household, OperationLog, Worker
from tests.services.ledgers.sheets import WORKER_HEADERS, csv_bytes, person_id, worker_row, xlsx


def _run(app, tmp_path, data, *options, name="台账.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(ledger_group, ["import", "workers", str(path), *options])
    return result


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _family(seed=10):
    head = person_id(seed)
    return [
        worker_row(seed, head_id=head),
        worker_row(seed + 1, head_id=head, **{"姓名": "李小花", "身份证号": person_id(seed + 1, male=False),
                                              "与户主关系": "配偶", "是否脱贫人口": "√", "就业状态": "市外务工"}),
        worker_row(seed + 2, head_id=head, **{"姓名": "张小山", "身份证号": person_id(seed + 2, birth=date(2001, 2, 3)),
                                              "与户主关系": "子女", "是否脱贫人口": "Y", "就业状态": "季节性闲置"}),
    ]


def test_import_creates_workers_and_households_then_is_idempotent(app, tmp_path):
    data = xlsx(_family())
    first = _run(app, tmp_path, data, "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"total": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0, "errors": []}
    assert _count(app, Worker) == 3
    assert _count(app, Household) == 1
    with app.app_context():
        spouse = db.session.scalar(select(Worker).where(Worker.name == "李小花"))
        assert spouse.gender == "女" and spouse.is_poverty_alleviated is True
        assert spouse.household.category == "脱贫户" and spouse.household.head_name == "张大山"
        assert spouse.verified_on == date(2024, 4, 8)
    again = _run(app, tmp_path, data, "--json")
    assert json.loads(again.output)["unchanged"] == 3
    assert json.loads(again.output)["created"] == 0
    assert _count(app, Worker) == 3


def test_edited_file_updates_only_what_changed(app, tmp_path):
    rows = _family()
    _run(app, tmp_path, xlsx(rows))
    rows[2]["就业状态"] = "就地就近务工"
    rows[2]["务工地点"] = "黔江区正阳工业园"
    rows[2]["核实日期"] = None
    result = _run(app, tmp_path, xlsx(rows), "--json")
    assert json.loads(result.output)["updated"] == 1
    assert json.loads(result.output)["unchanged"] == 2
    with app.app_context():
        son = db.session.scalar(select(Worker).where(Worker.name == "张小山"))
        assert son.employment_status == "就地就近务工"
        assert son.verified_on == date.today(), "a changed row without 核实日期 is verified today"


def test_a_rejected_row_in_the_middle_writes_nothing(app, tmp_path):
    rows = _family()
    rows[1]["身份证号"] = rows[1]["身份证号"][:-1] + ("0" if rows[1]["身份证号"][-1] != "0" else "1")
    result = _run(app, tmp_path, xlsx(rows), "--json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["rejected"] == 1
    assert payload["errors"] == [{"row": 5, "column": "身份证号", "message": "身份证号校验位错误"}]
    assert _count(app, Worker) == 0 and _count(app, Household) == 0
    skipped = _run(app, tmp_path, xlsx(rows), "--skip-invalid", "--json")
    assert skipped.exit_code == 0
    assert _count(app, Worker) == 2


def test_dry_run_writes_nothing(app, tmp_path):
    result = _run(app, tmp_path, xlsx(_family()), "--dry-run")
    assert result.exit_code == 0
    assert "新增3" in result.output and "预览" in result.output
    assert _count(app, Worker) == 0


@pytest.mark.parametrize("value, expected", [
    ("2024-4-8", date(2024, 4, 8)), ("2024/04/08", date(2024, 4, 8)), ("2024.4.8", date(2024, 4, 8)),
    ("20240408", date(2024, 4, 8)), ("2024年4月8日", date(2024, 4, 8)), (date(2024, 4, 8), date(2024, 4, 8)),
])
def test_date_spellings(app, tmp_path, value, expected):
    result = _run(app, tmp_path, xlsx([worker_row(3, **{"核实日期": value})]))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Worker.verified_on)) == expected


def test_messy_cells_are_understood(app, tmp_path):
    number = person_id(21)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    row = worker_row(21, head_id=number, **{
        "身份证号": " " + full_width[:6] + " " + full_width[6:].lower(), "联系电话": "138 1234 5678",
        "是否脱贫人口": "1", "是否监测对象": "×", "是否就业困难人员": None, "文化程度": "高中（中专）",
    })
    result = _run(app, tmp_path, xlsx([row]))
    assert result.exit_code == 0, result.output
    with app.app_context():
        worker = db.session.scalar(select(Worker))
        assert worker.id_number == number and worker.phone == "13812345678"
        assert (worker.is_poverty_alleviated, worker.is_monitored, worker.is_hard_to_employ) == (True, False, False)
        assert worker.education == "高中(中专)"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_excel_writes(app, tmp_path, encoding):
    result = _run(app, tmp_path, csv_bytes(_family(), encoding=encoding), "--json", name="台账.csv")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"] == 3


def test_columns_in_any_order_and_unknown_columns_reported(app, tmp_path):
    headers = list(reversed(WORKER_HEADERS)) + ["微信号"]
    rows = [dict(r, 微信号="wx123") for r in _family()]
    result = _run(app, tmp_path, xlsx(rows, headers=headers))
    assert result.exit_code == 0, result.output
    assert "微信号" in result.output
    assert _count(app, Worker) == 3


def test_missing_required_column_stops_the_import(app, tmp_path):
    headers = [h for h in WORKER_HEADERS if h != "身份证号"]
    result = _run(app, tmp_path, xlsx(_family(), headers=headers))
    assert result.exit_code == 2
    assert "缺少必需的列：身份证号" in result.output


@pytest.mark.parametrize("data, message", [
    (b"", "文件是空的"),
    (b"PK\x03\x04garbage", "文件已损坏"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "已加密"),
    ("%PDF-1.4 \x00\x01".encode(), "只能导入"),
])
def test_unreadable_files_exit_2(app, tmp_path, data, message):
    name = "x.pdf" if data.startswith(b"%PDF") else "x.xlsx"
    result = _run(app, tmp_path, data, name=name)
    assert result.exit_code == 2
    assert message in result.output


def test_rejection_reasons_carry_row_and_column(app, tmp_path):
    rows = _family()
    rows[0]["就业状态"] = "在家"
    rows[1]["是否脱贫人口"] = "可能"
    rows[2]["核实日期"] = "2024-02-30"
    rows.append(dict(rows[0], 序号=4))  # the same person twice
    rows.append(worker_row(30, **{"村(社区)": "火星村"}))
    rows.append(worker_row(31, **{"技能特长": "造火箭"}))
    result = _run(app, tmp_path, xlsx(rows), "--json")
    errors = {(e["row"], e["column"]): e["message"] for e in json.loads(result.output)["errors"]}
    assert "不是可选值" in errors[(4, "就业状态")]
    assert "不是是/否" in errors[(5, "是否脱贫人口")]
    assert "不存在" in errors[(6, "核实日期")]
    assert "不是可选值" in errors[(8, "村(社区)")]
    assert "工种字典中没有：造火箭" in errors[(9, "技能特长")]
    assert _count(app, Worker) == 0


def test_village_specialist_imports_only_their_village(app, tmp_path):
    rows = _family() + [worker_row(40, **{"村(社区)": "兴泉村"})]
    result = _run(app, tmp_path, xlsx(rows), "--as", "zhongtang", "--json")
    assert result.exit_code == 1
    errors = json.loads(result.output)["errors"]
    assert errors == [{"row": 7, "column": "村(社区)", "message": "只能导入本村(社区)（中塘村）的数据"}]
    ok = _run(app, tmp_path, xlsx(_family()), "--as", "zhongtang")
    assert ok.exit_code == 0
    # Someone already registered in another village cannot be taken over by this village.
    other = worker_row(50, **{"村(社区)": "兴泉村"})
    _run(app, tmp_path, xlsx([other]))
    moved = dict(other, **{"村(社区)": "中塘村"})
    result = _run(app, tmp_path, xlsx([moved]), "--as", "zhongtang", "--json")
    assert json.loads(result.output)["errors"][0]["message"] == "此人已在其他村(社区)登记，请联系社保所核实"


def test_office_without_worker_access_cannot_import(app, tmp_path):
    result = _run(app, tmp_path, xlsx(_family()), "--as", "nongfu")
    assert result.exit_code == 2, "refused before anything is tried, unlike rejected rows (1)"
    assert "无权" in result.output
    assert _run(app, tmp_path, xlsx(_family()), "--as", "nobody").exit_code == 2
    assert _count(app, Worker) == 0


def test_import_is_in_the_operation_log(app, tmp_path):
    _run(app, tmp_path, xlsx(_family()), "--as", "shebao", name="中塘村3月台账.xlsx")
    with app.app_context():
        entry = db.session.scalar(select(OperationLog).where(OperationLog.action == "导入"))
    assert entry.username == "shebao"
    assert "中塘村3月台账.xlsx" in entry.summary and "新增3" in entry.summary


def test_a_sheet_claiming_a_million_rows_is_refused_before_reading(app, tmp_path):
    from openpyxl import Workbook
    import io

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(WORKER_HEADERS)
    sheet.cell(row=1_048_576, column=1, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = _run(app, tmp_path, buffer.getvalue())
    assert result.exit_code == 2
    assert "行数过多" in result.output


def test_text_in_number_columns_and_formula_cells(app, tmp_path):
    rows = _family()
    rows[0]["期望日薪(元)"] = "面议"
    rows[1]["姓名"] = "=1+1"  # a real formula without a cached value: the cell shows nothing
    result = _run(app, tmp_path, xlsx(rows, formulas=True), "--json")
    errors = {(e["row"], e["column"]): e["message"] for e in json.loads(result.output)["errors"]}
    assert "不是数字" in errors[(4, "期望日薪(元)")]
    assert errors[(5, "姓名")] == "不能为空"
    assert _count(app, Worker) == 0


def test_rejected_rows_file_can_be_fixed_and_imported(app, tmp_path):
    import io

    from openpyxl import load_workbook

    from app.services.ledgers import service
    from app.services.ledgers.workbook import rejected_rows

    rows = _family()
    rows[1]["就业状态"] = "在家"
    with app.app_context():
        result = service.import_ledger(db.session, "workers", xlsx(rows), "a.xlsx", write=False)
        data = rejected_rows("workers", result)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[2]]
    assert header[-2:] == ["错误原因", "原行号"]
    values = [c.value for c in sheet[3]]
    assert values[header.index("姓名")] == "李小花"
    assert "就业状态" in values[-2] and values[-1] == 5
    # Fix the cell in the returned file and import just that file.
    sheet.cell(row=3, column=header.index("就业状态") + 1, value="市外务工")
    fixed = io.BytesIO()
    sheet.parent.save(fixed)
    again = _run(app, tmp_path, fixed.getvalue(), "--json")
    payload = json.loads(again.output)
    assert again.exit_code == 0, again.output
    assert payload["created"] == 1
    assert "错误原因" not in payload  # the extra columns are reported as unknown and ignored
