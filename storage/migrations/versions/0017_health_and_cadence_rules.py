"""health score switch, per-kind cadence rules, accounts' own cadence

Issue 12: a workspace may switch the health score off (`settings workspace health off`) and
set a cadence band per kind (`settings workspace cadence supplier 60 days max 120 days`),
kept on the workspace row as `kind:ideal:max` items (`supplier:60:120,customer:21:`).

An account follows its kind's rule unless its cadence was set for it (`add … every`, `set …
every`, an import's Cadence column): `cadence_own`. Existing accounts whose cadence differs
from their kind's built-in default were set for them; the others follow the default.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain ALTER TABLE, not batch mode (see 0011): SQLite adds and drops a column in place.


def upgrade() -> None:
    op.add_column(
        "workspaces",
        sa.Column("health_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.add_column(
        "workspaces",
        sa.Column("cadence_rules", sa.String(length=300), server_default="", nullable=False),
    )
    op.add_column(
        "accounts",
        sa.Column("cadence_own", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(
        "UPDATE accounts SET cadence_own = true WHERE cadence_days <> CASE kind"
        " WHEN 'customer' THEN 30 WHEN 'prospect' THEN 14 ELSE 90 END"
    )


def downgrade() -> None:
    op.drop_column("accounts", "cadence_own")
    op.drop_column("workspaces", "cadence_rules")
    op.drop_column("workspaces", "health_enabled")
