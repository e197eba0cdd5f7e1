"""Flask CLI commands of SPEC §5: init, user create, demo, matching reindex; and translate (app/cli_translate.py)."""
import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.cli_translate import translate_group
from app.cli_ledger import ledger_group
from app.cli_scoring import scoring_group
from app.models import LingongUser
from app.services import bootstrap, demo, match_index
from app.services.accounts import AccountError, create_account, create_demo_accounts


def register(app):
    app.cli.add_command(init_command)
    app.cli.add_command(user_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(translate_group)
    app.cli.add_command(ledger_group)
    app.cli.add_command(scoring_group)
    app.cli.add_command(matching_group)


@click.command("init")
@with_appcontext
def init_command():
    """Migrate the database and load the base data (safe to run again)."""
    bootstrap.initialise(current_app.appbuilder)
    click.echo("数据库已迁移，角色权限、村(社区)和工种字典已就绪。")


@click.group("user")
def user_group():
    """Accounts."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", required=True, help="角色名称，如 社保所、村(社区)就业服务专员")
@click.option("--village", default=None, help="村(社区)名称，村级角色必填")
@click.option("--password", required=True, help="至少10位，包含字母和数字")
@click.option("--name", default=None, help="姓名（可选）")
@with_appcontext
def user_create(username, role, village, password, name):
    """Create an account for a real person."""
    try:
        user = create_account(current_app.appbuilder.sm, username, role, password, village, name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已创建用户 {user.username}（{role}{'，' + village if village else ''}）")


@click.command("demo")
@click.option("--workers", default=500, show_default=True, type=click.IntRange(0, 2_000_000), help="生成的劳动力人数")
@click.option("--password", default=None, help="演示账号密码（默认取 LINGONG_DEMO_PASSWORD）")
@with_appcontext
def demo_command(workers, password):
    """Demo accounts and generated ledgers."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("生产环境（LINGONG_ENV=production）不允许生成演示数据")
    made = load_demo(workers, password or current_app.config["DEMO_PASSWORD"])
    click.echo(f"已生成 {made} 名劳动力及对应的户、用工主体、用工需求、推荐与务工记录、劳动纠纷、补贴申报、周报和旬调度评分。")


def load_demo(workers, password):
    appbuilder = current_app.appbuilder
    try:
        create_demo_accounts(appbuilder.sm, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    return demo.generate(appbuilder.session, workers=workers)


@click.group("matching")
def matching_group():
    """Point-to-point matching (点对点精准对接)."""


@matching_group.command("reindex")
@with_appcontext
def matching_reindex():
    """Rebuild the candidate index from the worker ledger (after writing workers past the application)."""
    session = current_app.appbuilder.session
    rows = match_index.rebuild(session.connection())
    session.commit()
    click.echo(f"匹配候选索引已重建：{rows}条。")


def database_is_new():
    return (current_app.appbuilder.session.scalar(select(func.count(LingongUser.id))) or 0) == 0
