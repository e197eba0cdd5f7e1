"""Chinese names for FAB's permission rows ("can read on Worker" → "查看 · 劳动力").

FAB prints a role's permissions with the model's ``__repr__`` on the role pages; the
names come from the permission vocabulary, the menu and a short list of FAB's own views.
"""
from flask_appbuilder.security.sqla.models import PermissionView
from flask_babel import lazy_gettext as _l

from app.security.permissions import RESOURCE_LABELS

ACTION_LABELS = {
    "can_read": _l("查看"),
    "can_add": _l("新增"),
    "can_edit": _l("修改"),
    "can_delete": _l("删除"),
    "can_import": _l("导入"),
    "can_export": _l("导出"),
    "can_publish": _l("发布"),
    "can_list": _l("查看列表"),
    "can_show": _l("查看详情"),
    "can_download": _l("下载"),
    "can_get": _l("读取"),
    "can_chart": _l("图表"),
    "can_userinfo": _l("查看个人资料"),
    "userinfoedit": _l("编辑个人资料"),
    "resetmypassword": _l("修改本人密码"),
    "resetpasswords": _l("重置他人密码"),
    "copyrole": _l("复制角色"),
    "can_this_form_get": _l("打开表单"),
    "can_this_form_post": _l("提交表单"),
    "menu_access": _l("菜单"),
}

FAB_VIEW_LABELS = {
    "Security": _l("安全"),
    "List Users": _l("用户列表"),
    "List Roles": _l("角色列表"),
    "List Groups": _l("用户组"),
    "User's Statistics": _l("用户统计"),
    "Base Permissions": _l("基础权限"),
    "Views/Menus": _l("视图/菜单"),
    "Permission on Views/Menus": _l("视图/菜单权限"),
    "UserDBModelView": _l("用户"),
    "RoleModelView": _l("角色"),
    "UserGroupModelView": _l("用户组"),
    "PermissionModelView": _l("基础权限"),
    "ViewMenuModelView": _l("视图/菜单"),
    "PermissionViewModelView": _l("视图/菜单权限"),
    "UserStatsChartView": _l("用户统计"),
    "ResetMyPasswordView": _l("修改本人密码"),
    "ResetPasswordView": _l("重置密码"),
    "UserInfoEditView": _l("编辑个人资料"),
    "OpenApi": _l("接口文档"),
    "SwaggerView": _l("接口调试页面"),
    "MenuApi": _l("菜单接口"),
    "SecurityApi": _l("登录接口"),
}


def _menu_labels():
    from app.views.registry import CATEGORY_LABELS, MENU

    labels = {name: label for name, label, *_rest in MENU}
    labels.update({name: label for name, (label, _icon) in CATEGORY_LABELS.items()})
    return labels


def describe(permission_view):
    action = permission_view.permission.name if permission_view.permission else ""
    resource = permission_view.view_menu.name if permission_view.view_menu else ""
    resource_label = RESOURCE_LABELS.get(resource) or _menu_labels().get(resource) or FAB_VIEW_LABELS.get(resource) or resource
    return f"{ACTION_LABELS.get(action, action)} · {resource_label}"


def install():
    PermissionView.__repr__ = describe
    PermissionView.__str__ = describe
