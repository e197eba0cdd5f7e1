"""The permission matrix of SPEC §2 as data, the rows it is checked against, and helpers.

The matrix is written out here from the specification, independently of
``app.security.roles``: a wrong role table in the app must make these tests fail.
"""
import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app import db
from app.models import Employer, Household, Job, JobType, OperationLog, Village, Worker

READ, ADD, EDIT, DELETE = "read", "add", "edit", "delete"
ALL = frozenset((READ, ADD, EDIT, DELETE))
RO = frozenset((READ,))
RW = frozenset((READ, ADD, EDIT))  # "create/read/update": no delete in SPEC §2
NONE = frozenset()
# Not stated by SPEC §2 either way: the test asserts nothing for that pair.
UNSPECIFIED = None

RESOURCES = ("village", "household", "worker", "job_type", "employer", "job", "operation_log")


@dataclass(frozen=True)
class Resource:
    name: str
    view: str  # URL prefix of the ModelView
    api: str | None  # /api/v1/<api>/, None when there is no REST resource
    model: type
    label_column: str  # a column whose value marks a row in HTML and JSON


RESOURCE_INFO = {
    "village": Resource("village", "villageview", "village", Village, "name"),
    "household": Resource("household", "householdview", "household", Household, "head_name"),
    "worker": Resource("worker", "workerview", "worker", Worker, "name"),
    "job_type": Resource("job_type", "jobtypeview", "job_type", JobType, "name"),
    "employer": Resource("employer", "employerview", "employer", Employer, "name"),
    "job": Resource("job", "jobview", "job", Job, "title"),
    "operation_log": Resource("operation_log", "operationlogview", None, OperationLog, "action"),
}

# role (account) → resource → the actions SPEC §2 allows. Village names and the
# job-type dictionary are base data every office needs in its forms; the operation
# log is the system administrator's, and the 社保所 (which SPEC makes answerable for
# imports and exports) reads it.
MATRIX = {
    "admin": {r: ALL for r in RESOURCES} | {"operation_log": RO},
    "zhuanban": {
        "village": RO, "household": RO, "worker": RO, "job_type": RO, "employer": RO, "job": RO,
        "operation_log": UNSPECIFIED,
    },
    "shebao": {
        # 社保所 keeps the job-type dictionary (SPEC §3); villages are system settings.
        "village": UNSPECIFIED, "household": ALL, "worker": ALL, "job_type": ALL,
        "employer": ALL, "job": ALL, "operation_log": RO,
    },
    "jingfa": {
        "village": RO, "household": RO, "worker": RO, "job_type": UNSPECIFIED,
        "employer": NONE, "job": NONE, "operation_log": NONE,
    },
    "nongfu": {
        "village": RO, "household": NONE, "worker": NONE, "job_type": RO,
        "employer": RW, "job": RW, "operation_log": NONE,
    },
    "tese": {
        "village": RO, "household": NONE, "worker": NONE, "job_type": RO,
        "employer": RW, "job": RW, "operation_log": NONE,
    },
    "zhongtang": {
        "village": RO, "household": RW, "worker": RW, "job_type": RO,
        "employer": RW, "job": RW, "operation_log": NONE,
    },
    "xingquan": {
        "village": RO, "household": RW, "worker": RW, "job_type": RO,
        "employer": RW, "job": RW, "operation_log": NONE,
    },
    None: {r: NONE for r in RESOURCES},  # anonymous
}
# Operation-log rows are written by the system only, for every role.
NEVER_WRITABLE = {"operation_log"}

# The rows of ``seed``: tag → (resource, label). Labels are chosen so that none is a
# substring of another, so "label in page" is a sound visibility test.
LABELS = {
    "w_zt": "赵中普", "w_zt_key": "钱中贫", "w_xq": "孙兴普", "w_xq_key": "周兴监",
    "h_zt": "吴中户", "h_zt_key": "郑中贫户", "h_zt_mixed": "王中混户", "h_xq": "冯兴户", "h_xq_key": "陈兴监户",
    "e_zt": "中塘甲公司", "e_xq": "兴泉乙公司", "e_xq_pub": "兴泉丙公司", "e_nf": "农服丁合作社", "e_ts": "特色戊合作社",
    "j_zt_draft": "岗甲草", "j_xq_draft": "岗乙草", "j_xq_open": "岗丙招", "j_xq_full": "岗丙满",
    "j_xq_ended": "岗丙结", "j_xq_withdrawn": "岗丙撤", "j_nf_draft": "岗丁草", "j_ts_draft": "岗戊草",
}
TAGS = {
    "worker": ("w_zt", "w_zt_key", "w_xq", "w_xq_key"),
    "household": ("h_zt", "h_zt_key", "h_zt_mixed", "h_xq", "h_xq_key"),
    "employer": ("e_zt", "e_xq", "e_xq_pub", "e_nf", "e_ts"),
    "job": ("j_zt_draft", "j_xq_draft", "j_xq_open", "j_xq_full", "j_xq_ended", "j_xq_withdrawn",
            "j_nf_draft", "j_ts_draft"),
}
_PUBLISHED = {"j_xq_open", "j_xq_full", "j_xq_ended"}

# The row rule of SPEC §2 over the seeded rows: which rows each role reads.
VISIBLE = {
    "zhongtang": {
        "worker": {"w_zt", "w_zt_key"},
        "household": {"h_zt", "h_zt_key", "h_zt_mixed"},
        # own village's employers, and those behind a published job anywhere
        "employer": {"e_zt", "e_xq_pub"},
        "job": {"j_zt_draft"} | _PUBLISHED,
    },
    "xingquan": {
        "worker": {"w_xq", "w_xq_key"},
        "household": {"h_xq", "h_xq_key"},
        "employer": {"e_xq", "e_xq_pub"},
        "job": {"j_xq_draft", "j_xq_withdrawn"} | _PUBLISHED,
    },
    "jingfa": {
        "worker": {"w_zt_key", "w_xq_key"},
        # 脱贫户/监测户, and a household with a key-group member
        "household": {"h_zt_key", "h_zt_mixed", "h_xq_key"},
    },
    "nongfu": {"employer": {"e_nf", "e_xq_pub"}, "job": {"j_nf_draft"} | _PUBLISHED},
    "tese": {"employer": {"e_ts", "e_xq_pub"}, "job": {"j_ts_draft"} | _PUBLISHED},
}
for _all_rows_role in ("admin", "zhuanban", "shebao"):
    VISIBLE[_all_rows_role] = {resource: set(tags) for resource, tags in TAGS.items()}

# A seeded row each role should be able to open (and, where it may edit, change).
TARGET = {
    "admin": {"worker": "w_xq", "household": "h_xq", "employer": "e_xq", "job": "j_xq_draft"},
    "shebao": {"worker": "w_zt", "household": "h_zt", "employer": "e_zt", "job": "j_zt_draft"},
    "zhuanban": {"worker": "w_zt", "household": "h_zt", "employer": "e_nf", "job": "j_ts_draft"},
    "jingfa": {"worker": "w_xq_key", "household": "h_zt_mixed", "employer": "e_zt", "job": "j_zt_draft"},
    "nongfu": {"worker": "w_zt", "household": "h_zt", "employer": "e_nf", "job": "j_nf_draft"},
    "tese": {"worker": "w_zt", "household": "h_zt", "employer": "e_ts", "job": "j_ts_draft"},
    "zhongtang": {"worker": "w_zt", "household": "h_zt", "employer": "e_zt", "job": "j_zt_draft"},
    "xingquan": {"worker": "w_xq", "household": "h_xq", "employer": "e_xq", "job": "j_xq_draft"},
    None: {"worker": "w_zt", "household": "h_zt", "employer": "e_zt", "job": "j_zt_draft"},
}
VILLAGE_OF = {"zhongtang": "中塘村", "xingquan": "兴泉村"}
OFFICE_OF = {"nongfu": "农服中心", "tese": "特色产业办"}
OWN_EMPLOYER = {"nongfu": "e_nf", "tese": "e_ts", "zhongtang": "e_zt", "xingquan": "e_xq"}


def allowed(role, resource, action):
    """True/False from the matrix, None when SPEC leaves the pair open."""
    actions = MATRIX[role][resource]
    if actions is UNSPECIFIED:
        return None
    if action != READ and resource in NEVER_WRITABLE:
        return False
    return action in actions


_BIRTHS = itertools.count()


def id_number(factory):
    """A valid ID number not used before in this process (the factory's repeat soon)."""
    return factory.id_number(birth=date(1960, 1, 1) + timedelta(days=next(_BIRTHS)))


class Rows(dict):
    """tag → id of the seeded rows, plus ``label(tag)``."""

    @staticmethod
    def label(tag):
        return LABELS[tag]


def seed(factory):
    """The rows the matrix is checked against, in 中塘村, 兴泉村 and two offices."""
    ids = Rows()
    for tag, village, category in (("h_zt", "中塘村", "一般户"), ("h_zt_key", "中塘村", "脱贫户"),
                                   ("h_zt_mixed", "中塘村", "一般户"), ("h_xq", "兴泉村", "一般户"),
                                   ("h_xq_key", "兴泉村", "监测户")):
        ids[tag] = factory.household(village=village, category=category, head_name=LABELS[tag],
                                     head_id_number=id_number(factory)).id
    ids["w_zt"] = factory.worker(village="中塘村", name=LABELS["w_zt"], phone="13812345678",
                                 id_number=id_number(factory)).id
    ids["w_zt_key"] = factory.worker(village="中塘村", name=LABELS["w_zt_key"], is_poverty_alleviated=True,
                                     household_id=ids["h_zt_mixed"], id_number=id_number(factory)).id
    ids["w_xq"] = factory.worker(village="兴泉村", name=LABELS["w_xq"], id_number=id_number(factory)).id
    ids["w_xq_key"] = factory.worker(village="兴泉村", name=LABELS["w_xq_key"], is_monitored=True,
                                     id_number=id_number(factory)).id
    employers = {}
    for tag, village, office in (("e_zt", "中塘村", "村(社区)采集"), ("e_xq", "兴泉村", "村(社区)采集"),
                                 ("e_xq_pub", "兴泉村", "村(社区)采集"), ("e_nf", None, "农服中心"),
                                 ("e_ts", None, "特色产业办")):
        employers[tag] = factory.employer(name=LABELS[tag], village=village, source_office=office)
        ids[tag] = employers[tag].id
    for tag, employer, status, village, office in (
        ("j_zt_draft", "e_zt", "待发布", "中塘村", "村(社区)采集"),
        ("j_xq_draft", "e_xq", "待发布", "兴泉村", "村(社区)采集"),
        ("j_xq_open", "e_xq_pub", "招聘中", "兴泉村", "村(社区)采集"),
        ("j_xq_full", "e_xq_pub", "已招满", "兴泉村", "村(社区)采集"),
        ("j_xq_ended", "e_xq_pub", "已结束", "兴泉村", "村(社区)采集"),
        ("j_xq_withdrawn", "e_xq_pub", "已撤回", "兴泉村", "村(社区)采集"),
        ("j_nf_draft", "e_nf", "待发布", None, "农服中心"),
        ("j_ts_draft", "e_ts", "待发布", None, "特色产业办"),
    ):
        ids[tag] = factory.job(employers[employer], title=LABELS[tag], status=status, village=village,
                               source_office=office).id
    return ids


# --- database checks (as the system: no request, so the row rule does not apply) ---

def fetch(app, model, **where):
    with app.app_context():
        return db.session.scalar(select(model).filter_by(**where))


def exists(app, model, **where):
    return fetch(app, model, **where) is not None


def column(app, model, pk, name):
    with app.app_context():
        row = db.session.get(model, pk)
        return None if row is None else getattr(row, name)


def village_id(app, name):
    return fetch(app, Village, name=name).id


def job_type_id(app, name="普工"):
    return fetch(app, JobType, name=name).id


# --- forms ---

_RELATIONS = {"village": "village_id", "household": "household_id", "employer": "employer_id",
              "job_type": "job_type_id"}


def form_from_row(app, view_cls, model, pk, **changes):
    """The edit form as a browser would post it back for row ``pk``, with ``changes``."""
    data = {}
    with app.app_context():
        row = db.session.get(model, pk)
        for name in view_cls.edit_columns:
            if name in _RELATIONS:
                value = getattr(row, _RELATIONS[name])
                data[name] = "__None" if value is None else str(value)
                continue
            value = getattr(row, name)
            if isinstance(value, bool):
                if value:
                    data[name] = "y"
            elif value is None:
                data[name] = ""
            elif isinstance(value, date):
                data[name] = value.isoformat()
            else:
                data[name] = str(value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def add_form(resource, app, factory, role, marker, rows):
    """A valid add form for ``resource`` as ``role`` would fill it in, marked by ``marker``."""
    village = village_id(app, VILLAGE_OF.get(role, "中塘村"))
    if resource == "village":
        return {"name": marker, "kind": "村", "code": "", "sort_order": "9"}
    if resource == "job_type":
        return {"name": marker, "occupation_code": "", "sort_order": "99"}
    if resource == "household":
        return {"village": str(village), "group_name": "1组", "head_name": marker,
                "head_id_number": id_number(factory), "category": "一般户", "notes": ""}
    if resource == "worker":
        return {"name": marker, "id_number": id_number(factory), "phone": "13900001111",
                "village": str(village), "group_name": "2组", "household": "__None", "relation": "",
                "education": "", "health": "", "labor_capacity": "普通劳动力", "employment_status": "未就业",
                "work_place": "", "employer_name": "", "skills": "", "wanted_job_types": "", "work_range": "",
                "expected_daily_wage": "", "verified_on": "", "notes": ""}
    office = OFFICE_OF.get(role, "社保所" if role not in VILLAGE_OF else "村(社区)采集")
    in_village = str(village) if role not in OFFICE_OF else "__None"
    if resource == "employer":
        return {"name": marker, "kind": "企业", "credit_code": "", "contact_name": "联系人",
                "contact_phone": "", "address": "", "village": in_village, "source_office": office, "notes": ""}
    if resource == "job":
        return {"employer": str(rows[OWN_EMPLOYER.get(role, "e_xq_pub")]),
                "title": marker, "job_type": str(job_type_id(app)), "headcount": "3", "work_place": "镇上",
                "work_start": "", "work_end": "", "work_hours": "", "wage_amount": "150", "wage_unit": "元/天",
                "requirements": "", "age_min": "", "age_max": "", "gender_req": "不限", "transport": "",
                "insurance_note": "", "status": "待发布", "village": in_village, "source_office": office,
                "collected_on": "", "published_on": "", "contact_name": "", "contact_phone": ""}
    raise ValueError(resource)


def api_payload(resource, app, factory, role, marker, rows):
    """A valid POST body for /api/v1/<resource>/ as ``role`` would send it."""
    form = add_form(resource, app, factory, role, marker, rows)
    body = {}
    for key, value in form.items():
        if key in _RELATIONS:
            if value != "__None":
                body[_RELATIONS[key]] = int(value)
            elif key == "village":
                body["village_id"] = None
            continue
        if value == "":
            continue
        body[key] = int(value) if key in ("sort_order", "headcount") else value
    return body


# --- HTML ---

def select_options(html, name):
    """Labels of the <option>s of the <select name=...> in ``html``."""
    match = re.search(r'<select[^>]*name="%s"[^>]*>(.*?)</select>' % re.escape(name), html, re.S)
    assert match, f"no <select name={name}>"
    return [label.strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", match.group(1), re.S)]


def flashes(html):
    return " ".join(re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S))
