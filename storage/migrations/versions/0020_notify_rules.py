"""Channel notify rules: `settings workspace notify #channel when <event> [for …]`

One row per (workspace, channel, event, filter); ``filter_key`` is "" for every account, else
`kind:customer`, `tier:gold` (case-folded) or `tag:<name key>`, so no two rules are the same
(a unique constraint over NULLs would not say so). Removed with the workspace.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notify_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("filter_by", sa.String(length=8), nullable=True),
        sa.Column("filter_value", sa.String(length=100), nullable=True),
        sa.Column("filter_key", sa.String(length=120), server_default="", nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_notify_rules_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_rules")),
        sa.UniqueConstraint(
            "team_id",
            "channel_id",
            "event",
            "filter_key",
            name=op.f("uq_notify_rules_team_id_channel_id_event_filter_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("notify_rules")
