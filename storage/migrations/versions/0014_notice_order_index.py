"""notice deadline index in list order

`renewals` and `notices` read open contracts by notice deadline a page at a time, in the
order (deadline, id). The expression index of 0007 (team, deadline) is built again with the
id after the deadline, so that PostgreSQL reads such a page in its index's order instead of
sorting every deadline of the window (SQLite keeps the row id in every index entry
already). The nudge pass's reads (deadlines on or before a day) use it as before.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ix_contracts_open_notice_deadline"
_OPEN_WITH_NOTICE = "outcome IS NULL AND notice_days IS NOT NULL"


def _notice_deadline() -> str:
    if op.get_bind().dialect.name == "sqlite":
        return "date(renewal_date, '-' || notice_days || ' days')"
    return "(renewal_date - notice_days)"


def _create(columns: list[str | sa.TextClause]) -> None:
    op.create_index(
        _NAME,
        "contracts",
        columns,
        sqlite_where=sa.text(_OPEN_WITH_NOTICE),
        postgresql_where=sa.text(_OPEN_WITH_NOTICE),
    )


def upgrade() -> None:
    op.drop_index(_NAME, table_name="contracts")
    _create(["team_id", sa.text(_notice_deadline()), "id"])


def downgrade() -> None:
    op.drop_index(_NAME, table_name="contracts")
    _create(["team_id", sa.text(_notice_deadline())])
