"""No command does work proportional to the workspace: each one sends the same number of SQL
statements with 5 accounts as with 200, and no statement carries a list as long as the data
(an ``IN (…)`` of every overdue follow-up's account, say).

Commands go through the entry point the handlers use — ``Rapport.attempt`` running
``bot.execute.run_text`` (or ``queries.home`` for the App Home) in a real unit of work — and
every statement the database receives is counted (SQLAlchemy's ``before_cursor_execute``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from bot.services import queries
from tests.integration.growing import (
    COMMANDS,
    Statements,
    enrich,
    grow,
    measure,
    rapport,
    recording,
)

SMALL, LARGE = 5, 200
# The most bound values one statement may carry: a page of ids and a few more, never the data.
MOST_PARAMETERS = 2 * queries.LIST_PAGE


@pytest.fixture
def statements(connection: Connection) -> Iterator[Statements]:
    with recording(connection) as recorder:
        yield recorder


@pytest.mark.parametrize(
    "name",
    COMMANDS,
)
def test_statements_per_command_do_not_grow_with_the_workspace(
    name: str, sessions: sessionmaker[Session], statements: Statements
) -> None:
    runtime = rapport(sessions)
    grow(sessions, 1, 1 + SMALL)
    small = len(measure(runtime, statements, COMMANDS[name]("Account 0001")))
    grow(sessions, 1 + SMALL, 1 + LARGE)
    enrich(sessions, "account 0002")
    sent = measure(runtime, statements, COMMANDS[name]("Account 0002"))
    large = len(sent)

    assert large == small, f"{name}: {small} statements at {SMALL} accounts, {large} at {LARGE}"
    widest = max(sent, key=lambda s: s[1])
    assert widest[1] <= MOST_PARAMETERS, f"{name}: {widest[1]} values bound to {widest[0]}"
