"""Villages and the job-type dictionary."""
from wtforms.validators import Optional, Regexp

from app.models import JobType, Village
from app.models.enums import VILLAGE_KINDS
from app.security.permissions import RESOURCE_JOB_TYPE, RESOURCE_VILLAGE
from app.views.filters import LedgerInterface
from app.views.base import LedgerApi, LedgerModelView
from app.views.fields import enum_field
from app.views.labels import JOB_TYPE_LABELS, VILLAGE_LABELS, labels
from flask_babel import lazy_gettext as _l

_CODE = [Optional(), Regexp(r"^\d{12}$", message=_l("区划代码应为12位数字"))]


class VillageView(LedgerModelView):
    datamodel = LedgerInterface(Village)
    class_permission_name = RESOURCE_VILLAGE
    list_title = _l("村(社区)列表")
    show_title = add_title = edit_title = _l("村(社区)")
    list_columns = ["name", "kind", "code", "sort_order"]
    add_columns = edit_columns = ["name", "kind", "code", "sort_order"]
    show_columns = ["name", "kind", "code", "sort_order", "created_on", "changed_on"]
    search_columns = ["name", "kind"]
    base_order = ("sort_order", "asc")
    label_columns = labels(VILLAGE_LABELS)
    validators_columns = {"code": _CODE}
    add_form_extra_fields = edit_form_extra_fields = {"kind": enum_field(_l("类型"), VILLAGE_KINDS)}
    add_query_rel_fields = edit_query_rel_fields = {}


class VillageApi(LedgerApi):
    resource_name = "village"
    datamodel = LedgerInterface(Village)
    class_permission_name = RESOURCE_VILLAGE
    list_columns = ["id", "name", "kind", "code", "sort_order"]
    show_columns = add_columns = edit_columns = ["name", "kind", "code", "sort_order"]
    order_columns = ["name", "sort_order"]
    base_order = ("sort_order", "asc")


class JobTypeView(LedgerModelView):
    datamodel = LedgerInterface(JobType)
    class_permission_name = RESOURCE_JOB_TYPE
    list_title = _l("工种字典")
    show_title = add_title = edit_title = _l("工种")
    list_columns = ["name", "occupation_code", "sort_order"]
    add_columns = edit_columns = show_columns = ["name", "occupation_code", "sort_order"]
    search_columns = ["name", "occupation_code"]
    base_order = ("sort_order", "asc")
    label_columns = labels(JOB_TYPE_LABELS)
    add_query_rel_fields = edit_query_rel_fields = {}


class JobTypeApi(LedgerApi):
    resource_name = "job_type"
    datamodel = LedgerInterface(JobType)
    class_permission_name = RESOURCE_JOB_TYPE
    list_columns = ["id", "name", "occupation_code", "sort_order"]
    show_columns = add_columns = edit_columns = ["name", "occupation_code", "sort_order"]
    base_order = ("sort_order", "asc")
