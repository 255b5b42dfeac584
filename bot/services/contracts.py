"""Contracts and renewals: add or replace the open contract, record the outcome."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bot.dates import When
from bot.domain import (
    Account,
    AccountStatus,
    Actor,
    Contract,
    ContractDirection,
    RenewalOutcome,
    notice_days_for_months,
)
from bot.errors import InvalidInput, NotFound, NothingToDo
from bot.ports import UnitOfWork
from bot.services import audit
from bot.services.lookup import resolve_account
from bot.validation import (
    check_contract_value,
    check_currency,
    check_notice_days,
    check_notice_months,
)

DEFAULT_TERM = relativedelta(months=12)


@dataclass(frozen=True, slots=True)
class ContractChange:
    account: Account
    contract: Contract
    replaced: Contract | None = None


@dataclass(frozen=True, slots=True)
class RenewalRecorded:
    account: Account
    closed: Contract
    next_term: Contract | None  # the new term when renewed


def next_term(contract: Contract) -> tuple[date, date]:
    """The (start, renewal) of the term after ``contract``: as long as the last, else 12 months.

    Whole months roll by months (a term from month end to month end stays on month ends);
    anything else rolls by its number of days.
    """
    start, previous = contract.renewal_date, contract.start_date
    if previous is None or previous >= start:
        return start, start + DEFAULT_TERM
    months = (start.year - previous.year) * 12 + start.month - previous.month
    if _is_month_end(previous) and _is_month_end(start):
        return start, start + relativedelta(months=months, day=31)
    if previous + relativedelta(months=months) == start:
        return start, start + relativedelta(months=months)
    return start, start + timedelta(days=(start - previous).days)


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def set_contract(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    account: str | Account,
    value: Decimal,
    currency: str,
    renews: When,
    notice_days: int | None = None,
    notice_months: int | None = None,
    auto_renew: bool = False,
    start_date: date | None = None,
) -> ContractChange:
    """Add the account's open contract, or replace the one it has.

    Notice is given in days or in calendar months (``notice_months``, which wins): months
    are kept as months, and their days before the renewal date are stored alongside, so the
    deadline is exact for this term and for every term rolled on from it."""
    target = resolve_account(uow, account)
    value = check_contract_value(value)
    currency = check_currency(currency)
    if notice_months is not None:
        notice_months = check_notice_months(notice_months)
        notice_days = notice_days_for_months(renews.day, notice_months)
    notice_days = check_notice_days(notice_days)
    today = now.astimezone(ZoneInfo(actor.timezone)).date()
    if renews.day < today:
        raise InvalidInput(
            "renews",
            f"“{renews.text}” is in the past; a contract renews on a date still ahead.",
            hint="Record a past renewal with `renewed <account>`.",
        )
    current = uow.contracts.open_for_account(target.id)
    if current is None:
        contract = uow.contracts.add(
            account_id=target.id,
            value=value,
            currency=currency,
            renewal_date=renews.day,
            direction=target.kind.contract_direction,
            start_date=start_date,
            notice_days=notice_days,
            notice_months=notice_months,
            auto_renew=auto_renew,
            previous_id=None,
            now=now,
        )
        audit.record(
            uow,
            actor,
            now,
            "contract.create",
            entity="contract",
            entity_id=contract.id,
            after=contract,
        )
        return ContractChange(account=target, contract=contract)
    replacement = dataclasses.replace(
        current,
        value=value,
        currency=currency,
        renewal_date=renews.day,
        notice_days=notice_days,
        notice_months=notice_months,
        auto_renew=auto_renew,
        start_date=start_date or current.start_date,
    )
    contract = uow.contracts.save(replacement, now)
    audit.record(
        uow,
        actor,
        now,
        "contract.replace",
        entity="contract",
        entity_id=contract.id,
        before=current,
        after=contract,
    )
    return ContractChange(account=target, contract=contract, replaced=current)


def renewal_still_open(
    uow: UnitOfWork, contract_id: int, renews_on: date
) -> tuple[Contract, Account]:
    """The contract (and its account) whose renewal of ``renews_on`` a button decides, as
    long as no outcome was recorded for it: a second press, or a press on an old message
    after the contract rolled on, says so instead of deciding the next term."""
    contract = uow.contracts.get(contract_id)
    account = uow.accounts.get(contract.account_id) if contract else None
    if contract is None or account is None:
        raise NotFound("a contract numbered", str(contract_id))
    day = f"{renews_on:%d %b %Y}"
    if contract.outcome is not None:
        by = f" by <@{contract.outcome_by}>" if contract.outcome_by else ""
        raise NothingToDo(
            f"The renewal of “{account.name}” due {day} was already recorded: "
            f"{contract.outcome.value}{by}."
        )
    if contract.renewal_date != renews_on:
        raise NothingToDo(
            f"“{account.name}” now renews on {contract.renewal_date:%d %b %Y}, not {day}: this "
            "button is out of date.",
            hint=f"See the contract as it stands with `show {account.name}`.",
        )
    return contract, account


def record_outcome(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    account: str | Account,
    renewed: bool,
    contract: Contract | None = None,
) -> RenewalRecorded:
    """`renewed` rolls a new term forward; "not renewing" is `churned` when we sell, `cancelled`
    when we buy — and a customer who does not renew has churned. The outcome is recorded for
    ``contract`` when one is named (a button's: exactly the one it was pressed for, so a
    press racing another cannot decide the term that one just started), else for the
    account's open contract."""
    target = resolve_account(uow, account)
    current = contract or uow.contracts.open_for_account(target.id)
    if current is None:
        raise NothingToDo(
            f"“{target.name}” has no open contract to record an outcome for.",
            hint=f"Add one with `contract {target.name}: 12000 EUR renews 2027-06-30`.",
        )
    if renewed:
        outcome = RenewalOutcome.RENEWED
    elif current.direction is ContractDirection.WE_SELL:
        outcome = RenewalOutcome.CHURNED
    else:
        outcome = RenewalOutcome.CANCELLED
    closed = uow.contracts.save(
        dataclasses.replace(current, outcome=outcome, outcome_at=now, outcome_by=actor.user_id),
        now,
    )
    audit.record(
        uow,
        actor,
        now,
        f"contract.{outcome.value}",
        entity="contract",
        entity_id=closed.id,
        before=current,
        after=closed,
    )
    following = None
    if renewed:
        start, renewal = next_term(current)
        months = current.notice_months
        following = uow.contracts.add(
            account_id=target.id,
            value=current.value,
            currency=current.currency,
            renewal_date=renewal,
            direction=current.direction,
            start_date=start,
            # Months before the new renewal date are not the old term's number of days.
            notice_days=(
                notice_days_for_months(renewal, months) if months else current.notice_days
            ),
            notice_months=months,
            auto_renew=current.auto_renew,
            previous_id=current.id,
            now=now,
        )
        audit.record(
            uow,
            actor,
            now,
            "contract.create",
            entity="contract",
            entity_id=following.id,
            after=following,
        )
    elif outcome is RenewalOutcome.CHURNED and target.status is not AccountStatus.CHURNED:
        churned = uow.accounts.save(
            dataclasses.replace(target, status=AccountStatus.CHURNED, updated_at=now)
        )
        audit.record(
            uow,
            actor,
            now,
            "account.status",
            entity="account",
            entity_id=target.id,
            before=target,
            after=churned,
        )
        target = churned
    return RenewalRecorded(account=target, closed=closed, next_term=following)
