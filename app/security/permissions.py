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
