"""owner renewal indexes

One owner's renewals (``mine``, the App Home) are read from their live accounts to each one's
open contract in the window, then sorted: work bounded by their book, not by the workspace's
open contracts. This index answers the second step and the count from the index alone: an
account's open contract, its renewal date and its workspace.

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-30 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_contracts_open_account_renewal",
        "contracts",
        ["account_id", "renewal_date", "team_id"],
        sqlite_where=sa.text("outcome IS NULL"),
        postgresql_where=sa.text("outcome IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_contracts_open_account_renewal", table_name="contracts")
