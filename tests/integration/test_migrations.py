"""The migrations build the schema the models describe, on every backend, and undo cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from storage import migrate
from storage.database import create_database_engine
from storage.models import Base
from tests.conftest import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_empty_matches_the_models(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    url = fresh_database_url(backend)
    migrate.upgrade(url)
    migrate.check(url)  # `alembic check`: raises if models and migrations disagree
    engine = create_database_engine(url)
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_downgrade_to_empty_and_up_again(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    url = fresh_database_url(backend)
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    engine = create_database_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(url)


def test_sqlite_runs_with_foreign_keys_and_wal(fresh_database_url: Callable[[str], URL]) -> None:
    url = fresh_database_url("sqlite")
    migrate.upgrade(url)
    engine = create_database_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_workspaces_from_before_0011_keep_reading_values_as_usd(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    """A value typed without a currency meant USD before the workspace currency existed."""
    url = fresh_database_url(backend)
    migrate.upgrade(url, "0010")
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (team_id, dayfirst, renewal_ladder, "
                "last_follow_up_number, created_at, version) "
                "VALUES ('T1', false, '90,60,30,14,7,1', 0, '2027-01-06 09:00:00+00:00', 1)"
            )
        )
    migrate.upgrade(url)
    with engine.connect() as connection:
        currency = connection.execute(text("SELECT currency FROM workspaces")).scalar_one()
    engine.dispose()
    assert currency == "USD"
    migrate.downgrade(url, "0010")


@pytest.mark.parametrize("backend", BACKENDS)
def test_accounts_from_before_0012_are_found_by_their_words(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    """0012 fills in the words of the names already there (more than one batch of them)."""
    url = fresh_database_url(backend)
    migrate.upgrade(url, "0011")
    engine = create_database_engine(url)
    names = ["Müller GmbH & Co. KG", "Hooli, Inc.", *(f"Nordwind {n}" for n in range(1_001))]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (team_id, dayfirst, renewal_ladder, "
                "last_follow_up_number, created_at, version, currency) "
                "VALUES ('T1', false, '90,60,30,14,7,1', 0, '2027-01-06 09:00:00+00:00', 1, 'EUR')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO accounts (team_id, name, name_key, kind, status, cadence_days, "
                "next_touch_due, created_at, updated_at, version) VALUES ('T1', :name, :key, "
                "'customer', 'active', 30, '2027-01-06 09:00:00+00:00', "
                "'2027-01-06 09:00:00+00:00', '2027-01-06 09:00:00+00:00', 1)"
            ),
            [{"name": name, "key": name.casefold()} for name in names],
        )
    migrate.upgrade(url)
    with engine.connect() as connection:
        words = dict(connection.execute(text("SELECT name, words_key FROM accounts")).all())
    engine.dispose()
    assert words["Müller GmbH & Co. KG"] == "muller gmbh co kg"
    assert words["Hooli, Inc."] == "hooli inc"
    assert words["Nordwind 1000"] == "nordwind 1000"  # past the first batch
    migrate.downgrade(url, "0011")
