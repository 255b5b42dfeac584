"""What planning needs, read from one workspace: open items, their owners' settings.

Reading is database-only. Owners' Slack profiles (their zone, whether they are still in the
workspace) are refreshed before planning, between transactions, when a day old
(``profiles_to_refresh`` and ``ask_slack``); an owner Slack has never told us about and
would not answer for now is ``waiting``: their items are planned in a later pass, never in
the wrong zone.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import Account, Contract, FollowUp, SlackProfile, UserPreferences
from bot.nudges.model import OwnerSettings, PlanningInput
from bot.ports import Directory, UnitOfWork
from bot.services.people import EPOCH, PROFILE_TTL

logger = logging.getLogger(__name__)

_FAR_FUTURE = date(2999, 12, 31)
# More stale profiles than this are read with one paged users.list (Tier 2, 200 a page)
# rather than a users.info each (Tier 4): a workspace's whole morning in a few calls.
BULK_LOOKUP_ABOVE = 20


@dataclass(frozen=True, slots=True)
class OpenItems:
    """What a pass may nudge about: open follow-ups, open contracts (with their accounts),
    accounts past their cadence."""

    follow_ups: list[FollowUp]
    contracts: list[Contract]
    accounts: dict[int, Account]  # the contracts' accounts, by id
    stale: list[Account]


def open_items(uow: UnitOfWork, now: datetime) -> OpenItems:
    contracts = uow.contracts.open_renewing_by(_FAR_FUTURE, None)
    return OpenItems(
        follow_ups=uow.follow_ups.open_all(),
        contracts=contracts,
        accounts=uow.accounts.by_ids({c.account_id for c in contracts}),
        stale=uow.accounts.stale(now, None),
    )


def owner_ids(items: OpenItems, admins: Collection[str]) -> set[str]:
    """Everyone the open items (and the admins) may need to be told about."""
    return (
        {f.owner_id for f in items.follow_ups}
        | {a.owner.user_id for a in [*items.accounts.values(), *items.stale] if a.owner.user_id}
        | set(admins)
    )


def profiles_to_refresh(uow: UnitOfWork, user_ids: Collection[str], wall: datetime) -> list[str]:
    """The users whose cached Slack profile is missing or a day old (on the real clock)."""
    return sorted(
        u for u in user_ids if uow.users.cached_profile(u, fresh_after=wall - PROFILE_TTL) is None
    )


def ask_slack(directory: Directory, user_ids: list[str]) -> dict[str, SlackProfile]:
    """Slack's profiles of these users, as far as it answers (call outside any transaction).
    A user it does not know comes back deleted; one it did not answer for is left out."""
    if len(user_ids) <= BULK_LOOKUP_ABOVE:
        return {u: p for u in user_ids if (p := directory.profile(u)) is not None}
    members = {m.user_id: m for m in directory.members()}
    if not members:  # users.list failed: no answer, rather than everyone gone
        return {}
    return {u: members.get(u) or SlackProfile(user_id=u, deleted=True) for u in user_ids}


def owner_settings(uow: UnitOfWork, user_id: str, fallback: str) -> OwnerSettings:
    """The owner's zone and preferences, from their settings and Slack's cached profile."""
    preferences = uow.users.preferences(user_id)
    slack = uow.users.cached_profile(user_id, fresh_after=EPOCH)
    if slack is not None and slack.deleted:
        return OwnerSettings(user_id=user_id, timezone=fallback, active=False)
    chosen = preferences or UserPreferences(team_id=uow.team_id, user_id=user_id)
    zone = chosen.timezone or (slack.timezone if slack else None) or fallback
    return OwnerSettings(
        user_id=user_id,
        timezone=zone,
        digest_time=chosen.digest_time,
        mode=chosen.nudge_mode,
        workdays=chosen.workdays,
        hours_start=chosen.hours_start,
        hours_end=chosen.hours_end,
    )


def waiting_for_slack(
    uow: UnitOfWork, user_ids: Collection[str], answered: Mapping[str, SlackProfile]
) -> frozenset[str]:
    """Owners nobody has told us anything about (no setting, no profile ever) and for whom
    Slack did not answer now: planning leaves their items for a later pass."""
    return frozenset(
        u
        for u in user_ids
        if u not in answered
        and uow.users.cached_profile(u, fresh_after=EPOCH) is None
        and not (uow.users.preferences(u) or UserPreferences(uow.team_id, u)).timezone
    )


def planning_input(
    uow: UnitOfWork,
    now: datetime,
    *,
    admins: frozenset[str],
    items: OpenItems | None = None,
    waiting: frozenset[str] = frozenset(),
    default_timezone: str = "UTC",
) -> PlanningInput:
    """One workspace's open items (``items`` if read already in this unit of work) and its
    people; items of ``waiting`` owners are left out."""
    workspace = uow.workspaces.get_or_create(now)
    items = items or open_items(uow, now)
    follow_ups, contracts, accounts, stale = (
        items.follow_ups,
        items.contracts,
        items.accounts,
        items.stale,
    )
    if waiting:
        logger.warning(
            "owners Slack has not told us about yet; their items wait for a later pass",
            extra={"team_id": uow.team_id, "owners": sorted(waiting)[:20]},
        )
        follow_ups = [f for f in follow_ups if f.owner_id not in waiting]
        contracts = [c for c in contracts if accounts[c.account_id].owner.user_id not in waiting]
        stale = [a for a in stale if a.owner.user_id not in waiting]
    ids = owner_ids(OpenItems(follow_ups, contracts, accounts, stale), admins) - waiting
    owners = {u: owner_settings(uow, u, default_timezone) for u in sorted(ids)}
    return PlanningInput(
        team_id=uow.team_id,
        now=now,
        workspace=workspace,
        admins=admins,
        owners=owners,
        follow_ups=follow_ups,
        contracts=[(c, accounts[c.account_id]) for c in contracts],
        accounts=stale,
        renewal_snoozed_until={
            c.id: c.nudges_snoozed_until for c in contracts if c.nudges_snoozed_until
        },
        stale_snoozed_until={a.id: a.stale_snoozed_until for a in stale if a.stale_snoozed_until},
        default_timezone=default_timezone,
    )
