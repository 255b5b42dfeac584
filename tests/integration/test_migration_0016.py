"""0016 makes the tables slack_sdk's installation and state stores use, exactly as they
define them, and takes them away again; the stores work on them on every backend."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, Table, inspect
from sqlalchemy.engine import URL

from storage import installations, migrate
from storage.database import create_database_engine
from tests.conftest import BACKENDS

TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def _stores_own_tables() -> dict[str, Table]:
    """The tables as slack_sdk's stores build them for ``create_tables``."""
    metadata = MetaData()
    return {
        table.name: table
        for table in (
            SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations"),
            SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
            SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states"),
        )
    }


def _shape(table: Table) -> dict[str, object]:
    return {
        "columns": [
            (c.name, repr(c.type), c.nullable, c.primary_key, c.autoincrement)
            for c in table.columns
        ],
        "indexes": sorted((i.name, tuple(c.name for c in i.columns)) for i in table.indexes),
    }


def test_rapports_tables_are_the_stores_own() -> None:
    ours = {t.name: t for t in installations.metadata.sorted_tables}
    theirs = _stores_own_tables()
    assert ours.keys() == theirs.keys() == TABLES
    for name in TABLES:
        assert _shape(ours[name]) == _shape(theirs[name]), name


@pytest.mark.parametrize("backend", BACKENDS)
def test_0016_makes_the_stores_tables_and_takes_them_away(
    backend: str, fresh_database_url: Callable[[str], URL]
) -> None:
    url = fresh_database_url(backend)
    migrate.upgrade(url, "0015")
    engine = create_database_engine(url)
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()

    migrate.upgrade(url, "0016")
    engine = create_database_engine(url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    _stores_work(engine)
    engine.dispose()

    migrate.downgrade(url, "0015")
    engine = create_database_engine(url)
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
    migrate.upgrade(url)  # and up again, cleanly
    # The migration and storage/installations.py agree (checked at the head: the models
    # hold tables of later migrations too).
    migrate.check(url)


def _stores_work(engine: Engine) -> None:
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    for team, enterprise in (("T1", None), ("T2", "E1")):
        store.save(
            Installation(
                app_id="A0001",
                enterprise_id=enterprise,
                team_id=team,
                user_id="UINSTALLER",
                bot_token=f"xoxb-{team}",
                bot_id="B1",
                bot_user_id="UBOT",
                bot_scopes="chat:write,commands",
            )
        )
    found = store.find_installation(enterprise_id="E1", team_id="T2")
    assert found is not None and found.bot_token == "xoxb-T2"
    assert store.find_installation(enterprise_id=None, team_id="T2") is None
    assert installations.installed_teams(engine, "111.222") == [(None, "T1"), ("E1", "T2")]
    assert installations.installed_teams(engine, "another app") == []
    store.delete_bot(enterprise_id=None, team_id="T1")
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
    assert installations.installed_teams(engine, "111.222") == [("E1", "T2")]

    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    state = states.issue()
    assert states.consume(state)
    assert not states.consume(state)  # once
