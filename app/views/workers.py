"""Households and the labour-force ledger."""
import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import ValidationError
from wtforms.validators import NumberRange, Optional

from app.models import Household, JobType, Worker
from app.models.enums import (
    EDUCATION_LEVELS,
    EMPLOYMENT_STATUSES,
    HEALTH_STATES,
    HOUSEHOLD_CATEGORIES,
    LABOR_CAPACITIES,
    RELATIONS,
    WORK_RANGES,
)
from app.security.permissions import RESOURCE_HOUSEHOLD, RESOURCE_WORKER
from app.services.identity import normalize_phone, parse_id_number
from app.views.filters import LedgerInterface
from app.views.base import LedgerApi, LedgerModelView, masked_id, masked_phone, value_check
from app.views.fields import enum_field, yes_no, yes_no_field
from app.views.labels import HOUSEHOLD_LABELS, WORKER_LABELS, labels

JOB_TYPE_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def known_job_types(_form, field):
    """Skills and wanted job types must be names from the job-type dictionary."""
    if not field.data:
        return
    names = [n for n in JOB_TYPE_SEPARATORS.split(field.data) if n]
    known = _job_type_names()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValidationError(str(_l("工种字典中没有：%(names)s", names="、".join(unknown))))
    field.data = "、".join(dict.fromkeys(names))


def _job_type_names():
    return set(current_app.appbuilder.session.scalars(select(JobType.name)))


_ID = [value_check(parse_id_number)]
_PHONE = [Optional(), value_check(normalize_phone)]


class WorkerView(LedgerModelView):
    list_template = "lingong/ledger_list.html"
    extra_args = {"ledger_resource": RESOURCE_WORKER}
    show_template = "lingong/match_show.html"  # adds 推荐岗位
    datamodel = LedgerInterface(Worker, prefix_range_columns=("name",), exact_only_columns=("id_number",))
    class_permission_name = RESOURCE_WORKER
    list_title = _l("劳动力信息台账")
    show_title = _l("劳动力信息")
    add_title = _l("新增劳动力")
    edit_title = _l("修改劳动力信息")
    list_columns = [
        "name", "id_number", "gender", "village", "group_name", "phone", "employment_status",
        "is_poverty_alleviated", "is_monitored", "is_hard_to_employ", "verified_on",
    ]
    _form = [
        "name", "id_number", "phone", "village", "group_name", "household", "relation",
        "is_poverty_alleviated", "is_monitored", "is_hard_to_employ", "education", "health",
        "labor_capacity", "employment_status", "work_place", "employer_name", "skills",
        "wanted_job_types", "work_range", "expected_daily_wage", "verified_on", "notes",
    ]
    add_columns = edit_columns = _form
    show_fieldsets = [
        (_l("基本信息"), {"fields": ["name", "id_number", "gender", "birth_date", "phone", "village", "group_name", "household", "relation"]}),
        (_l("重点群体"), {"fields": ["is_poverty_alleviated", "is_monitored", "is_hard_to_employ"]}),
        (_l("就业情况"), {"fields": ["education", "health", "labor_capacity", "employment_status", "work_place", "employer_name", "skills", "wanted_job_types", "work_range", "expected_daily_wage"]}),
        (_l("核实与备注"), {"fields": ["verified_on", "notes", "created_by", "created_on", "changed_by", "changed_on"]}),
    ]
    search_columns = [
        "name", "id_number", "village", "group_name", "employment_status", "labor_capacity",
        "is_poverty_alleviated", "is_monitored", "is_hard_to_employ", "verified_on",
    ]
    order_columns = ["name", "village", "group_name", "employment_status", "verified_on"]
    base_order = ("id", "desc")
    label_columns = labels(WORKER_LABELS)
    description_columns = {
        "id_number": _l("18位身份证号；15位旧号码自动升级。性别和出生日期由身份证号得出"),
        "skills": _l("工种字典中的名称，多个用、分隔"),
        "wanted_job_types": _l("工种字典中的名称，多个用、分隔"),
        "verified_on": _l("不填写则保存时记为今天"),
    }
    formatters_columns = {
        "id_number": masked_id,
        "phone": masked_phone,
        "is_poverty_alleviated": yes_no,
        "is_monitored": yes_no,
        "is_hard_to_employ": yes_no,
    }
    validators_columns = {
        "id_number": _ID,
        "phone": _PHONE,
        "skills": [known_job_types],
        "wanted_job_types": [known_job_types],
        "expected_daily_wage": [Optional(), NumberRange(min=0, max=100000, message=_l("期望日薪应在0到100000元之间"))],
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "is_poverty_alleviated": yes_no_field(_l("脱贫人口")),
        "is_monitored": yes_no_field(_l("监测对象")),
        "is_hard_to_employ": yes_no_field(_l("就业困难人员")),
        "relation": enum_field(_l("与户主关系"), RELATIONS, required=False),
        "education": enum_field(_l("文化程度"), EDUCATION_LEVELS, required=False),
        "health": enum_field(_l("健康状况"), HEALTH_STATES, required=False),
        "labor_capacity": enum_field(_l("劳动能力"), LABOR_CAPACITIES),
        "employment_status": enum_field(_l("就业状态"), EMPLOYMENT_STATUSES),
        "work_range": enum_field(_l("意向务工范围"), WORK_RANGES, required=False),
    }


class WorkerApi(LedgerApi):
    resource_name = "worker"
    datamodel = LedgerInterface(Worker, prefix_range_columns=("name",), exact_only_columns=("id_number",))
    class_permission_name = RESOURCE_WORKER
    _fields = [
        "name", "id_number", "phone", "village_id", "group_name", "household_id", "relation",
        "is_poverty_alleviated", "is_monitored", "is_hard_to_employ", "education", "health",
        "labor_capacity", "employment_status", "work_place", "employer_name", "skills",
        "wanted_job_types", "work_range", "expected_daily_wage", "verified_on", "notes",
    ]
    add_columns = edit_columns = _fields
    list_columns = ["id", "gender", "birth_date"] + _fields
    show_columns = ["id", "gender", "birth_date"] + _fields + ["created_on", "changed_on"]
    search_columns = ["name", "id_number", "village_id", "group_name", "employment_status", "is_poverty_alleviated", "is_monitored", "is_hard_to_employ"]
    order_columns = ["id", "name", "village_id", "verified_on"]
    masked_columns = {"id_number": masked_id, "phone": masked_phone}


class HouseholdView(LedgerModelView):
    datamodel = LedgerInterface(Household, prefix_range_columns=("head_name",), exact_only_columns=("head_id_number",))
    class_permission_name = RESOURCE_HOUSEHOLD
    list_title = _l("户台账")
    show_title = add_title = edit_title = _l("户信息")
    related_views = [WorkerView]
    list_columns = ["head_name", "head_id_number", "village", "group_name", "category"]
    add_columns = edit_columns = ["village", "group_name", "head_name", "head_id_number", "category", "notes"]
    show_columns = ["village", "group_name", "head_name", "head_id_number", "category", "notes", "created_on", "changed_on"]
    search_columns = ["head_name", "head_id_number", "village", "group_name", "category"]
    base_order = ("id", "desc")
    label_columns = labels(HOUSEHOLD_LABELS)
    formatters_columns = {"head_id_number": masked_id}
    validators_columns = {"head_id_number": _ID}
    add_form_extra_fields = edit_form_extra_fields = {
        "category": enum_field(_l("户类别"), HOUSEHOLD_CATEGORIES),
    }


class HouseholdApi(LedgerApi):
    resource_name = "household"
    datamodel = LedgerInterface(Household, prefix_range_columns=("head_name",), exact_only_columns=("head_id_number",))
    class_permission_name = RESOURCE_HOUSEHOLD
    _fields = ["village_id", "group_name", "head_name", "head_id_number", "category", "notes"]
    add_columns = edit_columns = _fields
    list_columns = show_columns = ["id"] + _fields
    search_columns = ["head_name", "head_id_number", "village_id", "group_name", "category"]
    masked_columns = {"head_id_number": masked_id}
