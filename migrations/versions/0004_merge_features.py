"""Merge the three feature branches of the schema (disputes, matching, scoring) into one head.

Revision ID: 0004_merge
Revises: 0003_disputes, 0003_matching, 0003_scoring
Create Date: 2026-12-04

"""

revision = "0004_merge"
down_revision = ("0003_disputes", "0003_matching", "0003_scoring")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
