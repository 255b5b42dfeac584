"""The console on a SQLite file of the test's own, its fake Slack checked for violations."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.console.blocks_text import PLAIN
from bot.console.reader import StreamReader
from bot.console.session import ConsoleSession
from bot.console.shell import Shell

ZONE = "Europe/Berlin"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rapport.db'}"


@pytest.fixture
def session(database_url: str) -> Iterator[ConsoleSession]:
    with ConsoleSession.open(database_url, zone=ZONE) as opened:
        yield opened
        assert opened.fake.violations == [], opened.fake.violations


class Typist:
    """Types lines into one shell (which remembers the last buttons between calls) and
    returns what it printed for them."""

    def __init__(self, session: ConsoleSession) -> None:
        self.shell = Shell(
            session, StreamReader(io.StringIO(), io.StringIO(), echo=True), io.StringIO(), PLAIN
        )

    def __call__(self, *lines: str) -> str:
        out = io.StringIO()
        typed = io.StringIO("".join(f"{line}\n" for line in lines))
        self.shell.reader = StreamReader(typed, out, echo=True)
        self.shell.out = out
        assert self.shell.run() == 0
        return out.getvalue()


@pytest.fixture
def type_(session: ConsoleSession) -> Typist:
    return Typist(session)
