"""Alembic environment: migrates the database the caller's config points at."""

from __future__ import annotations

import warnings
from typing import Any

from alembic import context
from sqlalchemy.exc import SAWarning

from storage import installations
from storage.database import create_database_engine
from storage.models import Base
from storage.search_objects import is_search_object

config = context.config
# The models, and the tables slack_sdk's installation and state stores use (migration 0016).
target_metadata = [Base.metadata, installations.metadata]
# Expression indexes: SQLAlchemy cannot reflect them on SQLite, so `alembic check` cannot
# compare them; tests/integration/test_nudge_pass_reads.py checks that they exist and are used.
EXPRESSION_INDEXES = frozenset({"ix_contracts_open_notice_deadline"})


def _compared(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_database_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        include_name=_modelled,
        include_object=_compared,
    )
    with warnings.catch_warnings(), context.begin_transaction():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
        )
        warnings.filterwarnings(
            "ignore", "autogenerate skipping metadata-specified expression-based index"
        )
        context.run_migrations()


def _modelled(name: str | None, type_: str, _parent: object) -> bool:
    """Name search's own objects (FTS5 tables and their shadows, trigram indexes) are one
    database's, made by migration 0005, not the models'; ``alembic check`` leaves them."""
    return not is_search_object(name)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
