"""`python app.py workspace delete T…`: every row of one workspace goes, in every table, in one
transaction, recorded in the operator's audit trail; other workspaces keep every row."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

import app
from bot.domain import OPERATOR_TEAM, Actor, AuditEvent, InteractionKind
from bot.notify import NotifyEvent, NotifyRuleSpec
from bot.nudges.model import ItemKind, NudgeKind, Occasion
from bot.services import accounts, contracts, interactions, notify_rules, settings, watchers
from bot.services.health import keep_bands, score_workspace
from bot.services.workspace_deletion import (
    NotAWorkspace,
    NothingToDelete,
    WorkspaceDeletion,
    delete_workspace,
)
from storage import installations, models
from storage.database import create_database_engine, create_session_factory
from storage.repositories.erasure import ERASED_TABLES
from storage.unit_of_work import team_ids, unit_of_work, workspace_erasure
from tests.conftest import BACKENDS, Snapshot
from tests.integration.conftest import NOW, when

TEAM_TABLES = [
    t
    for metadata in (models.Base.metadata, installations.metadata)
    for t in metadata.sorted_tables
    if "team_id" in t.c
]
OPERATOR = "cli:ops"


def _in_every_table(sessions: sessionmaker[Session], team_id: str) -> None:
    """A workspace with at least one row in every table that holds a workspace's rows."""
    actor = Actor(team_id=team_id, user_id=f"U{team_id}", timezone="Europe/Berlin")
    with unit_of_work(sessions, team_id) as uow:
        accounts.add_account(uow, actor, NOW, name="Acme", tags=("emea",))
        accounts.add_contact(uow, actor, NOW, account="Acme", name="Wile E.")
        interactions.log_interaction(
            uow,
            actor,
            NOW,
            account="Acme",
            kind=InteractionKind.CALL,
            summary="Spoke to Wile.",
            follow_up_when=when("friday"),
            follow_up_text="Send the quote",
        )
        contracts.set_contract(
            uow,
            actor,
            NOW,
            account="Acme",
            value=Decimal(1200),
            currency="EUR",
            renews=when("2027-03-31"),
        )
        settings.update_preferences(uow, actor, NOW, timezone="Europe/Berlin")
        watcher = Actor(team_id=team_id, user_id=f"W{team_id}", timezone="Europe/Berlin")
        watchers.watch_account(uow, watcher, NOW, account="Acme")
        keep_bands(uow, score_workspace(uow, NOW, NOW.date()))
        admin = dataclasses.replace(actor, is_admin=True)
        rule = NotifyRuleSpec("CNEWS", NotifyEvent.OUTCOME_RECORDED)
        notify_rules.add_notify_rule(uow, admin, NOW, rule)
        uow.nudges.record(
            [
                Occasion(
                    key=f"{team_id}:fu:1",
                    kind=NudgeKind.FOLLOW_UP_OVERDUE,
                    item_kind=ItemKind.FOLLOW_UP,
                    item_id=1,
                    recipient=actor.user_id,
                    deliver_after=NOW,
                    reason="overdue",
                )
            ],
            NOW,
        )
        uow.events.remember(f"{team_id}-Ev1", NOW)
    _installed(sessions, team_id)


def _installed(sessions: sessionmaker[Session], team_id: str) -> None:
    """The workspace's Slack installation and bot token, as the OAuth flow stores them."""
    naive = NOW.replace(tzinfo=None)
    token = {"client_id": "111.222", "app_id": "A0001", "team_id": team_id}
    with sessions.begin() as session:
        session.execute(
            insert(installations.slack_installations),
            [token | {"user_id": f"U{team_id}", "bot_token": "xoxb-1", "installed_at": naive}],
        )
        session.execute(
            insert(installations.slack_bots),
            [token | {"bot_token": "xoxb-1", "installed_at": naive}],
        )


def _rows_of(sessions: sessionmaker[Session], team_id: str) -> dict[str, int]:
    with sessions() as session:
        return {
            table.name: int(
                session.execute(
                    select(func.count()).select_from(table).where(table.c.team_id == team_id)
                ).scalar_one()
            )
            for table in TEAM_TABLES
        }


def _content_of(sessions: sessionmaker[Session], team_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of a workspace, table by table: the same before and after another's deletion."""
    with sessions() as session:
        return {
            table.name: [
                dict(row)
                for row in session.execute(
                    select(table)
                    .where(table.c.team_id == team_id)
                    .order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in TEAM_TABLES
        }


def _delete(sessions: sessionmaker[Session], team_id: str, *, dry_run: bool) -> WorkspaceDeletion:
    with workspace_erasure(sessions, team_id, read_only=dry_run) as erasure:
        return delete_workspace(erasure, OPERATOR, NOW + timedelta(hours=1), dry_run=dry_run)


def _operator_trail(sessions: sessionmaker[Session]) -> list[AuditEvent]:
    with unit_of_work(sessions, OPERATOR_TEAM, read_only=True) as uow:
        return uow.audit.all()


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    _in_every_table(sessions, "T1")
    _in_every_table(sessions, "T2")
    return sessions


def test_every_table_that_holds_a_workspaces_rows_is_erased() -> None:
    # A new table with a team_id fails here until it is added to ERASED_TABLES (and to
    # `_in_every_table`, or the test below fails).
    assert {t.name for t in ERASED_TABLES} == {t.name for t in TEAM_TABLES}
    assert len(ERASED_TABLES) == len(TEAM_TABLES)


def test_a_table_is_erased_before_every_table_it_points_at() -> None:
    position = {table.name: n for n, table in enumerate(ERASED_TABLES)}
    for table in ERASED_TABLES:
        for key in table.foreign_keys:
            parent: Table = key.column.table  # type: ignore[assignment]
            if parent is not table:
                assert position[table.name] < position[parent.name], (table.name, parent.name)


def test_deleting_a_workspace_leaves_none_of_its_rows_and_every_row_of_another(
    two: sessionmaker[Session],
) -> None:
    before = _rows_of(two, "T1")
    assert all(before.values()), f"seed every table: {before}"  # the test covers each table
    others = _content_of(two, "T2")
    deletion = _delete(two, "T1", dry_run=False)
    assert deletion.rows == before
    assert list(deletion.rows) == [t.name for t in ERASED_TABLES]  # in the order deleted
    assert deletion.total == sum(before.values())
    assert _rows_of(two, "T1") == dict.fromkeys(before, 0)
    assert _content_of(two, "T2") == others
    assert team_ids(two) == ["T2"]  # the operator's trail is no workspace


def test_the_deletion_is_recorded_where_it_outlives_the_workspace(
    two: sessionmaker[Session],
) -> None:
    first = _delete(two, "T1", dry_run=False)
    second = _delete(two, "T2", dry_run=False)
    trail = _operator_trail(two)
    assert [(e.actor, e.action, e.entity, e.entity_id, e.at) for e in trail] == [
        (OPERATOR, "workspace.delete", "workspace", "T1", NOW + timedelta(hours=1)),
        (OPERATOR, "workspace.delete", "workspace", "T2", NOW + timedelta(hours=1)),
    ]
    assert trail[0].before == {"rows": first.rows, "total": first.total}
    assert trail[1].before == {"rows": second.rows, "total": second.total}
    with pytest.raises(NotAWorkspace):
        _delete(two, OPERATOR_TEAM, dry_run=False)
    assert len(_operator_trail(two)) == 2


def test_the_deletion_and_its_record_are_one_transaction(two: sessionmaker[Session]) -> None:
    with two() as session:
        before = Snapshot.of(session)
    with pytest.raises(RuntimeError), workspace_erasure(two, "T1") as erasure:
        delete_workspace(erasure, OPERATOR, NOW, dry_run=False)
        raise RuntimeError("the process dies before the commit")
    with two() as session:
        assert Snapshot.of(session) == before  # every row back, and no record of a deletion


def test_a_dry_run_counts_exactly_what_the_deletion_deletes_and_changes_nothing(
    two: sessionmaker[Session],
) -> None:
    with two() as session:
        before = Snapshot.of(session)
    preview = _delete(two, "T1", dry_run=True)
    with two() as session:
        assert Snapshot.of(session) == before
    assert preview.dry_run
    deletion = _delete(two, "T1", dry_run=False)
    assert preview.rows == deletion.rows


def test_a_workspace_with_no_rows_is_refused_and_nothing_is_recorded(
    two: sessionmaker[Session],
) -> None:
    with two() as session:
        before = Snapshot.of(session)
    for dry_run in (True, False):
        with pytest.raises(NothingToDelete, match="no rows of workspace T9"):
            _delete(two, "T9", dry_run=dry_run)
    with two() as session:
        assert Snapshot.of(session) == before


# The command line, on databases of its own that really commit.


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    fresh_database_url: Callable[[str], URL],
    tmp_path: Path,
) -> sessionmaker[Session]:
    url = fresh_database_url(request.param)
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.chdir(tmp_path)
    assert app.main(["db", "upgrade"], out=io.StringIO()) == 0
    engine = create_database_engine(url)
    request.addfinalizer(engine.dispose)
    sessions = create_session_factory(engine)
    _in_every_table(sessions, "T1")
    _in_every_table(sessions, "T2")
    return sessions


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return app.main(list(argv), out=out), out.getvalue()


def test_the_command_shows_a_dry_run_wants_yes_deletes_and_logs(
    database: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = _rows_of(database, "T1")
    others = _content_of(database, "T2")
    code, shown = _run("workspace", "delete", "T1", "--dry-run")
    assert code == 0
    lines = shown.splitlines()
    assert lines[0] == "Workspace T1: a dry run, these rows would be deleted:"
    order = [t.name for t in ERASED_TABLES]
    assert [line.split() for line in lines[1:-2]] == [[name, str(rows[name])] for name in order]
    assert lines[-2].split() == ["total", str(sum(rows.values()))]
    assert lines[-1] == "Dry run: nothing was deleted."
    assert _rows_of(database, "T1") == rows

    assert _run("workspace", "delete", "T1") == (2, "")  # no --yes: nothing deleted
    assert "--dry-run, then run it again with --yes" in capsys.readouterr().err
    assert _rows_of(database, "T1") == rows

    code, shown = _run("workspace", "delete", "T1", "--yes")
    assert code == 0
    assert shown.startswith("Workspace T1: deleted these rows:\n")
    assert f"team_id '{OPERATOR_TEAM}'" in shown
    # The log line with the counts, at WARNING (the app's log handler writes to stderr).
    [logged] = [line for line in capsys.readouterr().err.splitlines() if "rapport.cli" in line]
    assert " WARNING rapport.cli workspace deleted operator='cli:" in logged
    in_order = {name: rows[name] for name in order}
    assert f"rows={in_order!r} team_id='T1'" in logged
    assert _rows_of(database, "T1") == dict.fromkeys(rows, 0)
    assert _content_of(database, "T2") == others
    [recorded] = _operator_trail(database)
    assert (recorded.entity_id, recorded.before) == (
        "T1",
        {"rows": rows, "total": sum(rows.values())},
    )
    assert recorded.actor.startswith("cli:")

    # The only workspace left is the one a command without --team picks.
    code, shown = _run("export", "out")
    assert code == 0 and "accounts.csv: 1 rows" in shown


def test_the_command_refuses_a_workspace_with_no_rows_with_exit_code_1(
    database: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    for flag in ("--dry-run", "--yes"):
        assert _run("workspace", "delete", "T9", flag) == (1, "")
        assert capsys.readouterr().err == (
            "rapport: nothing to delete: the database holds no rows of workspace T9\n"
        )
    assert _run("workspace", "delete", OPERATOR_TEAM, "--yes") == (1, "")
    assert "the operator's audit trail, not a workspace" in capsys.readouterr().err
    assert _operator_trail(database) == []
