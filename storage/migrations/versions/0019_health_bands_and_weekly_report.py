"""health bands kept, the weekly report's settings

Issue 12: an account's health is computed when asked; its band is also kept, checked about
hourly by the scheduler, so that the weekly report can name the accounts that moved into
"at risk" and a channel can hear of it (`account_health`: one row per scored account, its
band and since when it is in it). `workspaces.health_checked_at` says when the workspace's
bands were last checked, and is how one replica claims the next check.

The weekly report goes to `report_channel` on `report_weekday` (Monday is 0) at
`report_time` in `report_timezone` (the zone of the admin who set it).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_health",
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "team_id",
            sa.String(length=32),
            sa.ForeignKey("workspaces.team_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_account_health_team_band_since", "account_health", ["team_id", "band", "since"]
    )
    # Plain ALTER TABLE, not batch mode (see 0011).
    op.add_column("workspaces", sa.Column("health_checked_at", UTCDateTime(), nullable=True))
    op.add_column("workspaces", sa.Column("report_channel", sa.String(length=32), nullable=True))
    op.add_column(
        "workspaces",
        sa.Column("report_weekday", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "workspaces",
        sa.Column("report_time", sa.String(length=5), server_default="09:00", nullable=False),
    )
    op.add_column(
        "workspaces",
        sa.Column("report_timezone", sa.String(length=64), server_default="UTC", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("workspaces", "report_timezone")
    op.drop_column("workspaces", "report_time")
    op.drop_column("workspaces", "report_weekday")
    op.drop_column("workspaces", "report_channel")
    op.drop_column("workspaces", "health_checked_at")
    op.drop_index("ix_account_health_team_band_since", table_name="account_health")
    op.drop_table("account_health")
