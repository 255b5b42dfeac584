"""A unit of work that only reads (a Home tab built after an answer) is a snapshot: on SQLite
it neither waits for the writer nor holds it up, and a write in it never reaches the database.

Real transactions from real threads, on a freshly migrated database of the test's own.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import units_of_work
from bot.clock import FixedClock
from bot.domain import AccountKind, Owner
from bot.errors import WriteWhileReading
from bot.runtime import Rapport
from bot.services import queries
from storage import models
from storage.unit_of_work import SqlUnitOfWork, unit_of_work

TEAM = "T0001"
ALICE = "UALICE"
NOW = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)
WAIT = 10  # seconds: only reached when something is stuck


def _add(sessions: sessionmaker[Session], name: str) -> None:
    with unit_of_work(sessions, TEAM) as uow:
        uow.workspaces.get_or_create(NOW)
        uow.accounts.add(
            name=name,
            kind=AccountKind.CUSTOMER,
            owner=Owner(ALICE),
            tier=None,
            cadence_days=30,
            now=NOW,
        )


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(models.AccountRow)) or 0)


def test_a_read_sees_what_was_committed_and_not_what_a_writer_holds_open(
    fresh_sessions: sessionmaker[Session],
) -> None:
    """While a writer's transaction is open (on SQLite: holding the one write lock of the
    process), a read-only unit runs to its end at once and sees the last committed state."""
    _add(fresh_sessions, "Acme Corp")
    writing, reading_done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            with unit_of_work(fresh_sessions, TEAM) as uow:
                uow.accounts.add(
                    name="Globex",
                    kind=AccountKind.CUSTOMER,
                    owner=Owner(ALICE),
                    tier=None,
                    cadence_days=30,
                    now=NOW,
                )
                writing.set()
                assert reading_done.wait(WAIT), "the read waited for the writer"
        except BaseException as error:  # reported below
            failures.append(error)
            writing.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(WAIT)
        with unit_of_work(fresh_sessions, TEAM, read_only=True) as uow:
            seen = [a.name for a in uow.accounts.search("", include_archived=True, limit=10)]
        reading_done.set()
    finally:
        reading_done.set()
        thread.join(WAIT)
    assert not failures, failures
    assert seen == ["Acme Corp"]
    assert _count(fresh_sessions) == 2  # the writer committed after the read


@pytest.mark.parametrize("how", ["flush", "statement"])
def test_a_write_in_a_read_only_unit_is_refused_before_it_reaches_the_database(
    fresh_sessions: sessionmaker[Session], how: str
) -> None:
    _add(fresh_sessions, "Acme Corp")
    with (
        pytest.raises(WriteWhileReading),
        unit_of_work(fresh_sessions, TEAM, read_only=True) as uow,
    ):
        if how == "flush":
            _add_in(uow)
        else:
            uow.workspaces.next_follow_up_number()
    assert _count(fresh_sessions) == 1
    with unit_of_work(fresh_sessions, TEAM) as uow:
        assert uow.workspaces.next_follow_up_number() == 1  # the refused UPDATE never ran


def _add_in(uow: SqlUnitOfWork) -> None:
    uow.accounts.add(
        name="Globex",
        kind=AccountKind.CUSTOMER,
        owner=Owner(ALICE),
        tier=None,
        cadence_days=30,
        now=NOW,
    )


def test_a_read_that_needs_a_write_runs_again_as_an_ordinary_attempt(
    fresh_sessions: sessionmaker[Session],
) -> None:
    """A Home tab opened in a workspace seen for the first time: the workspace is created (a
    write), so the read runs again in a unit that may write, and the Home is built."""
    rapport = Rapport(units_of_work(fresh_sessions), FixedClock(NOW), frozenset())
    attempt = rapport.read(TEAM, ALICE, queries.home)
    assert attempt.refusal is None and attempt.value is not None
    with fresh_sessions() as session:
        assert session.get(models.WorkspaceRow, TEAM) is not None


def test_a_read_of_a_known_workspace_writes_nothing(
    fresh_sessions: sessionmaker[Session],
) -> None:
    _add(fresh_sessions, "Acme Corp")
    rapport = Rapport(units_of_work(fresh_sessions), FixedClock(NOW), frozenset())
    writes: list[str] = []
    engine = fresh_sessions.kw["bind"]

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "BEGIN", "SET")):
            writes.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", record)
    try:
        attempt = rapport.read(TEAM, ALICE, queries.home)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert attempt.value is not None
    assert writes == []
