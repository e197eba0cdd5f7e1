"""User administration with the village a specialist is bound to."""
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from app.security.roles import role_needs_village
from app.views.fields import yes_no


def check_user_binding(user):
    """A village role needs exactly its village; other roles have none."""
    names = {role.name for role in user.roles}
    needs = any(role_needs_village(name) for name in names)
    if needs and user.village_id is None and user.village is None:
        raise ValueError(str(_l("村(社区)就业服务专员必须指定所属村(社区)")))
    if not needs and (user.village_id is not None or user.village is not None):
        raise ValueError(str(_l("只有村(社区)就业服务专员可以绑定村(社区)")))
    if not names:
        raise ValueError(str(_l("请为用户指定一个角色")))


_COLUMNS = ["first_name", "last_name", "username", "active", "email", "roles", "village"]


class LingongUserDBModelView(UserDBModelView):
    # Keep FAB's permission names (can_userinfo on UserDBModelView …) for the subclass.
    class_permission_name = "UserDBModelView"
    list_columns = ["username", "first_name", "last_name", "roles", "village", "active", "last_login", "locked_until"]
    add_columns = _COLUMNS + ["password", "conf_password"]
    edit_columns = _COLUMNS
    search_columns = ["username", "first_name", "last_name", "roles", "village", "active"]
    show_fieldsets = [
        (_l("用户信息"), {"fields": ["username", "active", "roles", "village", "login_count"]}),
        (_l("个人信息"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
        (
            _l("审计信息"),
            {"fields": ["last_login", "fail_login_count", "locked_until", "created_on", "changed_on"], "expanded": False},
        ),
    ]
    label_columns = {
        **UserDBModelView.label_columns,
        "village": _l("所属村(社区)"),
        "locked_until": _l("锁定至"),
    }
    formatters_columns = {"active": yes_no}
    description_columns = {
        **UserDBModelView.description_columns,
        "village": _l("仅村(社区)就业服务专员需要，且必须填写"),
        "first_name": _l("姓"),
        "last_name": _l("名"),
    }

    def pre_add(self, item):
        check_user_binding(item)
        super().pre_add(item)

    def pre_update(self, item):
        check_user_binding(item)
        super().pre_update(item)
