"""Who is asking: the actor, with the time zone their dates are read in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.dates import is_known_zone
from bot.domain import Actor, SlackProfile
from bot.ports import Directory, UnitOfWork

PROFILE_TTL = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def profile(
    uow: UnitOfWork, user_id: str, now: datetime, directory: Directory | None
) -> SlackProfile | None:
    """The user's Slack profile: cached for a day, fetched (users.info) when older.
    The caller has the workspace's row already (a request's or a pass's unit of work)."""
    cached = uow.users.cached_profile(user_id, fresh_after=now - PROFILE_TTL)
    if cached is not None:
        return cached
    fetched = directory.profile(user_id) if directory is not None else None
    if fetched is None:  # no Slack, or Slack did not answer: an old answer beats none
        return uow.users.cached_profile(user_id, fresh_after=_EPOCH)
    uow.users.save_profile(fetched, now)
    return fetched


def identify(
    uow: UnitOfWork,
    user_id: str,
    now: datetime,
    *,
    directory: Directory | None,
    admins: frozenset[str],
) -> Actor:
    """The actor for ``user_id``: their own zone setting wins, then Slack's, then UTC."""
    preferences = uow.users.preferences(user_id)
    chosen = preferences.timezone if preferences else None
    if chosen is None:
        slack = profile(uow, user_id, now, directory)
        chosen = slack.timezone if slack else None
    return Actor(
        team_id=uow.team_id,
        user_id=user_id,
        timezone=chosen if chosen and is_known_zone(chosen) else "UTC",
        is_admin=user_id in admins,
    )
