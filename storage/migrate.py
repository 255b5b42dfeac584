"""Running the Alembic migrations from code: `app.py db upgrade`, the tests and CI."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from storage.database import create_database_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | URL) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    rendered = url if isinstance(url, str) else url.render_as_string(hide_password=False)
    # ConfigParser treats % as interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | URL, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def check(url: str | URL) -> None:
    """Fail if the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(url))


def is_current(url: str | URL) -> bool:
    """Whether the database at ``url`` is at the newest revision."""
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() == head
    finally:
        engine.dispose()


def prepare(url: str | URL) -> None:
    """SQLite, the embedded default, migrates itself; PostgreSQL is migrated by the operator
    (`python app.py db upgrade`), so replicas never race to change the schema."""
    if make_url(url).get_backend_name() == "sqlite":
        upgrade(url)
    elif not is_current(url):
        raise SchemaOutdated(
            "The database schema is not current; run `python app.py db upgrade` first."
        )


class SchemaOutdated(Exception):
    """The database needs `python app.py db upgrade`."""
