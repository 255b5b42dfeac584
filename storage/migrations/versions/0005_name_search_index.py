"""name search index

Names, tags and contacts are searched by part of their key (``find acm``) and by spelling
(``did you mean``) through a trigram index instead of by reading every row:
PostgreSQL's ``pg_trgm`` GIN indexes, SQLite's FTS5 tables with the ``trigram`` tokenizer
(external content, kept in step by triggers). Their names all start with ``search_``, which
``alembic check`` leaves alone (storage/migrations/env.py): they are one database's own.

A later SQLite migration that rebuilds one of these tables (batch "move and copy") drops its
triggers with it; it must create them again (``search_objects.sqlite_statements``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 17:05:00
"""

from collections.abc import Sequence

from alembic import op

from storage import search_objects

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in search_objects.create_statements(dialect):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in search_objects.drop_statements(dialect):
        op.execute(statement)
