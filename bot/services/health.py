"""Accounts' health, as of now: the facts gathered set-based, then scored (``bot.health``).

Scored live, never stored: a touch logged a moment ago counts at once. Only accounts still in
play are scored (active or at risk); a churned or archived one has no health. A workspace that
switched the score off (`settings workspace health off`) gets none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.domain import Account, AccountFilter, AccountStatus, Contract, Workspace
from bot.health import NO_ACTIVITY, AccountActivity, Health, HealthFacts, max_cadence, score
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
