"""indexes for bounded lists

Every list is read a page at a time in its own order (keyset pagination), so each order has an
index scoped by workspace: follow-ups by when they are due (snooze included, a column the
database computes), stale accounts by next touch, one owner's accounts by name, open contracts
by renewal date; and an account's card parts (its open follow-ups, contacts, latest touches) by
account.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EFFECTIVE_DUE = "coalesce(snoozed_until, due_at)"


def upgrade() -> None:
    # SQLite can only add a VIRTUAL generated column to a table (an index on it is stored all
    # the same); PostgreSQL before 18 only has STORED ones.
    stored = op.get_bind().dialect.name != "sqlite"
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "effective_due",
                storage.types.UTCDateTime(timezone=True),
                sa.Computed(EFFECTIVE_DUE, persisted=stored),
                nullable=True,
            )
        )
    op.create_index(
        "ix_follow_ups_team_status_effective",
        "follow_ups",
        ["team_id", "status", "effective_due", "number"],
    )
    op.create_index(
        "ix_follow_ups_team_owner_status_effective",
        "follow_ups",
        ["team_id", "owner_id", "status", "effective_due", "number"],
    )
    op.create_index(
        "ix_follow_ups_team_account_status_effective",
        "follow_ups",
        ["team_id", "account_id", "status", "effective_due", "number"],
    )
    op.create_index(
        "ix_contacts_team_account_name", "contacts", ["team_id", "account_id", "name_key", "id"]
    )
    op.create_index(
        "ix_accounts_team_next_touch_id", "accounts", ["team_id", "next_touch_due", "id"]
    )
    op.create_index(
        "ix_accounts_team_owner_next_touch_id",
        "accounts",
        ["team_id", "owner_id", "next_touch_due", "id"],
    )
    op.create_index(
        "ix_accounts_team_owner_name", "accounts", ["team_id", "owner_id", "name_key", "id"]
    )
    op.create_index(
        "ix_interactions_team_account_occurred",
        "interactions",
        ["team_id", "account_id", "occurred_at", "id"],
    )
    op.create_index(
        "ix_contracts_team_open_renewal",
        "contracts",
        ["team_id", "renewal_date", "id"],
        sqlite_where=sa.text("outcome IS NULL"),
        postgresql_where=sa.text("outcome IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_contracts_team_open_renewal", table_name="contracts")
    op.drop_index("ix_interactions_team_account_occurred", table_name="interactions")
    op.drop_index("ix_accounts_team_owner_name", table_name="accounts")
    op.drop_index("ix_accounts_team_owner_next_touch_id", table_name="accounts")
    op.drop_index("ix_accounts_team_next_touch_id", table_name="accounts")
    op.drop_index("ix_contacts_team_account_name", table_name="contacts")
    op.drop_index("ix_follow_ups_team_account_status_effective", table_name="follow_ups")
    op.drop_index("ix_follow_ups_team_owner_status_effective", table_name="follow_ups")
    op.drop_index("ix_follow_ups_team_status_effective", table_name="follow_ups")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_column("effective_due")
