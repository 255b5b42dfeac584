"""Rows about to be written in bulk (an import's chunk, the benchmark's seed): the values a
new row gets, before the database has given it an id. The bulk writer returns each as the
domain object the database then holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.domain import (
    AccountKind,
    AccountStatus,
    ContractDirection,
    FollowUpStatus,
    InteractionKind,
    Owner,
    RenewalOutcome,
)


@dataclass(frozen=True, slots=True)
class NewAccount:
    name: str
    kind: AccountKind
    owner: Owner
    tier: str | None
    cadence_days: int
    created_at: datetime
    status: AccountStatus = AccountStatus.ACTIVE
    tags: tuple[str, ...] = ()
    last_touch_at: datetime | None = None
    cadence_own: bool = False  # set for it, not its kind's rule

    @property
    def next_touch_due(self) -> datetime:
        """One cadence after the last touch, or after creation if never touched."""
        return (self.last_touch_at or self.created_at) + timedelta(days=self.cadence_days)


@dataclass(frozen=True, slots=True)
class NewContact:
    account_id: int
    name: str
    title: str | None
    email: str | None
    phone: str | None
    slack_user_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewInteraction:
    account_id: int
    kind: InteractionKind
    occurred_at: datetime
    summary: str
    logged_by: str
    contact_id: int | None
    permalink: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewFollowUp:
    """A follow-up; its short number is handed out when it is written.

    ``version`` 2 is a follow-up written as added and then changed once (an import of a
    closed or snoozed one), as the row-by-row path has always stored it."""

    account_id: int
    owner_id: str
    due_at: datetime
    text: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    status: FollowUpStatus = FollowUpStatus.OPEN
    snoozed_until: datetime | None = None
    completed_by: str | None = None
    completed_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class NewContract:
    account_id: int
    value: Decimal | None
    currency: str
    renewal_date: date
    direction: ContractDirection
    start_date: date | None
    notice_days: int | None
    auto_renew: bool
    created_at: datetime
    outcome: RenewalOutcome | None = None
    outcome_at: datetime | None = None
    outcome_by: str | None = None
    notice_months: int | None = None
