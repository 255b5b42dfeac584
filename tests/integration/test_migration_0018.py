"""0018 makes ``account_watchers`` (from 0017): one row per
person and account, gone with its account, and takes it away again; on every backend."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from storage import migrate
from storage.database import create_database_engine
from tests.conftest import BACKENDS

AT = "2027-01-06 09:00:00+00:00"


@pytest.mark.parametrize("backend", BACKENDS)
def test_0018_makes_account_watchers_and_takes_it_away(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    url = fresh_database_url(backend)
    migrate.upgrade(url, "0017")
    engine = create_database_engine(url)
    assert "account_watchers" not in inspect(engine).get_table_names()
    engine.dispose()

    migrate.upgrade(url, "0018")
    engine = create_database_engine(url)
    indexes = {
        i["name"]: i["column_names"] for i in inspect(engine).get_indexes("account_watchers")
    }
    assert indexes["ix_account_watchers_team_user"] == ["team_id", "user_id"]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (team_id, dayfirst, currency, renewal_ladder, "
                "last_follow_up_number, created_at, version) "
                "VALUES ('T1', false, 'USD', '90', 0, :at, 1)"
            ),
            {"at": AT},
        )
        connection.execute(
            text(
                "INSERT INTO accounts (id, team_id, name, name_key, words_key, kind, owner_id, "
                "status, cadence_days, next_touch_due, created_at, updated_at, version) "
                "VALUES (1, 'T1', 'Acme', 'acme', 'acme', 'customer', 'UOWN', 'active', 30, "
                ":at, :at, :at, 1)"
            ),
            {"at": AT},
        )
        watch = text(
            "INSERT INTO account_watchers (team_id, account_id, user_id, created_at) "
            "VALUES ('T1', 1, :user, :at)"
        )
        connection.execute(watch, {"user": "UANN", "at": AT})
        connection.execute(watch, {"user": "UBOB", "at": AT})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(watch, {"user": "UANN", "at": AT})  # once per person and account
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM accounts WHERE id = 1"))
        left = connection.execute(text("SELECT count(*) FROM account_watchers")).scalar_one()
    assert left == 0  # ON DELETE CASCADE: the watchers go with their account
    engine.dispose()

    migrate.downgrade(url, "0017")
    engine = create_database_engine(url)
    assert "account_watchers" not in inspect(engine).get_table_names()
    engine.dispose()
    migrate.upgrade(url)  # and up again, cleanly
    migrate.check(url)  # the migrations and storage/models.py agree (at the head)
