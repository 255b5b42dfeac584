"""What planning needs, read from one workspace: open items, their owners' settings."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain import UserPreferences
from bot.nudges.model import OwnerSettings, PlanningInput
from bot.ports import Directory, UnitOfWork
from bot.services.people import profile

_FAR_FUTURE = date(2999, 12, 31)


def owner_settings(
    uow: UnitOfWork, user_id: str, now: datetime, directory: Directory | None, fallback: str
) -> OwnerSettings | None:
    """The owner's zone and preferences; None when Slack does not know them (or never did)."""
    preferences = uow.users.preferences(user_id)
    slack = profile(uow, user_id, now, directory)
    if slack is None and preferences is None and directory is not None:
        return None
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


def planning_input(
    uow: UnitOfWork,
    now: datetime,
    *,
    directory: Directory | None,
    admins: frozenset[str],
    default_timezone: str = "UTC",
) -> PlanningInput:
    workspace = uow.workspaces.get_or_create(now)
    follow_ups = uow.follow_ups.open_all()
    contracts = uow.contracts.open_renewing_by(_FAR_FUTURE, None)
    accounts = uow.accounts.by_ids({c.account_id for c in contracts})
    stale = uow.accounts.stale(now, None)
    owner_ids = (
        {f.owner_id for f in follow_ups}
        | {a.owner.user_id for a in [*accounts.values(), *stale] if a.owner.user_id}
        | set(admins)
    )
    owners = {
        user_id: settings
        for user_id in sorted(owner_ids)
        if (settings := owner_settings(uow, user_id, now, directory, default_timezone))
    }
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
