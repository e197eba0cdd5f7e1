"""Registers every view, API and menu entry; menu access is derived from the same list."""
from flask import current_app
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup

from app.security.permissions import (
    ACTION_IMPORT,
    ACTION_READ,
    RESOURCE_EMPLOYER,
    RESOURCE_HOUSEHOLD,
    RESOURCE_JOB,
    RESOURCE_JOB_TYPE,
    RESOURCE_OPERATION_LOG,
    RESOURCE_VILLAGE,
    RESOURCE_WORKER,
)
from app.views.dictionaries import JobTypeApi, JobTypeView, VillageApi, VillageView
from app.views.disputes import (
    CATEGORY_DISPUTE,
    DISPUTE_APIS,
    DISPUTE_BADGES,
    DISPUTE_CATEGORY_LABEL,
    DISPUTE_MENU,
)
from app.views.employers import EmployerApi, EmployerView, JobApi, JobView
from app.views.matching import MATCHING_APIS, MATCHING_MENU, register_public_board
from app.views.ledgers import JobLedgerView, WorkerLedgerView, ledger_links
from app.views.oplog import OperationLogView
from app.views.scoring import CATEGORY_SCORING, SCORING_APIS, SCORING_CATEGORY_LABEL, SCORING_MENU
from app.views.workers import HouseholdApi, HouseholdView, WorkerApi, WorkerView

CATEGORY_LABOUR = "LabourLedger"
CATEGORY_DEMAND = "DemandLedger"
CATEGORY_SYSTEM = "SystemData"
CATEGORY_MATCHING = "Matching"

CATEGORY_LABELS = {
    CATEGORY_LABOUR: (_l("劳动力台账"), "fa-users"),
    CATEGORY_DEMAND: (_l("用工需求"), "fa-briefcase"),
    CATEGORY_SCORING: SCORING_CATEGORY_LABEL,
    CATEGORY_DISPUTE: DISPUTE_CATEGORY_LABEL,
    CATEGORY_MATCHING: (_l("对接就业"), "fa-handshake-o"),
    CATEGORY_SYSTEM: (_l("基础数据"), "fa-cogs"),
}

# (menu name, label, icon, category, view, resource, action). The menu name is what
# FAB's ``menu_access`` permission refers to; a role holding the action on the
# resource gets the entry.
MENU = [
    ("Workers", _l("劳动力"), "fa-user", CATEGORY_LABOUR, WorkerView, RESOURCE_WORKER, ACTION_READ),
    ("Households", _l("户"), "fa-home", CATEGORY_LABOUR, HouseholdView, RESOURCE_HOUSEHOLD, ACTION_READ),
    ("WorkerLedger", _l("导入劳动力台账"), "fa-upload", CATEGORY_LABOUR, WorkerLedgerView, RESOURCE_WORKER, ACTION_IMPORT),
    ("Jobs", _l("用工需求台账"), "fa-list", CATEGORY_DEMAND, JobView, RESOURCE_JOB, ACTION_READ),
    ("Employers", _l("用工主体"), "fa-building", CATEGORY_DEMAND, EmployerView, RESOURCE_EMPLOYER, ACTION_READ),
    ("JobLedger", _l("导入用工需求台账"), "fa-upload", CATEGORY_DEMAND, JobLedgerView, RESOURCE_JOB, ACTION_IMPORT),
    *SCORING_MENU,
    *DISPUTE_MENU,
    *MATCHING_MENU,
    ("Villages", _l("村(社区)"), "fa-map-marker", CATEGORY_SYSTEM, VillageView, RESOURCE_VILLAGE, ACTION_READ),
    ("JobTypes", _l("工种字典"), "fa-tags", CATEGORY_SYSTEM, JobTypeView, RESOURCE_JOB_TYPE, ACTION_READ),
    ("OperationLog", _l("操作日志"), "fa-history", CATEGORY_SYSTEM, OperationLogView, RESOURCE_OPERATION_LOG, ACTION_READ),
]

APIS = [VillageApi, JobTypeApi, HouseholdApi, WorkerApi, EmployerApi, JobApi, *MATCHING_APIS, *SCORING_APIS, *DISPUTE_APIS]


def register_views(appbuilder):
    """Add every view and API to ``appbuilder``, in menu order."""
    for name, label, icon, category, view, _resource, _action in MENU:
        category_label, category_icon = CATEGORY_LABELS[category]
        appbuilder.add_view(
            view, name, label=label, icon=icon, category=category,
            category_label=category_label, category_icon=category_icon,
        )
    for api in APIS:
        appbuilder.add_api(api)
    current_app.jinja_env.globals["ledger_links"] = ledger_links
    register_public_board(appbuilder)
    current_app.jinja_env.globals["menu_badge"] = menu_badge


MENU_BADGES = {**DISPUTE_BADGES}


def menu_badge(name):
    """A count badge after a menu label (late dispute cases), or nothing."""
    count = MENU_BADGES[name]() if name in MENU_BADGES else 0
    if not count:
        return ""
    return Markup('<span class="badge" style="background:#d9534f;margin-left:4px" title="%s">%d</span>') % (
        gettext("超期或待受理的案件"), count)


def menu_permissions_for(permissions):
    """(permission, view_menu) pairs for the menu entries a role's permissions open.

    ``permissions`` maps resource → actions, as in ``app.security.roles``.
    """
    pairs = set()
    for name, _label, _icon, category, _view, resource, action in MENU:
        if action in permissions.get(resource, ()):
            pairs.add(("menu_access", name))
            pairs.add(("menu_access", category))
    return pairs
