"""0020 makes ``notify_rules`` (from 0019): no two identical rules in a workspace (a rule
without a filter included: its filter key is "", not NULL), and takes it away again; from an
empty database on every backend."""

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
RULE = text(
    "INSERT INTO notify_rules (team_id, channel_id, event, filter_by, filter_value, "
    "filter_key, created_by, created_at) "
    "VALUES ('T1', 'CNEWS', :event, :by, :value, :key, 'UADMIN', :at)"
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_0020_makes_notify_rules_and_takes_it_away(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    url = fresh_database_url(backend)
    migrate.upgrade(url, "0019")
    engine = create_database_engine(url)
    assert "notify_rules" not in inspect(engine).get_table_names()
    engine.dispose()

    migrate.upgrade(url, "0020")
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (team_id, dayfirst, currency, renewal_ladder, "
                "last_follow_up_number, created_at, version) "
                "VALUES ('T1', false, 'USD', '90', 0, :at, 1)"
            ),
            {"at": AT},
        )
        every = {"event": "renewal_step", "by": None, "value": None, "key": "", "at": AT}
        connection.execute(RULE, every)
        gold = {"event": "renewal_step", "by": "tier", "value": "Gold", "key": "tier:gold"}
        connection.execute(RULE, {**gold, "at": AT})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(RULE, every)  # the same rule for every account, again
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(RULE, {**gold, "value": "GOLD", "at": AT})  # tier any case
    with engine.begin() as connection:
        connection.execute(RULE, {**every, "event": "outcome_recorded"})  # another event
        connection.execute(text("DELETE FROM workspaces WHERE team_id = 'T1'"))
        left = connection.execute(text("SELECT count(*) FROM notify_rules")).scalar_one()
    assert left == 0  # ON DELETE CASCADE
    engine.dispose()

    migrate.downgrade(url, "0019")
    engine = create_database_engine(url)
    assert "notify_rules" not in inspect(engine).get_table_names()
    engine.dispose()
    migrate.upgrade(url)  # and up again, cleanly
    migrate.check(url)  # the migrations and storage/models.py agree


@pytest.mark.parametrize("backend", BACKENDS)
def test_from_an_empty_database_to_the_head(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    url = fresh_database_url(backend)
    migrate.upgrade(url)
    migrate.check(url)
    engine = create_database_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("notify_rules")}
    assert {"channel_id", "event", "filter_by", "filter_value", "filter_key"} <= columns
    engine.dispose()
