"""The candidate index of the matching rule (worker_match_rank), filled from the ledger.

See app/services/match_index.py for what a row means. The fill below is the rule as it is
at this revision (points and statuses written out), so the migration does not change when
the application's rule changes later; the application rewrites the rows as workers change,
and ``flask matching reindex`` rebuilds them under the current rule.

Revision ID: 0005_match_index
Revises: 0004_merge
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa

revision = "0005_match_index"
down_revision = "0004_merge"
branch_labels = None
depends_on = None

MATCHABLE = ("未就业", "季节性闲置", "灵活就业")
EMPLOYED = ("就地就近务工", "区外市内务工", "市外务工", "灵活就业", "自主创业", "公益性岗位")
SEPARATOR = "、"


def _fill():
    worker = sa.table(
        "worker", sa.column("id"), sa.column("village_id"), sa.column("household_id"),
        sa.column("employment_status"), sa.column("labor_capacity"), sa.column("is_poverty_alleviated", sa.Boolean),
        sa.column("is_monitored", sa.Boolean), sa.column("is_hard_to_employ", sa.Boolean),
        sa.column("wanted_job_types"), sa.column("skills"), sa.column("verified_on"),
    )
    member = worker.alias("member")
    job_type = sa.table("job_type", sa.column("id"), sa.column("name"))
    rank = sa.table("worker_match_rank", sa.column("worker_id"), sa.column("job_type_id"), sa.column("village_id"),
                    sa.column("rank"), sa.column("verified_on"))
    idle = sa.and_(
        worker.c.household_id.isnot(None),
        ~sa.exists().where(member.c.household_id == worker.c.household_id, member.c.employment_status.in_(EMPLOYED)),
    )
    own = (sa.case((worker.c.is_poverty_alleviated.is_(True), 15), else_=0)
           + sa.case((worker.c.is_monitored.is_(True), 15), else_=0)
           + sa.case((worker.c.is_hard_to_employ.is_(True), 10), else_=0)
           + sa.case((idle, 15), else_=0))
    columns = ["worker_id", "job_type_id", "village_id", "rank", "verified_on"]
    op.execute(rank.insert().from_select(columns, sa.select(
        worker.c.id, sa.literal(0), worker.c.village_id, own, worker.c.verified_on,
    ).where(worker.c.employment_status.in_(MATCHABLE), worker.c.labor_capacity != "丧失劳动力")))

    def contains(names):
        return (sa.literal(SEPARATOR) + sa.func.coalesce(names, "") + sa.literal(SEPARATOR)).like(
            sa.literal("%" + SEPARATOR) + job_type.c.name + sa.literal(SEPARATOR + "%"))

    wanted, skill = contains(worker.c.wanted_job_types), contains(worker.c.skills)
    op.execute(rank.insert().from_select(columns, sa.select(
        rank.c.worker_id, job_type.c.id, rank.c.village_id,
        rank.c.rank + sa.case((wanted, 30), else_=0) + sa.case((skill, 20), else_=0), rank.c.verified_on,
    ).select_from(rank.join(worker, worker.c.id == rank.c.worker_id).join(job_type, sa.or_(wanted, skill)))
        .where(rank.c.job_type_id == 0)))


def upgrade():
    op.create_table(
        "worker_match_rank",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("job_type_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("worker_match_rank", schema=None) as batch_op:
        batch_op.create_index("ix_worker_match_rank_walk", ["job_type_id", "village_id", "rank", "verified_on"],
                                unique=False)
        batch_op.create_index("ix_worker_match_rank_town", ["job_type_id", "rank", "verified_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_worker_match_rank_worker_id"), ["worker_id"], unique=False)
    _fill()


def downgrade():
    with op.batch_alter_table("worker_match_rank", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_match_rank_worker_id"))
        batch_op.drop_index("ix_worker_match_rank_town")
        batch_op.drop_index("ix_worker_match_rank_walk")
    op.drop_table("worker_match_rank")
