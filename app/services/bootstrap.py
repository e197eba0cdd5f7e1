"""Base data: schema, roles and their permissions, villages and the job-type dictionary.

Safe to run again: everything is found or created, and role permissions are set to
exactly what ``app.security.roles`` declares.
"""
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from app.models import JobType, Village
from app.models.enums import JOB_TYPES, VILLAGES
from app.security.permissions import ACTION_READ, RESOURCE_PERSONAL_DATA, perm
from app.security.roles import ROLE_CONFIGS
from app.views.registry import menu_permissions_for

# What every signed-in user may do with their own account.
OWN_ACCOUNT_PERMISSIONS = {
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("userinfoedit", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
}


def migrate_database():
    """Every head: features developed side by side may add branches until they are merged."""
    upgrade(directory=current_app.config["MIGRATIONS_DIR"], revision="heads")


def sync_roles(appbuilder):
    """FAB's own rows, the permissions of every view, then each role exactly as declared."""
    sm = appbuilder.sm
    current_app.config["FAB_CREATE_DB"] = True
    try:
        sm.create_db()
    finally:
        current_app.config["FAB_CREATE_DB"] = False
    appbuilder.add_permissions(update_perms=True)
    admin = sm.find_role(sm.auth_role_admin)
    personal = sm.add_permission_view_menu(perm(ACTION_READ), RESOURCE_PERSONAL_DATA)
    if personal not in admin.permissions:
        admin.permissions.append(personal)
    for name, config in ROLE_CONFIGS.items():
        if config["permissions"] is None:
            continue
        role = sm.add_role(name)
        wanted = {(perm(action), resource) for resource, actions in config["permissions"].items() for action in actions}
        wanted |= menu_permissions_for(config["permissions"])
        wanted |= OWN_ACCOUNT_PERMISSIONS
        role.permissions = [sm.add_permission_view_menu(p, v) for p, v in sorted(wanted)]
    sm.session.commit()


def load_villages(session):
    existing = set(session.scalars(select(Village.name)))
    for order, (name, kind) in enumerate(VILLAGES, start=1):
        if name not in existing:
            session.add(Village(name=name, kind=kind, sort_order=order))


def load_job_types(session):
    existing = set(session.scalars(select(JobType.name)))
    for order, (name, code) in enumerate(JOB_TYPES, start=1):
        if name not in existing:
            session.add(JobType(name=name, occupation_code=code, sort_order=order))


def initialise(appbuilder):
    """``flask init``: migrate, then roles, villages and job types."""
    migrate_database()
    sync_roles(appbuilder)
    session = appbuilder.session
    load_villages(session)
    load_job_types(session)
    session.commit()
