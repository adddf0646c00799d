"""Tier overrides as an append-only history (who, when, from -> to, reason): every decision is a new
row, none is ever updated or deleted, so an earlier decision and its reason are never lost.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tier_override_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("eccn", sa.String(16), nullable=False, index=True),
        sa.Column("from_tier", sa.String(32), nullable=False, server_default=""),
        sa.Column("to_tier", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tier_override_history")
