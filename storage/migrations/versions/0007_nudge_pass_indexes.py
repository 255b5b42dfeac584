"""nudge pass indexes

A nudge pass reads only what can be due: open follow-ups by due date and by snooze date,
open contracts by renewal date and by notice deadline (renewal date minus notice period, an
expression index spelt per dialect as ``storage.models.NoticeDeadline``), accounts by next
touch (ix_accounts_team_status_next_touch, already there); and the ledger's pending rows by
recipient, for claims.

Revision ID: 0007
Revises: 0005 (written on 0004; re-chained when main brought 0005)
Create Date: 2026-11-30 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN_CONTRACT = "outcome IS NULL"
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
        "ix_follow_ups_team_status_snoozed",
        "follow_ups",
        ["team_id", "status", "snoozed_until"],
    )
    op.create_index(
        "ix_contracts_open_renewal",
        "contracts",
        ["team_id", "renewal_date"],
        sqlite_where=sa.text(_OPEN_CONTRACT),
        postgresql_where=sa.text(_OPEN_CONTRACT),
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
    op.drop_index("ix_contracts_open_renewal", table_name="contracts")
    op.drop_index("ix_follow_ups_team_status_snoozed", table_name="follow_ups")
    op.drop_index("ix_nudges_team_status_recipient", table_name="nudges")
