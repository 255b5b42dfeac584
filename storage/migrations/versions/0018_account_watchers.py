"""Account watchers: `watch <account>` puts its renewal news in one's own digest

One row per (workspace, account, person); removed with the account (ON DELETE CASCADE)
and with the workspace. Looked up by person for their watched accounts.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_watchers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_watchers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_account_watchers_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_watchers")),
        sa.UniqueConstraint(
            "team_id",
            "account_id",
            "user_id",
            name=op.f("uq_account_watchers_team_id_account_id_user_id"),
        ),
    )
    with op.batch_alter_table("account_watchers", schema=None) as batch_op:
        batch_op.create_index("ix_account_watchers_team_user", ["team_id", "user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("account_watchers", schema=None) as batch_op:
        batch_op.drop_index("ix_account_watchers_team_user")
    op.drop_table("account_watchers")
