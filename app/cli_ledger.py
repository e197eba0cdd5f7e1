"""``flask ledger import|export``: the Excel ledgers from the command line (SPEC §5)."""
import json
import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.models import LingongUser
from app.security.actor import acting_as
from app.security.permissions import (
    ACTION_EXPORT,
    ACTION_IMPORT,
    RESOURCE_JOB,
    RESOURCE_PERSONAL_DATA,
    RESOURCE_WORKER,
    ACTION_READ,
    user_has_permission,
)
from app.security.scoping import UNRESTRICTED, scope_for_user
from app.services.ledgers import service
from app.services.ledgers.importer import ImportRefused
from app.services.ledgers.reader import UnreadableFile

KINDS = {"workers": RESOURCE_WORKER, "jobs": RESOURCE_JOB}
EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


@click.group("ledger")
def ledger_group():
    """Import and export the village ledgers (.xlsx / .csv)."""


def _actor(username, kind, action, as_json=False):
    """The ``--as`` user; a missing or unauthorised one stops the command (exit 2, nothing tried)."""
    if username is None:
        return None
    session = current_app.appbuilder.session
    user = session.scalar(select(LingongUser).where(LingongUser.username == username))
    if user is None or not user.active:
        _fail(as_json, f"用户“{username}”不存在或已停用")
    if not user_has_permission(user, action, KINDS[kind]):
        _fail(as_json, f"用户“{username}”无权{'导入' if action == ACTION_IMPORT else '导出'}此台账")
    return user


@ledger_group.command("import")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--as", "username", default=None, help="以该用户的权限和所属村(社区)导入")
@click.option("--dry-run", is_flag=True, help="只检查并预览，不写入")
@click.option("--skip-invalid", is_flag=True, help="跳过有错误的行，写入其余行")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@with_appcontext
def import_command(kind, file, username, dry_run, skip_invalid, as_json):
    """Import FILE; exit 0 when written (or fully valid), 1 when rows were rejected and nothing
    was written, 2 when the file cannot be read or the import cannot be attempted at all."""
    user = _actor(username, kind, ACTION_IMPORT, as_json)
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError:
        _fail(as_json, f"无法打开文件：{file}（文件不存在或没有读取权限）")
    with acting_as(user) if user else _nothing():
        scope = scope_for_user(user) if user else UNRESTRICTED
        try:
            result = service.import_ledger(
                current_app.appbuilder.session, kind, data, os.path.basename(file), scope=scope,
                actor_id=user.id if user else None, write=not dry_run, skip_invalid=skip_invalid,
            )
        except UnreadableFile as exc:
            _fail(as_json, str(exc))
        except ImportRefused as exc:
            _fail(as_json, str(exc))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        click.echo(service.summary(result, dry_run))
        for error in result.errors[:200]:
            click.echo(f"  {error}")
        if len(result.errors) > 200:
            click.echo(f"  ……另有{len(result.errors) - 200}条错误")
    if result.rejected and not (skip_invalid and result.written):
        sys.exit(EXIT_REJECTED)
    sys.exit(EXIT_OK)


@ledger_group.command("export")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--as", "username", default=None, help="以该用户的权限和所属村(社区)导出")
@with_appcontext
def export_command(kind, file, username):
    """Export the ledger to FILE (.xlsx) in the template layout."""
    user = _actor(username, kind, ACTION_EXPORT)
    unmasked = user is None or user_has_permission(user, ACTION_READ, RESOURCE_PERSONAL_DATA)
    with acting_as(user) if user else _nothing():
        data, count = service.export_ledger(current_app.appbuilder.session, kind, unmasked, filename=os.path.basename(file))
    with open(file, "wb") as handle:
        handle.write(data)
    click.echo(f"已导出 {count} 行到 {file}")


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _fail(as_json, message):
    if as_json:
        click.echo(json.dumps({"error": message}, ensure_ascii=False))
    else:
        click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_UNREADABLE)
