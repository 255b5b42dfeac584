"""Accounts' health, as of now: the facts gathered set-based, then scored (``bot.health``).

Scored live: a touch logged a moment ago counts at once on the card and in every list. Only
accounts still in play are scored (active or at risk); a churned or archived one has no
health. A workspace that switched the score off (`settings workspace health off`) gets none.

Bands are also kept (``score_workspace`` then ``keep_bands``, about hourly from the scheduler)
so that what moved into "at risk", and when, can be told: in the weekly report and to a
channel that asked to hear it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain import Account, AccountFilter, AccountStatus, Contract, Workspace
from bot.health import (
    NO_ACTIVITY,
    AccountActivity,
    Health,
    HealthFacts,
    KeptBand,
    max_cadence,
    score,
)
from bot.ports import UnitOfWork

SCORED = frozenset({AccountStatus.ACTIVE, AccountStatus.AT_RISK})


def health_of(
    uow: UnitOfWork, accounts: Sequence[Account], now: datetime, today: date
) -> dict[int, Health]:
    """The health of each of ``accounts`` that has one (a few: a card); ``today`` is the
    viewer's date."""
    workspace = uow.workspaces.get_or_create(now)
    scored = [account for account in accounts if account.status in SCORED]
    if not workspace.health_enabled or not scored:
        return {}
    ids = [account.id for account in scored]
    activity = uow.activity.activity(ids, now)
    contracts = uow.contracts.open_for_accounts(ids)
    return {
        account.id: score(
            facts_of(
                account,
                workspace,
                activity.get(account.id, NO_ACTIVITY),
                contracts.get(account.id),
                now,
                today,
            )
        )
        for account in scored
    }


def health_of_listed(
    uow: UnitOfWork, wanted: AccountFilter, now: datetime, today: date
) -> tuple[list[Account], dict[int, Health]]:
    """Every account ``wanted`` (by name) and the health of each that has one: the facts read
    for the whole list at once, each query choosing the accounts by the list's conditions."""
    accounts = uow.accounts.listed(wanted)
    workspace = uow.workspaces.get_or_create(now)
    if not workspace.health_enabled:
        return accounts, {}
    activity = uow.activity.activity_of_listed(wanted, now)
    contracts = uow.contracts.open_of_listed(wanted)
    return accounts, {
        account.id: score(
            facts_of(
                account,
                workspace,
                activity.get(account.id, NO_ACTIVITY),
                contracts.get(account.id),
                now,
                today,
            )
        )
        for account in accounts
        if account.status in SCORED
    }


def facts_of(
    account: Account,
    workspace: Workspace,
    activity: AccountActivity,
    contract: Contract | None,
    now: datetime,
    today: date,
) -> HealthFacts:
    """What ``account``'s score is computed from. Its cadence band: its kind's rule when it
    follows it, else its own cadence with the default maximum."""
    rule = workspace.cadence_rule(account.kind)
    ceiling = rule.max_days if not account.cadence_own else None
    return HealthFacts(
        now=now,
        today=today,
        created_at=account.created_at,
        last_touch_at=account.last_touch_at,
        cadence_days=account.cadence_days,
        max_cadence_days=max_cadence(account.cadence_days, ceiling),
        overdue_follow_ups=activity.overdue_follow_ups,
        oldest_overdue_at=activity.oldest_overdue_at,
        next_action=contract.next_action(today) if contract is not None else None,
        touches_recent=activity.touches_recent,
        touches_previous=activity.touches_previous,
        marked_at_risk=account.status is AccountStatus.AT_RISK,
    )


# How often the scheduler checks a workspace's bands (one replica claims each check).
BAND_CHECK_EVERY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ScoredNow:
    """Every scored account's health at one instant, read for ``keep_bands``."""

    at: datetime
    health: dict[int, Health]
    created: dict[int, datetime]  # each scored account's creation: a new band's first "since"


def score_workspace(uow: UnitOfWork, now: datetime, today: date) -> ScoredNow:
    """The health of every account still in play (none when the score is off). Read-only:
    run it in a reading unit, so that the workspace's writes never wait for it."""
    accounts, health = health_of_listed(uow, AccountFilter(), now, today)
    created = {account.id: account.created_at for account in accounts if account.id in health}
    return ScoredNow(now, health, created)


def keep_bands(uow: UnitOfWork, scored: ScoredNow) -> list[KeptBand]:
    """Keep each account's band: one whose band changed is in its new band from the check's
    instant; one seen for the first time, from its creation (so the first check after an
    upgrade announces nothing old as new). Accounts no longer scored lose their band. Returns
    the bands entered at this check."""
    kept = uow.health_bands.kept()
    changed: list[KeptBand] = []
    added: list[KeptBand] = []
    for account_id, health in scored.health.items():
        before = kept.get(account_id)
        if before is None:
            since = scored.created[account_id]
            added.append(KeptBand(account_id, health.band, health.score, since))
        elif before.band is not health.band:
            changed.append(KeptBand(account_id, health.band, health.score, scored.at))
        elif before.score != health.score:
            changed.append(dataclasses.replace(before, score=health.score))
    uow.health_bands.keep(changed, added, scored.at)
    uow.health_bands.forget([account_id for account_id in kept if account_id not in scored.health])
    return [band for band in changed if band.since == scored.at]
