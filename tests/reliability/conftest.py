"""The reliability suite: the hostile test's findings (issue 7) reproduced from outside —
signed HTTP requests to `python app.py run` under gunicorn, `python app.py nudge` processes,
a fake Slack that fails on cue — on SQLite and on PostgreSQL, plus a load test.

Run it with `make test-slow` (CI runs it after `make test`, which leaves it out: every module
here is marked ``slow``). Every test records the figure it measured; they are printed
together at the end of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from bot.fakeslack import FakeSlack, Workspace
from storage import migrate
from storage.database import create_database_engine, create_session_factory
from tests.conftest import BACKENDS
from tests.scenario.conftest import slack_workspace

FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("figures measured")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Record a figure this test measured (printed at once and in the run's summary)."""

    def record(text: str) -> None:
        line = f"{request.node.name}: {text}"
        print("\n" + line)
        FIGURES.append(line)

    return record


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]) -> URL:
    """A database of the test's own, migrated from empty (as the operator does)."""
    url = fresh_database_url(request.param)
    migrate.upgrade(url)
    return url


@pytest.fixture
def sessions(database: URL) -> Iterator[sessionmaker[Session]]:
    """The test's own view of that database, with real commits."""
    engine = create_database_engine(database)
    yield create_session_factory(engine)
    engine.dispose()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(slack_workspace()) as running:
        yield running


def with_people(workspace: Workspace, prefix: str, count: int, zone: str = "UTC") -> list[str]:
    """``count`` members ``<prefix>000``… added to the fake workspace; their ids."""
    ids = [f"{prefix}{n:03d}" for n in range(count)]
    for user_id in ids:
        workspace.add_user(user_id, user_id.lower(), tz=zone)
    return ids
