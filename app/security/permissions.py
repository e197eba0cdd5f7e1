"""The permission vocabulary: resources and actions shared by views, APIs and roles.

FAB's many ``can_*`` permissions are collapsed to read/add/edit/delete per resource
(``class_permission_name`` and ``method_permission_name`` on every view and API).
"""
from flask_babel import lazy_gettext as _l

ACTION_READ = "read"
ACTION_ADD = "add"
ACTION_EDIT = "edit"
ACTION_DELETE = "delete"
ACTION_IMPORT = "import"
ACTION_EXPORT = "export"
ACTION_PUBLISH = "publish"
ACTION_MATCH = "match"  # 匹配人选 / 推荐岗位 pages and their API
CRUD = (ACTION_READ, ACTION_ADD, ACTION_EDIT, ACTION_DELETE)
READ_ONLY = (ACTION_READ,)


def perm(action):
    """The FAB permission name stored for an action: ``read`` → ``can_read``."""
    return f"can_{action}"


RESOURCE_VILLAGE = "Village"
RESOURCE_HOUSEHOLD = "Household"
RESOURCE_WORKER = "Worker"
RESOURCE_JOB_TYPE = "JobType"
RESOURCE_EMPLOYER = "Employer"
RESOURCE_JOB = "Job"
RESOURCE_OPERATION_LOG = "OperationLog"
RESOURCE_REFERRAL = "Referral"
RESOURCE_PLACEMENT = "Placement"
# 经发办's feedback view: employment status, work place and notes of key-group workers.
RESOURCE_EMPLOYMENT_FEEDBACK = "EmploymentFeedback"
# The 一户一人一就业 tracker (key households without an employed member).
RESOURCE_HOUSEHOLD_EMPLOYMENT = "HouseholdEmployment"
RESOURCE_DISPUTE = "Dispute"
RESOURCE_DISPUTE_EVENT = "DisputeEvent"
RESOURCE_SUBSIDY = "Subsidy"
RESOURCE_WEEKLY_REPORT = "WeeklyReport"
# Scores and bulletins: read (published ones, by the row rule), add = compute a period, publish.
RESOURCE_SCORING = "Scoring"
RESOURCE_SCORING_SETTINGS = "ScoringSettings"
# Holding read on it means seeing ID and phone numbers unmasked.
RESOURCE_PERSONAL_DATA = "PersonalData"

RESOURCE_LABELS = {
    RESOURCE_VILLAGE: _l("村(社区)"),
    RESOURCE_HOUSEHOLD: _l("户"),
    RESOURCE_WORKER: _l("劳动力"),
    RESOURCE_JOB_TYPE: _l("工种"),
    RESOURCE_EMPLOYER: _l("用工主体"),
    RESOURCE_JOB: _l("用工需求"),
    RESOURCE_OPERATION_LOG: _l("操作日志"),
    RESOURCE_REFERRAL: _l("推荐对接"),
    RESOURCE_PLACEMENT: _l("务工记录"),
    RESOURCE_EMPLOYMENT_FEEDBACK: _l("就业情况反馈"),
    RESOURCE_HOUSEHOLD_EMPLOYMENT: _l("一户一人一就业"),
    RESOURCE_DISPUTE: _l("劳资纠纷"),
    RESOURCE_DISPUTE_EVENT: _l("纠纷办理记录"),
    RESOURCE_SUBSIDY: _l("就业补贴申报指导"),
    RESOURCE_WEEKLY_REPORT: _l("周报"),
    RESOURCE_SCORING: _l("旬调度评分和通报"),
    RESOURCE_SCORING_SETTINGS: _l("旬调度评分规则"),
    RESOURCE_PERSONAL_DATA: _l("完整身份证号和电话"),
}

# View/API method → action. FAB adds the ``can_`` prefix.
MODEL_VIEW_METHODS = {
    "list": ACTION_READ,
    "show": ACTION_READ,
    "download": ACTION_READ,
    "add": ACTION_ADD,
    "edit": ACTION_EDIT,
    "delete": ACTION_DELETE,
    "muldelete": ACTION_DELETE,
    "action": ACTION_READ,
    "action_post": ACTION_READ,
}
MODEL_API_METHODS = {
    "get_list": ACTION_READ,
    "get": ACTION_READ,
    "info": ACTION_READ,
    "post": ACTION_ADD,
    "put": ACTION_EDIT,
    "delete": ACTION_DELETE,
}


def user_has_permission(user, action, resource):
    """Whether ``user``'s roles grant ``action`` on ``resource``, outside a request too."""
    from flask import current_app

    if current_app.config["AUTH_ROLE_ADMIN"] in {role.name for role in user.roles}:
        return True
    wanted = perm(action)
    return any(
        pv.permission.name == wanted and pv.view_menu.name == resource
        for role in user.roles
        for pv in role.permissions
    )
