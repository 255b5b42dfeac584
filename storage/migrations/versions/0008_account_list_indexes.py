"""account list indexes

`accounts …` lists a page by name. The workspace's accounts walk the unique (team_id,
name_key) index, one owner's ix_accounts_team_owner_name; these two serve the filters that
pick a small share of a whole workspace and that people ask for by themselves: a kind
(`accounts all suppliers`: a few per cent of a book) and at risk. Each is in name order, so a
page is the first rows of the range, and its bounded COUNT reads no more than it counts.

On PostgreSQL, statistics on lower(tier): `accounts all tier gold` compares tiers without
regard to case, and without them the planner guesses such a comparison keeps 0.5 % of the
rows (a quarter of a book is gold); expecting fewer matches than the COUNT's cap, it would
read and sort every account of the workspace rather than walk the name index to the cap.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 19:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_accounts_team_kind_name", "accounts", ["team_id", "kind", "name_key"])
    op.create_index("ix_accounts_team_status_name", "accounts", ["team_id", "status", "name_key"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE STATISTICS accounts_lower_tier ON (lower(tier)) FROM accounts")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS accounts_lower_tier")
    op.drop_index("ix_accounts_team_status_name", table_name="accounts")
    op.drop_index("ix_accounts_team_kind_name", table_name="accounts")
