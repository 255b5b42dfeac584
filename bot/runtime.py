"""One request, one unit of work: identify the caller, run the use case, commit or roll back.

Handlers and the console call ``Rapport.attempt``; it is where a refusal (``RapportError``)
becomes a value to render and where a retried Slack event is recognised.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from bot.clock import Clock
from bot.domain import Actor
from bot.errors import RapportError
from bot.ports import Directory, UnitOfWork
from bot.services.people import identify

T = TypeVar("T")

UnitOfWorkFactory = Callable[[str], AbstractContextManager[UnitOfWork]]
Work = Callable[[UnitOfWork, Actor, datetime], T]


class _Refused(Exception):
    """Carries a refusal out of the unit of work so that it rolls back."""

    def __init__(self, refusal: RapportError, actor: Actor) -> None:
        self.refusal = refusal
        self.actor = actor


@dataclass(frozen=True, slots=True)
class Attempt(Generic[T]):
    """How a request went: its value, or the refusal to show; ``duplicate`` for a retry."""

    actor: Actor
    now: datetime
    value: T | None = None
    refusal: RapportError | None = None
    duplicate: bool = False


class Rapport:
    def __init__(self, units: UnitOfWorkFactory, clock: Clock, admins: frozenset[str]) -> None:
        self.units = units
        self.clock = clock
        self.admins = admins

    def attempt(
        self,
        team_id: str,
        user_id: str,
        work: Work[T],
        *,
        directory: Directory | None = None,
        event_id: str | None = None,
    ) -> Attempt[T]:
        """Run ``work`` for this user in one transaction; a refusal rolls all of it back."""
        now = self.clock.now()
        try:
            with self.units(team_id) as uow:
                uow.workspaces.get_or_create(now)
                if event_id is not None and not uow.events.remember(event_id, now):
                    return Attempt(actor=Actor(team_id, user_id), now=now, duplicate=True)
                actor = identify(uow, user_id, now, directory=directory, admins=self.admins)
                try:
                    return Attempt(actor=actor, now=now, value=work(uow, actor, now))
                except RapportError as refusal:
                    raise _Refused(refusal, actor) from refusal
        except _Refused as refused:
            return Attempt(actor=refused.actor, now=now, refusal=refused.refusal)
