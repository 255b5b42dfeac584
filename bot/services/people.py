"""Who is asking: the actor, with the time zone their dates are read in.

Identifying reads the database only. Slack's profile (users.info) is fetched after the answer
and outside any transaction (``Rapport.refresh_profile``); what it said is cached for a day.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from bot.dates import is_known_zone
from bot.domain import Actor
from bot.ports import UnitOfWork

PROFILE_TTL = timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ProfileState(enum.Enum):
    FRESH = "fresh"  # the user set a zone, or Slack told us within the last day
    STALE = "stale"  # Slack told us, longer ago: good enough now, refreshed after the answer
    UNKNOWN = "unknown"  # no zone from anyone yet: the caller should ask Slack first


def profile_state(uow: UnitOfWork, user_id: str, now: datetime) -> ProfileState:
    preferences = uow.users.preferences(user_id)
    if preferences is not None and preferences.timezone:
        return ProfileState.FRESH
    if uow.users.cached_profile(user_id, fresh_after=now - PROFILE_TTL) is not None:
        return ProfileState.FRESH
    if uow.users.cached_profile(user_id, fresh_after=EPOCH) is not None:
        return ProfileState.STALE
    return ProfileState.UNKNOWN


def identify(
    uow: UnitOfWork, user_id: str, now: datetime, *, admins: frozenset[str]
) -> tuple[Actor, ProfileState]:
    """The actor for ``user_id``: their own zone setting wins, then Slack's (as cached), then
    UTC; with how much we know about them."""
    preferences = uow.users.preferences(user_id)
    chosen = preferences.timezone if preferences else None
    if chosen is None:
        cached = uow.users.cached_profile(user_id, fresh_after=EPOCH)
        chosen = cached.timezone if cached else None
    actor = Actor(
        team_id=uow.team_id,
        user_id=user_id,
        timezone=chosen if chosen and is_known_zone(chosen) else "UTC",
        is_admin=user_id in admins,
    )
    return actor, profile_state(uow, user_id, now)
