"""The database objects behind name search (migration 0005), by dialect.

Each searched column (table, key column) gets a trigram index: on PostgreSQL a ``pg_trgm``
GIN index, on SQLite an FTS5 table with the ``trigram`` tokenizer whose content is the
table itself, kept in step by three triggers. Every object's name starts with ``search_``.
"""

from __future__ import annotations

PREFIX = "search_"
SEARCHED = (("accounts", "name_key"), ("account_tags", "tag_key"), ("contacts", "name_key"))


class UnsupportedDatabase(ValueError):
    """Rapport runs on SQLite and PostgreSQL; name search has an index for those two only."""

    def __init__(self, dialect: str) -> None:
        super().__init__(f"Rapport runs on SQLite or PostgreSQL, not {dialect}.")


def trigram_expression(key: str) -> str:
    """What PostgreSQL's trigram indexes are built on: the key column, behind ``lower()``.

    pg_trgm's GIN operator class answers equality too, and PostgreSQL would then take it for
    ``name_key = ANY(…)`` (the parser's and the import's exact look-ups), seconds where the
    unique (team_id, name_key) index takes milliseconds. An index on an expression serves
    only queries that spell the same expression, which only name search does (keys are
    already lower case, so ``lower`` changes nothing of their meaning)."""
    return f"lower({key})"


# Names in code-point order, for the start of a name (migration 0010). SQLite compares text
# byte by byte already, so its unique (team_id, name_key) index serves; PostgreSQL orders by
# the database's collation, whose ranges do not follow a prefix (``LIKE 'nord%'`` cannot use
# an index under en_US), so it gets an index under the "C" collation: UTF-8 bytes, that is
# code points, as Python compares them. ``status`` and ``id`` ride along, so that the start
# of the names of a workspace is read from the index alone.
BYTEWISE_NAMES = f"{PREFIX}accounts_name_key_bytewise"


def bytewise_name_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f'CREATE INDEX {BYTEWISE_NAMES} ON accounts (team_id, name_key COLLATE "C") '
            "INCLUDE (status, id)"
        ]
    if dialect == "sqlite":
        return []
    raise UnsupportedDatabase(dialect)


def drop_bytewise_name_statements(dialect: str) -> list[str]:
    return [f"DROP INDEX {BYTEWISE_NAMES}"] if dialect == "postgresql" else []


# A name's words (``accounts.words_key``, migration 0012), for a name typed in part: the words
# it starts with are a range in code-point order, as for ``BYTEWISE_NAMES``.
ACCOUNT_WORDS = f"{PREFIX}accounts_words"


def account_words_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f'CREATE INDEX {ACCOUNT_WORDS} ON accounts (team_id, words_key COLLATE "C") '
            "INCLUDE (status, id)"
        ]
    if dialect == "sqlite":
        return [f"CREATE INDEX {ACCOUNT_WORDS} ON accounts (team_id, words_key)"]
    raise UnsupportedDatabase(dialect)


def drop_account_words_statements(dialect: str) -> list[str]:
    return [f"DROP INDEX {ACCOUNT_WORDS}"]


def is_search_object(name: str | None) -> bool:
    """Whether a schema object belongs to name search (and so not to the models)."""
    return bool(name) and str(name).startswith(PREFIX)


def create_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
            f"CREATE INDEX {PREFIX}{table}_{key}_trgm ON {table} "
            f"USING gin ({trigram_expression(key)} gin_trgm_ops)"
            for table, key in SEARCHED
        ]
    if dialect == "sqlite":
        return [s for table, key in SEARCHED for s in sqlite_statements(table, key)]
    raise UnsupportedDatabase(dialect)


def drop_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP INDEX {PREFIX}{table}_{key}_trgm" for table, key in SEARCHED]
    if dialect == "sqlite":
        return [
            statement
            for table, _key in SEARCHED
            for statement in (
                f"DROP TRIGGER {PREFIX}{table}_inserted",
                f"DROP TRIGGER {PREFIX}{table}_deleted",
                f"DROP TRIGGER {PREFIX}{table}_updated",
                f"DROP TABLE {PREFIX}{table}",
            )
        ]
    raise UnsupportedDatabase(dialect)


def sqlite_statements(table: str, key: str) -> list[str]:
    """The FTS5 table over ``table.key`` (rowid = the row's id), its triggers, and its fill."""
    fts = f"{PREFIX}{table}"
    forget = f"INSERT INTO {fts}({fts}, rowid, {key}) VALUES ('delete', old.id, old.{key});"
    learn = f"INSERT INTO {fts}(rowid, {key}) VALUES (new.id, new.{key});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5("
        f"{key}, content='{table}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_inserted AFTER INSERT ON {table} BEGIN {learn} END",
        f"CREATE TRIGGER {fts}_deleted AFTER DELETE ON {table} BEGIN {forget} END",
        f"CREATE TRIGGER {fts}_updated AFTER UPDATE OF {key} ON {table} BEGIN {forget} {learn} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]
