"""``flask scoring compute|publish PERIOD``: the 10-day scoring from the command line (SPEC §5)."""
import json

import click
from flask import current_app
from flask.cli import with_appcontext

from app.services import scoring
from app.services.scoring import ScoringError


@click.group("scoring")
def scoring_group():
    """The 10-day village scoring (旬调度)."""


@scoring_group.command("compute")
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出各村(社区)的指标、总分和名次")
@with_appcontext
def compute_command(period, as_json):
    """Compute PERIOD (e.g. 2024-04-2 = 2024年4月中旬) for every village; a published period is refused."""
    session = current_app.appbuilder.session
    try:
        row = scoring.compute(session, period)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None
    lines = scoring.score_lines(session, row)
    if as_json:
        click.echo(json.dumps([line.as_json() for line in lines], ensure_ascii=False, indent=2))
        return
    click.echo(f"{scoring.period_label(row.key)}（{row.key}）评分已计算：")
    for line in lines:
        parts = "  ".join(f"{name} {num}/{den}" for name, (num, den) in line.counts.items())
        click.echo(f"  第{line.rank}名 {line.village} {line.total}分  {parts}")


@scoring_group.command("publish")
@click.argument("period")
@with_appcontext
def publish_command(period):
    """Publish PERIOD: its scores are frozen and the bulletin is readable by the villages."""
    session = current_app.appbuilder.session
    try:
        row = scoring.publish(session, period)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{scoring.period_label(row.key)}（{row.key}）评分已发布。")
