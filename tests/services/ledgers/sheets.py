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

JOB_HEADERS = [
    "序号", "用工主体", "主体类型", "统一社会信用代码", "联系人", "联系电话", "岗位名称", "工种", "需求人数", "务工地点",
    "开始日期", "结束日期", "务工时段", "待遇金额", "计薪方式", "务工要求", "年龄要求", "性别要求", "包吃", "包住",
    "交通保障", "是否购买保险", "采集村(社区)", "采集日期", "状态",
]


def job_row(seed=1, **overrides):
    row = {
        "序号": seed, "用工主体": "兴泉茶叶专业合作社", "主体类型": "专业合作社", "统一社会信用代码": "",
        "联系人": "冉经理", "联系电话": "13912345678", "岗位名称": f"春茶采摘工{seed}", "工种": "采茶工", "需求人数": 20,
        "务工地点": "兴泉村茶园", "开始日期": date(2024, 4, 1), "结束日期": date(2024, 5, 15), "务工时段": "每天7:00-17:00",
        "待遇金额": 120, "计薪方式": "元/天", "务工要求": "身体健康", "年龄要求": "18-65", "性别要求": "不限",
        "包吃": "是", "包住": "否", "交通保障": "统一接送", "是否购买保险": "√", "采集村(社区)": "兴泉村",
        "采集日期": date(2024, 3, 20), "状态": "招聘中",
    }
    row.update(overrides)
    return row
