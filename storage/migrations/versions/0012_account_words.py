"""account words

An account is found by the words of its name when it is not typed in full (`show acme` for
"Acme Corp", `who owns hooli` for "Hooli, Inc.", `show muller` for "Müller GmbH"):
``accounts.words_key`` holds the name's words without accents or marks
(``bot.domain.words_key``), filled here for the accounts there are, and an index in
code-point order (``search_objects.ACCOUNT_WORDS``) answers the words a name starts with.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.domain import words_key
from storage import search_objects

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1_000

# Plain ALTER TABLE, not batch mode: on SQLite a batch operation copies the table and loses
# the triggers that keep the accounts' trigram search table in step.


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("words_key", sa.String(length=200), server_default="", nullable=False),
    )
    bind = op.get_bind()
    accounts = sa.table(
        "accounts",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("words_key", sa.String),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(accounts.c.id, accounts.c.name)
            .where(accounts.c.id > last)
            .order_by(accounts.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            sa.update(accounts)
            .where(accounts.c.id == sa.bindparam("row_id"))
            .values(words_key=sa.bindparam("words")),
            [{"row_id": row.id, "words": words_key(row.name)} for row in rows],
        )
        last = rows[-1].id
    for statement in search_objects.account_words_statements(bind.dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in search_objects.drop_account_words_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_column("accounts", "words_key")
