"""One request, one unit of work: identify the caller, run the use case, commit or roll back.

Handlers and the console call ``Rapport.attempt``; it is where a refusal (``RapportError``)
becomes a value to render, where a delivery Slack already made (a retried event, a replayed
request) is recognised, and where a request that met a concurrent change runs again on fresh
data. Nothing here calls Slack while a transaction is open: ``refresh_profile`` asks Slack
between two short transactions, after the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from bot.clock import Clock
from bot.domain import Actor, SlackProfile
from bot.errors import ChangedMeanwhile, ConcurrentChange, RapportError, WriteWhileReading
from bot.ports import Directory, UnitOfWork
from bot.services.people import EPOCH, PROFILE_TTL, ProfileState, identify

logger = logging.getLogger(__name__)

T = TypeVar("T")


class UnitOfWorkFactory(Protocol):
    def __call__(
        self, team_id: str, *, dry_run: bool = False, read_only: bool = False
    ) -> AbstractContextManager[UnitOfWork]:
        """One workspace's unit of work (``storage.unit_of_work.unit_of_work``)."""
        ...


Work = Callable[[UnitOfWork, Actor, datetime], T]

# How often a request that met a concurrent change runs again before it gives up (saying so).
CONFLICT_RUNS = 5


class _Refused(Exception):
    """Carries a refusal out of the unit of work so that it rolls back."""

    def __init__(self, refusal: RapportError, actor: Actor, profile: ProfileState) -> None:
        self.refusal = refusal
        self.actor = actor
        self.profile = profile


class _AlreadyDone(Exception):
    """Carries a second delivery's work out of the unit of work so that it rolls back."""

    def __init__(self, actor: Actor, profile: ProfileState) -> None:
        super().__init__("delivered before")
        self.actor = actor
        self.profile = profile


@dataclass(frozen=True, slots=True)
class Attempt(Generic[T]):
    """How a request went: its value, or the refusal to show.

    ``duplicate``: Slack delivered it before and it was handled then (nothing ran now).
    ``deferred``: the caller's time zone is unknown and the work needs it; nothing ran, and
    the edge asks Slack for the profile (after answering) and attempts again.
    ``profile``: how much we knew of the caller's profile, so the edge can refresh it."""

    actor: Actor
    now: datetime
    value: T | None = None
    refusal: RapportError | None = None
    duplicate: bool = False
    deferred: bool = False
    profile: ProfileState = ProfileState.FRESH


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
        once: str | None = None,
        needs_zone: bool = False,
    ) -> Attempt[T]:
        """Run ``work`` for this user in one transaction; a refusal rolls all of it back.

        ``once``: a key of this delivery (an event id, a request's signature); a second
        delivery with the same key changes nothing and comes back ``duplicate``. Only a
        request that writes keeps its key (with its writes): a question asked twice is
        answered twice, and costs no write.
        ``needs_zone``: defer rather than read the caller's dates in UTC when their zone is
        not known yet."""
        now = self.clock.now()
        for run in range(1, CONFLICT_RUNS + 1):
            try:
                return self._run_once(team_id, user_id, work, now, once, needs_zone)
            except ConcurrentChange as conflict:
                logger.info(
                    "concurrent change; running the request again",
                    extra={"team_id": team_id, "run": run, "conflict": str(conflict)[:200]},
                )
        actor = Actor(team_id, user_id)
        return Attempt(actor=actor, now=now, refusal=ChangedMeanwhile())

    def read(self, team_id: str, user_id: str, work: Work[T]) -> Attempt[T]:
        """``attempt`` for work that only reads (a Home tab built after an answer), in a
        read-only unit of work: on SQLite a snapshot that neither waits for the next request
        nor holds it up. Should it need to write after all (a workspace or a person seen for
        the first time), it runs again as an ordinary attempt."""
        now = self.clock.now()
        try:
            return self._run_once(team_id, user_id, work, now, None, False, read_only=True)
        except WriteWhileReading:
            return self.attempt(team_id, user_id, work)

    def _run_once(
        self,
        team_id: str,
        user_id: str,
        work: Work[T],
        now: datetime,
        once: str | None,
        needs_zone: bool,
        *,
        read_only: bool = False,
    ) -> Attempt[T]:
        try:
            with self.units(team_id, read_only=read_only) as uow:
                uow.workspaces.get_or_create(now)
                actor, known = identify(uow, user_id, now, admins=self.admins)
                if needs_zone and known is ProfileState.UNKNOWN:
                    return Attempt(actor=actor, now=now, deferred=True, profile=known)
                if once is not None and uow.events.seen(once, now):
                    return Attempt(actor=actor, now=now, duplicate=True, profile=known)
                try:
                    value = work(uow, actor, now)
                except RapportError as refusal:
                    raise _Refused(refusal, actor, known) from refusal
                # The delivery's key is kept with what it changed, in the same transaction
                # (and against a concurrent twin); a request that changed nothing, a
                # question, writes nothing.
                if once is not None and uow.wrote() and not uow.events.remember(once, now):
                    raise _AlreadyDone(actor, known)
                return Attempt(actor=actor, now=now, value=value, profile=known)
        except _Refused as refused:
            return Attempt(
                actor=refused.actor, now=now, refusal=refused.refusal, profile=refused.profile
            )
        except _AlreadyDone as done:
            return Attempt(actor=done.actor, now=now, duplicate=True, profile=done.profile)

    def refresh_profile(self, team_id: str, user_id: str, directory: Directory) -> None:
        """Ask Slack for the user's profile if ours is a day old or missing, and cache it.
        The question is asked between transactions, never inside one."""
        now = self.clock.now()
        with self.units(team_id) as uow:
            uow.workspaces.get_or_create(now)
            if uow.users.cached_profile(user_id, fresh_after=now - PROFILE_TTL) is not None:
                return
        fetched = directory.profile(user_id)
        if fetched is None:  # Slack did not answer: the old answer (if any) stays
            return
        with self.units(team_id) as uow:
            uow.users.save_profile(fetched, now)

    def keep_profile(self, team_id: str, profile: SlackProfile) -> bool:
        """What Slack told us unasked about a user (a ``user_change`` event), cached as
        fresh — for a user whose profile we keep already; the others are asked for when
        first needed. Whether it was kept."""
        now = self.clock.now()
        with self.units(team_id) as uow:
            if uow.users.cached_profile(profile.user_id, fresh_after=EPOCH) is None:
                return False
            uow.users.save_profile(profile, now)
        return True
