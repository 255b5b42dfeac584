"""nudge pass indexes

A nudge pass reads only what can be due: open follow-ups by when they are due, snooze
included (0006's ix_follow_ups_team_status_effective), open contracts by renewal date (0006's
ix_contracts_team_open_renewal) and by notice deadline (renewal date minus notice period: an
expression index here, spelt per dialect as ``storage.models.NoticeDeadline``), accounts by
next touch (ix_accounts_team_status_next_touch); and the ledger's pending rows by recipient,
for claims.

Revision ID: 0007
Revises: 0006 (written on 0004; re-chained as main brought 0005 and 0006)
Create Date: 2026-11-30 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN_WITH_NOTICE = "outcome IS NULL AND notice_days IS NOT NULL"


def _notice_deadline() -> str:
    if op.get_bind().dialect.name == "sqlite":
        return "date(renewal_date, '-' || notice_days || ' days')"
    return "(renewal_date - notice_days)"


def upgrade() -> None:
    op.create_index(
        "ix_nudges_team_status_recipient", "nudges", ["team_id", "status", "recipient_id"]
    )
    op.create_index(
        "ix_contracts_open_notice_deadline",
        "contracts",
        ["team_id", sa.text(_notice_deadline())],
        sqlite_where=sa.text(_OPEN_WITH_NOTICE),
        postgresql_where=sa.text(_OPEN_WITH_NOTICE),
    )


def downgrade() -> None:
    op.drop_index("ix_contracts_open_notice_deadline", table_name="contracts")
    op.drop_index("ix_nudges_team_status_recipient", table_name="nudges")
