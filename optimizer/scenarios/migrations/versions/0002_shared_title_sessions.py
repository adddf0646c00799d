"""A shareable title per scenario (what allies see instead of the internal name, with an opaque
share id for their requests), and the dashboard's server-side sign-in sessions.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scenarios") as batch:
        batch.add_column(sa.Column("shared_title", sa.String(120), nullable=False, server_default=""))
        batch.add_column(sa.Column("share_id", sa.String(32), nullable=True))
        batch.create_unique_constraint("uq_scenarios_share_id", ["share_id"])
    op.create_table(
        "login_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(120), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_sessions")
    with op.batch_alter_table("scenarios") as batch:
        batch.drop_constraint("uq_scenarios_share_id", type_="unique")
        batch.drop_column("share_id")
        batch.drop_column("shared_title")
