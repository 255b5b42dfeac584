"""A harness for service tests: each use case runs in its own unit of work, as in the app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.dates import Direction, When, parse_when
from bot.domain import Actor
from storage import models
from storage.unit_of_work import SqlUnitOfWork, unit_of_work
from tests.conftest import Snapshot

T = TypeVar("T")

# Wednesday 6 January 2027, 10:00 in Berlin.
NOW = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"
ALICE = Actor(team_id="T1", user_id="UALICE", timezone=BERLIN)
BOB = Actor(team_id="T1", user_id="UBOB", timezone=BERLIN)
ADMIN = Actor(team_id="T1", user_id="UADMIN", timezone=BERLIN, is_admin=True)
EVE = Actor(team_id="T2", user_id="UEVE", timezone=BERLIN, is_admin=True)


def when(text: str, *, past: bool = False, now: datetime = NOW, tz: str = BERLIN) -> When:
    direction = Direction.PAST if past else Direction.FUTURE
    return parse_when(text, now=now, tz=ZoneInfo(tz), direction=direction)


class Harness:
    """Runs one use case per unit of work, committing as the app's boundary does."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def run(self, actor: Actor, use_case: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with unit_of_work(self.sessions, actor.team_id) as work:
            return use_case(work, actor, *args, **kwargs)

    def read(self, team_id: str, query: Callable[[SqlUnitOfWork], T]) -> T:
        with unit_of_work(self.sessions, team_id) as work:
            return query(work)

    def count(self, model: type[models.Base], team_id: str | None = None) -> int:
        statement = select(func.count()).select_from(model)
        if team_id is not None:
            statement = statement.where(model.team_id == team_id)  # type: ignore[attr-defined]
        with self.sessions() as session:
            return int(session.execute(statement).scalar_one())

    def snapshot(self) -> Snapshot:
        """Every row of every table: the same before and after a refused command."""
        with self.sessions() as session:
            return Snapshot.of(session)


@pytest.fixture
def app(sessions: sessionmaker[Session]) -> Harness:
    return Harness(sessions)
