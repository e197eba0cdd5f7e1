"""Building real ledger files (.xlsx with openpyxl, .csv in several encodings) for tests."""
import csv
import io
import random
from datetime import date

from openpyxl import Workbook

from app.services.demo import make_id_number

WORKER_HEADERS = [
    "序号", "村(社区)", "村民小组", "户主姓名", "户主身份证号", "户类别", "姓名", "身份证号", "与户主关系",
    "联系电话", "文化程度", "健康状况", "劳动能力", "是否脱贫人口", "是否监测对象", "是否就业困难人员", "就业状态",
    "务工地点", "务工单位", "技能特长", "求职意向", "意向务工范围", "期望日薪(元)", "核实日期", "备注",
]


def person_id(seed, birth=date(1980, 5, 17), male=True):
    return make_id_number(random.Random(seed), birth, "3" if male else "4")


def worker_row(seed=1, **overrides):
    """A valid worker row as a dict keyed by header."""
    head = overrides.pop("head_id", None) or person_id(seed)
    row = {
        "序号": seed, "村(社区)": "中塘村", "村民小组": "3组", "户主姓名": "张大山", "户主身份证号": head,
        "户类别": "脱贫户", "姓名": "张大山", "身份证号": head, "与户主关系": "户主", "联系电话": "13812345678",
        "文化程度": "初中", "健康状况": "健康", "劳动能力": "普通劳动力", "是否脱贫人口": "是", "是否监测对象": "否",
        "是否就业困难人员": "否", "就业状态": "未就业", "务工地点": "", "务工单位": "", "技能特长": "泥瓦工",
        "求职意向": "普工、采茶工", "意向务工范围": "区内", "期望日薪(元)": 180, "核实日期": date(2024, 4, 8), "备注": "",
    }
    row.update(overrides)
    return row


def xlsx(rows, headers=WORKER_HEADERS, title="中塘镇劳动力信息台账", blank_rows_before_header=1, merge_title=True,
         formulas=False):
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        if merge_title:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for _ in range(blank_rows_before_header):
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) if isinstance(row, dict) else row[i] for i, h in enumerate(headers)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("=") and not formulas:
                cell.data_type = "s"  # typed text (as with a leading apostrophe), not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=WORKER_HEADERS, encoding="utf-8-sig", title="中塘镇劳动力信息台账"):
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerow([title])
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return out.getvalue().encode(encoding)
