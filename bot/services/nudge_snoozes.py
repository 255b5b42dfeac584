"""Snoozes that only nudges have: a renewal's reminders for a week, a stale account's for one
cadence period. The item itself does not change; its nudges wait."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Account, Actor, Contract
from bot.errors import NothingToDo
from bot.ports import UnitOfWork
from bot.services import audit

RENEWAL_SNOOZE = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class NudgesSnoozed:
    account: Account
    until: datetime
    what: str  # "renewal" or "stale"
    item_id: int  # the contract's id for a renewal, the account's for stale


def snooze_renewal_nudges(
    uow: UnitOfWork, actor: Actor, now: datetime, account: Account, contract: Contract | None = None
) -> NudgesSnoozed:
    """Snooze the renewal reminders of ``contract`` (a button's), else of the open one."""
    contract = contract or uow.contracts.open_for_account(account.id)
    if contract is None:
        raise NothingToDo(f"“{account.name}” has no open contract any more.")
    snoozed = uow.contracts.save(
        dataclasses.replace(contract, nudges_snoozed_until=now + RENEWAL_SNOOZE), now
    )
    audit.record(
        uow,
        actor,
        now,
        "contract.nudges_snoozed",
        entity="contract",
        entity_id=contract.id,
        before=contract,
        after=snoozed,
    )
    return NudgesSnoozed(account, now + RENEWAL_SNOOZE, "renewal", contract.id)


def snooze_stale_nudges(
    uow: UnitOfWork, actor: Actor, now: datetime, account: Account
) -> NudgesSnoozed:
    until = now + timedelta(days=account.cadence_days)
    snoozed = uow.accounts.save(dataclasses.replace(account, stale_snoozed_until=until))
    audit.record(
        uow,
        actor,
        now,
        "account.stale_snoozed",
        entity="account",
        entity_id=account.id,
        before=account,
        after=snoozed,
    )
    return NudgesSnoozed(snoozed, until, "stale", account.id)
