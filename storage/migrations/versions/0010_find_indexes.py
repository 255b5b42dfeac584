"""find indexes

``find`` ranks the start of names first (the name itself, then names starting with the
text), and answers those from an index in key order before it reads any trigram index. On
PostgreSQL that needs the names in code-point order (``search_objects.BYTEWISE_NAMES``);
SQLite's unique (team_id, name_key) index is already in that order.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

from alembic import op

from storage import search_objects

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in search_objects.bytewise_name_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in search_objects.drop_bytewise_name_statements(op.get_bind().dialect.name):
        op.execute(statement)
