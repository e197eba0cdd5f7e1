"""The ledger columns of SPEC §6: header, model field, cell parser and help text."""
from dataclasses import dataclass

from app.models.enums import (
    EDUCATION_LEVELS,
    EMPLOYER_KINDS,
    EMPLOYMENT_STATUSES,
    GENDER_REQUIREMENTS,
    HEALTH_STATES,
    HOUSEHOLD_CATEGORIES,
    JOB_STATUSES,
    LABOR_CAPACITIES,
    RELATIONS,
    WAGE_UNITS,
    WORK_RANGES,
)
from app.services.ledgers import cells

# Full-width brackets are common in hand-typed enumerations: 高中（中专）.
_BRACKETS = {"高中（中专）": "高中(中专)"}


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # None: informational only (序号)
    parse: object = None
    required: bool = False  # the column must be present in the header row
    help: str = ""
    choices: tuple = ()
    width: int = 12


def _choice(options, required=True, aliases=None):
    return cells.remembered(cells.choice(options, required=required, aliases=aliases))


# Columns of few distinct values are parsed once per value (see cells.remembered); names,
# ID numbers and phone numbers are all different and are parsed cell by cell.
_YES_NO = cells.remembered(cells.yes_no)


def worker_columns(village_names, job_type_names):
    """Worker ledger (劳动力信息台账) columns; the parsers need the current dictionaries."""
    village = _choice(village_names)
    kinds = cells.job_types(set(job_type_names))
    return [
        Column("序号", None, help="可留空，导入时忽略", width=6),
        Column("村(社区)", "village", village, True, "必填，须为本镇村(社区)名称", tuple(village_names), 10),
        Column("村民小组", "group_name", cells.remembered(cells.optional_text(30)), help="如“3组”", width=8),
        Column("户主姓名", "head_name", cells.optional_text(50), help="与户主身份证号一起确定所属户", width=10),
        Column("户主身份证号", "head_id_number", cells.optional_text(20), help="18位；同一户的成员填写相同的户主身份证号", width=21),
        Column("户类别", "category", _choice(HOUSEHOLD_CATEGORIES, required=False), help="脱贫户/监测户/一般户", choices=HOUSEHOLD_CATEGORIES, width=8),
        Column("姓名", "name", cells.required_text(50), True, "必填", width=10),
        Column("身份证号", "id_number", cells.id_number, True, "必填，18位（15位旧号自动升级）；性别和出生日期由此得出", width=21),
        Column("与户主关系", "relation", _choice(RELATIONS, required=False), help="、".join(RELATIONS), choices=RELATIONS, width=10),
        Column("联系电话", "phone", cells.phone, help="11位手机号或带区号的固定电话", width=14),
        Column("文化程度", "education", _choice(EDUCATION_LEVELS, required=False, aliases=_BRACKETS), help="、".join(EDUCATION_LEVELS), choices=EDUCATION_LEVELS, width=11),
        Column("健康状况", "health", _choice(HEALTH_STATES, required=False), help="、".join(HEALTH_STATES), choices=HEALTH_STATES, width=9),
        Column("劳动能力", "labor_capacity", _choice(LABOR_CAPACITIES), True, "必填：" + "、".join(LABOR_CAPACITIES), LABOR_CAPACITIES, 11),
        Column("是否脱贫人口", "is_poverty_alleviated", _YES_NO, help="是/否（√/×、Y/N、1/0 均可，空白为否）", choices=("是", "否"), width=8),
        Column("是否监测对象", "is_monitored", _YES_NO, help="是/否", choices=("是", "否"), width=8),
        Column("是否就业困难人员", "is_hard_to_employ", _YES_NO, help="是/否", choices=("是", "否"), width=8),
        Column("就业状态", "employment_status", _choice(EMPLOYMENT_STATUSES), True, "必填：" + "、".join(EMPLOYMENT_STATUSES), EMPLOYMENT_STATUSES, 12),
        Column("务工地点", "work_place", cells.remembered(cells.optional_text(100)), width=14),
        Column("务工单位", "employer_name", cells.remembered(cells.optional_text(100)), width=16),
        Column("技能特长", "skills", kinds, help="工种字典中的名称，多个用、分隔", width=14),
        Column("求职意向", "wanted_job_types", kinds, help="工种字典中的名称，多个用、分隔", width=14),
        Column("意向务工范围", "work_range", _choice(WORK_RANGES, required=False), help="、".join(WORK_RANGES), choices=WORK_RANGES, width=10),
        Column("期望日薪(元)", "expected_daily_wage", cells.optional_money(100000), help="数字，单位元", width=10),
        Column("核实日期", "verified_on", cells.remembered(cells.optional_date), help="如 2024-4-8；留空则记为导入当天（仅对新增或有变化的记录）", width=11),
        Column("备注", "notes", cells.remembered(cells.optional_text(2000)), width=20),
    ]


def job_columns(village_names, job_type_names):
    """Job ledger (用工需求台账) columns."""
    village = _choice(village_names, required=False)
    job_type = _choice(job_type_names)
    return [
        Column("序号", None, help="可留空，导入时忽略", width=6),
        Column("用工主体", "employer_name", cells.required_text(100), True, "必填，单位或个人全称", width=22),
        Column("主体类型", "employer_kind", _choice(EMPLOYER_KINDS, required=False), help="、".join(EMPLOYER_KINDS), choices=EMPLOYER_KINDS, width=12),
        Column("统一社会信用代码", "credit_code", cells.credit_code, help="18位，可留空", width=20),
        Column("联系人", "contact_name", cells.optional_text(50), width=8),
        Column("联系电话", "contact_phone", cells.phone, width=14),
        Column("岗位名称", "title", cells.required_text(100), True, "必填", width=16),
        Column("工种", "job_type", job_type, True, "必填，工种字典中的名称", tuple(job_type_names), 12),
        Column("需求人数", "headcount", cells.whole_number(1, 100000), True, "必填，正整数", width=8),
        Column("务工地点", "work_place", cells.optional_text(100), width=14),
        Column("开始日期", "work_start", cells.optional_date, help="如 2024-4-8", width=11),
        Column("结束日期", "work_end", cells.optional_date, help="不早于开始日期", width=11),
        Column("务工时段", "work_hours", cells.optional_text(100), help="如 每天8:00-17:00", width=14),
        Column("待遇金额", "wage_amount", cells.optional_money(1000000), help="数字", width=9),
        Column("计薪方式", "wage_unit", _choice(WAGE_UNITS), True, "必填：" + "、".join(WAGE_UNITS), WAGE_UNITS, 9),
        Column("务工要求", "requirements", cells.optional_text(2000), width=20),
        Column("年龄要求", "age", cells.age_range, help="如 18-60、18～60、60岁以下，不限可留空", width=10),
        Column("性别要求", "gender_req", _choice(GENDER_REQUIREMENTS, required=False), help="不限/男/女，留空为不限", choices=GENDER_REQUIREMENTS, width=8),
        Column("包吃", "meals", _YES_NO, help="是/否", choices=("是", "否"), width=6),
        Column("包住", "lodging", _YES_NO, help="是/否", choices=("是", "否"), width=6),
        Column("交通保障", "transport", cells.optional_text(100), help="如 统一接送", width=12),
        Column("是否购买保险", "insured", _YES_NO, help="是/否", choices=("是", "否"), width=8),
        Column("采集村(社区)", "village", village, help="由村(社区)采集的填写村名；单位直接采集的留空", choices=tuple(village_names), width=10),
        Column("采集日期", "collected_on", cells.optional_date, help="如 2024-4-8", width=11),
        Column("状态", "status", _choice(JOB_STATUSES), True, "必填：" + "、".join(JOB_STATUSES), JOB_STATUSES, 8),
    ]
