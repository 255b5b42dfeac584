"""0015 lets a contract's value be unknown: the contracts already there keep their values,
their indexes (the partial and expression ones included) stay, and NULL goes in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from storage import migrate
from storage.database import create_database_engine
from tests.conftest import BACKENDS

AT = "'2027-01-06 09:00:00+00:00'"
CONTRACT = (
    "INSERT INTO contracts (team_id, account_id, value_cents, currency, renewal_date, "
    f"auto_renew, direction, created_at, updated_at, version) VALUES ('T1', 1, :cents, 'EUR', "
    f"'2027-03-31', false, 'we_sell', {AT}, {AT}, 1)"
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_0015_keeps_the_contracts_and_their_indexes_and_takes_an_unknown_value(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    url = fresh_database_url(backend)
    migrate.upgrade(url, "0014")
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (team_id, dayfirst, renewal_ladder, "
                "last_follow_up_number, created_at, version, currency) "
                f"VALUES ('T1', false, '90,60,30,14,7,1', 0, {AT}, 1, 'EUR')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO accounts (team_id, name, name_key, words_key, kind, status, "
                "cadence_days, next_touch_due, created_at, updated_at, version) VALUES "
                f"('T1', 'Acme', 'acme', 'acme', 'customer', 'active', 30, {AT}, {AT}, {AT}, 1)"
            )
        )
        connection.execute(text(CONTRACT), {"cents": 2_400_000})
    indexes = _indexes(engine)
    assert "ix_contracts_open_notice_deadline" in indexes
    engine.dispose()

    migrate.upgrade(url, "0015")
    engine = create_database_engine(url)
    assert _indexes(engine) == indexes
    with engine.begin() as connection:
        connection.execute(text("UPDATE contracts SET outcome = 'renewed'"))
        connection.execute(text(CONTRACT), {"cents": None})
        values = connection.execute(text("SELECT value_cents FROM contracts ORDER BY id")).all()
    assert [value for (value,) in values] == [2_400_000, None]
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(CONTRACT), {"cents": -1})  # the check still holds
    engine.dispose()

    migrate.downgrade(url, "0014")
    engine = create_database_engine(url)
    with engine.connect() as connection:
        values = connection.execute(text("SELECT value_cents FROM contracts ORDER BY id")).all()
    assert [value for (value,) in values] == [2_400_000, 0]
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE contracts SET outcome = 'renewed'"))
        connection.execute(text(CONTRACT), {"cents": None})
    engine.dispose()


def _indexes(engine: Engine) -> set[str]:
    """The contracts table's indexes by name, expression indexes included."""
    if engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contracts'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'contracts'"
    with engine.connect() as connection:
        return {name for (name,) in connection.execute(text(query))}
