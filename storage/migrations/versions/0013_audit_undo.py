"""audit rows grouped by change, and undo's reference

`undo` takes back a caller's last change: every audit row one unit of work (one request)
wrote, found by ``change_key``. An undo's own rows name the row they took back
(``undoes``), so the next `undo` goes one further back. The caller's recent rows are read
through ``ix_audit_events_team_actor_at``.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode (see 0011): SQLite adds and drops a column in place.


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("change_key", sa.String(length=32), nullable=True))
    op.add_column("audit_events", sa.Column("undoes", sa.Integer(), nullable=True))
    op.create_index(
        "ix_audit_events_team_actor_at", "audit_events", ["team_id", "actor", "at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_team_actor_at", table_name="audit_events")
    op.drop_column("audit_events", "undoes")
    op.drop_column("audit_events", "change_key")
