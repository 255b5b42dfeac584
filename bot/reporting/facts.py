"""What the weekly team report reads from storage: small rows, one kind per query.

Declared in the core (``bot.ports.TeamReportRepository`` returns them), read in ``storage``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.domain import Contract, RenewalOutcome


@dataclass(frozen=True, slots=True)
class OwnerTouches:
    """Touches logged on the accounts one owner owns (None: accounts without a Slack owner)."""

    owner_id: str | None
    this_week: int
    last_week: int


@dataclass(frozen=True, slots=True)
class OwnerCount:
    """How many of something one person has (their overdue follow-ups)."""

    owner_id: str
    count: int


@dataclass(frozen=True, slots=True)
class ContractOfAccount:
    """A contract with its account's name and owner, as a report lists it."""

    contract: Contract
    account_name: str
    owner_id: str | None


@dataclass(frozen=True, slots=True)
class RenewingContract:
    """One row of the renewing-per-month table's query: an open contract of a live account."""

    contract_id: int
    account_id: int
    renewal_date: date
    value: Decimal | None  # None: not known
    currency: str


@dataclass(frozen=True, slots=True)
class WeekWindow:
    """The report's weeks as instants: last week's Monday 00:00, this week's, and now."""

    last_week_from: datetime
    this_week_from: datetime
    now: datetime


__all__ = [
    "ContractOfAccount",
    "OwnerCount",
    "OwnerTouches",
    "RenewalOutcome",
    "RenewingContract",
    "WeekWindow",
]
