"""Employers and the job-demand ledger."""
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.validators import NumberRange, Optional

from app.models import Employer, Job
from app.models.enums import EMPLOYER_KINDS, GENDER_REQUIREMENTS, JOB_STATUSES, SOURCE_OFFICES, WAGE_UNITS
from app.security.permissions import RESOURCE_EMPLOYER, RESOURCE_JOB
from app.services.identity import normalize_credit_code, normalize_phone
from app.views.filters import LedgerInterface
from app.views.base import LedgerApi, LedgerModelView, value_check
from app.views.fields import enum_field, yes_no, yes_no_field
from app.views.labels import EMPLOYER_LABELS, JOB_LABELS, labels

_PHONE = [Optional(), value_check(normalize_phone)]


def not_before(other, message):
    """The field, when filled, is not smaller than ``other`` of the same form."""

    def _validate(form, field):
        low = form[other].data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(str(message))

    return _validate


class JobView(LedgerModelView):
    list_template = "lingong/ledger_list.html"
    extra_args = {"ledger_resource": RESOURCE_JOB}
    show_template = "lingong/match_show.html"  # adds 匹配人选
    datamodel = LedgerInterface(Job)
    class_permission_name = RESOURCE_JOB
    list_title = _l("用工需求台账")
    show_title = _l("用工需求")
    add_title = _l("新增用工需求")
    edit_title = _l("修改用工需求")
    list_columns = ["title", "employer", "job_type", "headcount", "work_place", "wage_amount", "wage_unit", "status", "village", "collected_on"]
    _form = [
        "employer", "title", "job_type", "headcount", "work_place", "work_start", "work_end",
        "work_hours", "wage_amount", "wage_unit", "requirements", "age_min", "age_max",
        "gender_req", "meals", "lodging", "transport", "insured", "insurance_note", "status",
        "village", "source_office", "collected_on", "published_on", "contact_name", "contact_phone",
    ]
    add_columns = edit_columns = _form
    show_fieldsets = [
        (_l("岗位"), {"fields": ["employer", "title", "job_type", "headcount", "status", "work_place", "work_start", "work_end", "work_hours"]}),
        (_l("待遇与要求"), {"fields": ["wage_amount", "wage_unit", "requirements", "age_min", "age_max", "gender_req", "meals", "lodging", "transport", "insured", "insurance_note"]}),
        (_l("采集与发布"), {"fields": ["village", "source_office", "collected_on", "published_on", "contact_name", "contact_phone", "created_by", "created_on", "changed_by", "changed_on"]}),
    ]
    search_columns = ["title", "employer", "job_type", "status", "village", "source_office", "collected_on"]
    order_columns = ["title", "headcount", "status", "collected_on", "published_on"]
    base_order = ("id", "desc")
    label_columns = labels(JOB_LABELS)
    description_columns = {
        "village": _l("由村(社区)采集的需求填写采集村；单位直接采集的留空"),
        "age_max": _l("不限可留空"),
    }
    validators_columns = {
        "headcount": [NumberRange(min=1, max=100000, message=_l("需求人数至少为1"))],
        "wage_amount": [Optional(), NumberRange(min=0, max=1000000, message=_l("待遇金额不能为负数"))],
        "age_min": [Optional(), NumberRange(min=16, max=80, message=_l("年龄应在16到80岁之间"))],
        "age_max": [Optional(), NumberRange(min=16, max=80, message=_l("年龄应在16到80岁之间")),
                    not_before("age_min", _l("最高年龄不能小于最低年龄"))],
        "work_end": [Optional(), not_before("work_start", _l("结束日期不能早于开始日期"))],
        "contact_phone": _PHONE,
    }
    formatters_columns = {"meals": yes_no, "lodging": yes_no, "insured": yes_no}
    add_form_extra_fields = edit_form_extra_fields = {
        "meals": yes_no_field(_l("包吃")),
        "lodging": yes_no_field(_l("包住")),
        "insured": yes_no_field(_l("是否购买保险")),
        "wage_unit": enum_field(_l("计薪方式"), WAGE_UNITS),
        "gender_req": enum_field(_l("性别要求"), GENDER_REQUIREMENTS),
        "status": enum_field(_l("状态"), JOB_STATUSES),
        "source_office": enum_field(_l("信息来源"), SOURCE_OFFICES),
    }


class JobApi(LedgerApi):
    resource_name = "job"
    datamodel = LedgerInterface(Job)
    class_permission_name = RESOURCE_JOB
    _fields = [
        "employer_id", "title", "job_type_id", "headcount", "work_place", "work_start", "work_end",
        "work_hours", "wage_amount", "wage_unit", "requirements", "age_min", "age_max",
        "gender_req", "meals", "lodging", "transport", "insured", "insurance_note", "status",
        "village_id", "source_office", "collected_on", "published_on", "contact_name", "contact_phone",
    ]
    add_columns = edit_columns = _fields
    list_columns = show_columns = ["id"] + _fields
    search_columns = ["title", "employer_id", "job_type_id", "status", "village_id", "source_office"]
    order_columns = ["id", "title", "collected_on", "published_on"]


class EmployerView(LedgerModelView):
    datamodel = LedgerInterface(Employer)
    class_permission_name = RESOURCE_EMPLOYER
    list_title = _l("用工主体")
    show_title = add_title = edit_title = _l("用工主体")
    related_views = [JobView]
    list_columns = ["name", "kind", "contact_name", "contact_phone", "village", "source_office"]
    add_columns = edit_columns = ["name", "kind", "credit_code", "contact_name", "contact_phone", "address", "village", "source_office", "notes"]
    show_columns = add_columns + ["created_by", "created_on", "changed_on"]
    search_columns = ["name", "kind", "credit_code", "village", "source_office"]
    base_order = ("id", "desc")
    label_columns = labels(EMPLOYER_LABELS)
    description_columns = {"village": _l("镇外的用工主体留空")}
    validators_columns = {
        "credit_code": [Optional(), value_check(normalize_credit_code)],
        "contact_phone": _PHONE,
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": enum_field(_l("主体类型"), EMPLOYER_KINDS),
        "source_office": enum_field(_l("信息来源"), SOURCE_OFFICES),
    }


class EmployerApi(LedgerApi):
    resource_name = "employer"
    datamodel = LedgerInterface(Employer)
    class_permission_name = RESOURCE_EMPLOYER
    _fields = ["name", "kind", "credit_code", "contact_name", "contact_phone", "address", "village_id", "source_office", "notes"]
    add_columns = edit_columns = _fields
    list_columns = show_columns = ["id"] + _fields
    search_columns = ["name", "kind", "credit_code", "village_id", "source_office"]
