"""Creating accounts for real people and for the demo, with the password policy."""
from sqlalchemy import select

from app.models import Village
from app.security.passwords import password_problem
from app.security.roles import ROLE_CONFIGS, ROLE_VILLAGE, role_needs_village
from app.security.user_views import check_user_binding


class AccountError(ValueError):
    """An account that cannot be created; ``str()`` is the Chinese message."""


DEMO_ACCOUNTS = [  # username, role, village
    ("admin", "系统管理员", None),
    ("zhuanban", "镇工作专班", None),
    ("shebao", "社保所", None),
    ("jingfa", "经发办", None),
    ("nongfu", "农服中心", None),
    ("tese", "特色产业办", None),
    ("zhongtang", ROLE_VILLAGE, "中塘村"),
    ("xingquan", ROLE_VILLAGE, "兴泉村"),
    ("shengli", ROLE_VILLAGE, "胜利村"),
    ("yingxin", ROLE_VILLAGE, "迎新村"),
    ("shuangshi", ROLE_VILLAGE, "双石村"),
]


def create_account(sm, username, role_name, password, village_name=None, full_name=None, surname=None):
    """Create one account; raises AccountError with a Chinese message on any bad input."""
    username = (username or "").strip()
    if not username:
        raise AccountError("用户名不能为空")
    if role_name not in ROLE_CONFIGS:
        raise AccountError(f"没有名为“{role_name}”的角色。可用角色：{'、'.join(ROLE_CONFIGS)}")
    problem = password_problem(password)
    if problem:
        raise AccountError(str(problem))
    if sm.find_user(username=username) is not None:
        raise AccountError(f"用户名“{username}”已存在")
    role = sm.find_role(role_name)
    if role is None:
        raise AccountError(f"角色“{role_name}”尚未初始化，请先运行 flask --app run init")
    village = None
    if village_name:
        village = sm.session.scalar(select(Village).where(Village.name == village_name))
        if village is None:
            names = "、".join(sm.session.scalars(select(Village.name).order_by(Village.sort_order)))
            raise AccountError(f"没有名为“{village_name}”的村(社区)。可选：{names}")
    if role_needs_village(role_name) and village is None:
        raise AccountError(f"角色“{role_name}”必须用 --village 指定所属村(社区)")
    if village is not None and not role_needs_village(role_name):
        raise AccountError(f"角色“{role_name}”不绑定村(社区)，请去掉 --village")
    # FAB shows "first last"; a Chinese name is surname + given name.
    if surname:
        first, last = surname, full_name or username
    elif full_name:
        first, last = full_name[:1], full_name[1:] or full_name
    else:
        first, last = username, ""
    user = sm.add_user(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@lingong.invalid",
        role=role,
        password=password,
    )
    if not user:
        raise AccountError("创建用户失败，请查看日志")
    user.village_id = village.id if village else None
    check_user_binding(user)
    sm.session.commit()
    return user


def create_demo_accounts(sm, password):
    created = []
    for username, role, village in DEMO_ACCOUNTS:
        if sm.find_user(username=username) is None:
            create_account(sm, username, role, password, village, full_name="演示账号", surname=village or role)
            created.append(username)
    return created
