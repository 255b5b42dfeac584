"""a contract's value may be unknown

An import that gives a renewal date without a value makes a contract whose value is not
known (shown as "value unknown"), never 0: ``contracts.value_cents`` becomes nullable.

PostgreSQL drops the constraint with a plain ALTER. SQLite cannot alter a column; it
documents editing the table's stored definition for removing a NOT NULL constraint (which
changes nothing on disk; "Making Other Kinds Of Table Schema Changes", sqlite.org/lang_
altertable.html), instead of copying the table, which would lose its expression indexes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REQUIRED = "value_cents BIGINT NOT NULL,"
_OPTIONAL = "value_cents BIGINT,"


def _sqlite_definition(old: str, new: str) -> None:
    bind = op.get_bind()
    definition = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'contracts'")
    ).scalar_one()
    if old not in definition:
        raise RuntimeError(f"contracts has no column definition {old!r} to change")
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'contracts'"),
        {"sql": definition.replace(old, new, 1)},
    )
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_definition(_REQUIRED, _OPTIONAL)
    else:
        op.execute("ALTER TABLE contracts ALTER COLUMN value_cents DROP NOT NULL")


def downgrade() -> None:
    # Back to a required value: an unknown one becomes 0, as it was before 0015.
    op.execute("UPDATE contracts SET value_cents = 0 WHERE value_cents IS NULL")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_definition(_OPTIONAL, _REQUIRED)
    else:
        op.execute("ALTER TABLE contracts ALTER COLUMN value_cents SET NOT NULL")
