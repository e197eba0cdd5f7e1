"""The roles of SPEC §2 declared as data: permissions per resource and row-scope kind."""
from app.security.permissions import (
    ACTION_ADD,
    ACTION_EDIT,
    ACTION_MATCH,
    CRUD,
    READ_ONLY,
    RESOURCE_DISPUTE,
    RESOURCE_DISPUTE_EVENT,
    RESOURCE_EMPLOYER,
    RESOURCE_HOUSEHOLD,
    RESOURCE_JOB,
    RESOURCE_JOB_TYPE,
    RESOURCE_EMPLOYMENT_FEEDBACK,
    RESOURCE_HOUSEHOLD_EMPLOYMENT,
    RESOURCE_OPERATION_LOG,
    RESOURCE_PERSONAL_DATA,
    RESOURCE_SCORING,
    RESOURCE_SCORING_SETTINGS,
    RESOURCE_PLACEMENT,
    RESOURCE_REFERRAL,
    RESOURCE_SUBSIDY,
    RESOURCE_VILLAGE,
    RESOURCE_WEEKLY_REPORT,
    RESOURCE_WORKER,
    ACTION_EXPORT,
    ACTION_PUBLISH,
    ACTION_IMPORT,
    ACTION_READ,
)

ROLE_ADMIN = "系统管理员"
ROLE_TASKFORCE = "镇工作专班"
ROLE_SOCIAL_SECURITY = "社保所"
ROLE_ECONOMIC = "经发办"
ROLE_AGRI_SERVICE = "农服中心"
ROLE_INDUSTRY = "特色产业办"
ROLE_VILLAGE = "村(社区)就业服务专员"
ROLE_PUBLIC = "公众"

# Row-scope kinds (see app.security.scoping).
SCOPE_ALL = "all"
SCOPE_VILLAGE = "village"
SCOPE_KEY_GROUPS = "key_groups"
SCOPE_OFFICE = "office"

READ_WRITE = (ACTION_READ, ACTION_ADD, ACTION_EDIT)
LEDGER = (ACTION_IMPORT, ACTION_EXPORT)  # Excel ledgers in and out (SPEC §6)

ROLE_CONFIGS = {
    ROLE_ADMIN: {
        "scope": SCOPE_ALL,
        "permissions": None,  # FAB grants the admin role every permission
    },
    ROLE_TASKFORCE: {
        "scope": SCOPE_ALL,
        "permissions": {
            RESOURCE_VILLAGE: READ_ONLY,
            RESOURCE_HOUSEHOLD: READ_ONLY,
            RESOURCE_WORKER: (ACTION_READ, ACTION_EXPORT),
            RESOURCE_JOB_TYPE: READ_ONLY,
            RESOURCE_EMPLOYER: READ_ONLY,
            RESOURCE_JOB: (ACTION_READ, ACTION_EXPORT),
            RESOURCE_REFERRAL: READ_ONLY,
            RESOURCE_PLACEMENT: READ_ONLY,
            RESOURCE_HOUSEHOLD_EMPLOYMENT: READ_ONLY,
            RESOURCE_DISPUTE: (ACTION_READ, ACTION_EXPORT),
            RESOURCE_DISPUTE_EVENT: READ_ONLY,
            RESOURCE_SUBSIDY: (ACTION_READ, ACTION_EXPORT),
            RESOURCE_WEEKLY_REPORT: READ_ONLY,
            RESOURCE_SCORING: (ACTION_READ, ACTION_EXPORT),
            RESOURCE_SCORING_SETTINGS: READ_ONLY,
        },
    },
    ROLE_SOCIAL_SECURITY: {
        "scope": SCOPE_ALL,
        "permissions": {
            RESOURCE_VILLAGE: CRUD,
            RESOURCE_HOUSEHOLD: CRUD,
            RESOURCE_WORKER: CRUD + LEDGER + (ACTION_MATCH,),
            RESOURCE_JOB_TYPE: CRUD,
            RESOURCE_EMPLOYER: CRUD,
            RESOURCE_JOB: CRUD + LEDGER + (ACTION_MATCH,),
            RESOURCE_REFERRAL: CRUD,
            RESOURCE_PLACEMENT: CRUD,
            RESOURCE_HOUSEHOLD_EMPLOYMENT: READ_ONLY,
            RESOURCE_OPERATION_LOG: READ_ONLY,
            RESOURCE_PERSONAL_DATA: READ_ONLY,
            RESOURCE_DISPUTE: CRUD + (ACTION_EXPORT,),
            RESOURCE_DISPUTE_EVENT: CRUD,
            RESOURCE_SUBSIDY: CRUD + (ACTION_EXPORT,),
            # Records reports received on paper or by WeChat, for any village.
            RESOURCE_WEEKLY_REPORT: CRUD,
            RESOURCE_SCORING: (ACTION_READ, ACTION_EXPORT, ACTION_ADD, ACTION_PUBLISH),
            RESOURCE_SCORING_SETTINGS: (ACTION_READ, ACTION_EDIT),
        },
    },
    ROLE_ECONOMIC: {
        "scope": SCOPE_KEY_GROUPS,
        "permissions": {
            RESOURCE_VILLAGE: READ_ONLY,
            RESOURCE_HOUSEHOLD: READ_ONLY,
            RESOURCE_WORKER: READ_ONLY,
            RESOURCE_EMPLOYMENT_FEEDBACK: (ACTION_READ, ACTION_EDIT),
            RESOURCE_HOUSEHOLD_EMPLOYMENT: READ_ONLY,
        },
    },
    ROLE_AGRI_SERVICE: {
        "scope": SCOPE_OFFICE,
        "office": "农服中心",
        "permissions": {
            RESOURCE_VILLAGE: READ_ONLY,
            RESOURCE_JOB_TYPE: READ_ONLY,
            RESOURCE_EMPLOYER: READ_WRITE,
            RESOURCE_JOB: READ_WRITE + LEDGER,
        },
    },
    ROLE_INDUSTRY: {
        "scope": SCOPE_OFFICE,
        "office": "特色产业办",
        "permissions": {
            RESOURCE_VILLAGE: READ_ONLY,
            RESOURCE_JOB_TYPE: READ_ONLY,
            RESOURCE_EMPLOYER: READ_WRITE,
            RESOURCE_JOB: READ_WRITE + LEDGER,
        },
    },
    ROLE_VILLAGE: {
        "scope": SCOPE_VILLAGE,
        "needs_village": True,
        "permissions": {
            RESOURCE_VILLAGE: READ_ONLY,
            RESOURCE_JOB_TYPE: READ_ONLY,
            RESOURCE_HOUSEHOLD: READ_WRITE,
            RESOURCE_WORKER: READ_WRITE + LEDGER + (ACTION_MATCH,),
            RESOURCE_EMPLOYER: READ_WRITE,
            RESOURCE_JOB: READ_WRITE + LEDGER + (ACTION_MATCH,),
            RESOURCE_REFERRAL: READ_WRITE,
            RESOURCE_PLACEMENT: READ_WRITE,
            RESOURCE_HOUSEHOLD_EMPLOYMENT: READ_ONLY,
            # Register and follow their own village's disputes; no delete.
            RESOURCE_DISPUTE: READ_WRITE + (ACTION_EXPORT,),
            RESOURCE_DISPUTE_EVENT: READ_WRITE,
            # Their own village's weekly report; published bulletins (the row rule).
            RESOURCE_WEEKLY_REPORT: READ_WRITE,
            RESOURCE_SCORING: READ_ONLY,
            # Only their own village's people are visible, so they may see them in full.
            RESOURCE_PERSONAL_DATA: READ_ONLY,
        },
    },
}

BUSINESS_ROLES = tuple(ROLE_CONFIGS)


def role_needs_village(role_name):
    return bool(ROLE_CONFIGS.get(role_name, {}).get("needs_village"))
