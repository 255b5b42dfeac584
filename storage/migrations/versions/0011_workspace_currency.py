"""workspace currency, notice in months

A contract value written without a currency (`contract Acme: 24000 renews …`) is in the
workspace's currency, set with `settings workspace currency EUR`. Existing workspaces get
USD, what such a value meant before.

`notice 3 months` is kept as months on the contract (`notice_months`) next to its days
before the renewal date (`notice_days`, which every deadline query and index reads), so a
term rolled forward counts its own months back instead of copying the last term's days.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, not batch mode: on SQLite a batch operation copies the table and loses
# the contracts' expression indexes (ix_contracts_open_notice_deadline). SQLite adds and
# (from 3.35) drops a column in place.


def upgrade() -> None:
    op.add_column(
        "workspaces",
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
    )
    op.add_column("contracts", sa.Column("notice_months", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("contracts", "notice_months")
    op.drop_column("workspaces", "currency")
