"""The weekly team report as a value: this week's and last week's touches, overdue
follow-ups, what needs action in the next 90 days, the week's renewal outcomes, and the
renewing-per-month table the chart is drawn from.

Read-only. The week is Monday 00:00 to now in ``zone``; last week the Monday to Sunday before
(168 hours, or one hour more or less across a daylight-saving change).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain import NextAction, RenewalOutcome
from bot.health import HealthBand
from bot.ports import UnitOfWork
from bot.reporting.facts import ContractOfAccount, OwnerCount, OwnerTouches, WeekWindow
from bot.reporting.month_table import MonthTable, month_table, months_from
from bot.services.health import health_of

AHEAD_DAYS = 90


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    """Contracts in one currency: their known value summed, how many, how many of them with
    no value known."""

    currency: str
    total: Decimal
    contracts: int
    unknown: int


@dataclass(frozen=True, slots=True)
class UpcomingAction:
    account_name: str
    owner_id: str | None
    action: NextAction
    value: Decimal | None
    currency: str


@dataclass(frozen=True, slots=True)
class WeekOutcome:
    outcome: RenewalOutcome
    account_name: str
    owner_id: str | None
    value: Decimal | None
    currency: str
    at: datetime


@dataclass(frozen=True, slots=True)
class OutcomeTotal:
    outcome: RenewalOutcome
    currency: str
    total: Decimal
    contracts: int
    unknown: int


@dataclass(frozen=True, slots=True)
class EnteredAtRisk:
    """An account whose kept health band moved into "at risk" this week (and is there still)."""

    account_name: str
    owner_id: str | None
    since: datetime
    score: int


@dataclass(frozen=True, slots=True)
class TeamReport:
    zone: str
    now: datetime
    week: WeekWindow
    today: date
    touches: tuple[OwnerTouches, ...]
    overdue: tuple[OwnerCount, ...]
    upcoming: tuple[UpcomingAction, ...]
    upcoming_through: date
    upcoming_totals: tuple[CurrencyTotal, ...]
    outcomes: tuple[WeekOutcome, ...]
    outcome_totals: tuple[OutcomeTotal, ...]
    months: MonthTable
    entered_at_risk: tuple[EnteredAtRisk, ...] = ()

    @property
    def week_of(self) -> date:
        """This week's Monday, in the report's zone."""
        return self.week.this_week_from.astimezone(ZoneInfo(self.zone)).date()

    @property
    def is_empty(self) -> bool:
        return (
            not (self.touches or self.overdue or self.upcoming or self.outcomes)
            and not self.entered_at_risk
            and self.months.is_empty
        )


def week_window(now: datetime, zone: ZoneInfo) -> WeekWindow:
    """Monday 00:00 of ``now``'s week in ``zone`` and of the week before, as UTC instants."""
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    # In UTC: two datetimes of one zone subtract as wall times, hiding the clock change.
    this_week = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    last_week = datetime.combine(monday - timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    return WeekWindow(last_week_from=last_week, this_week_from=this_week, now=now)


def build_report(uow: UnitOfWork, now: datetime, zone: ZoneInfo) -> TeamReport:
    reads = uow.team_report
    week = week_window(now, zone)
    today = now.astimezone(zone).date()
    through = today + timedelta(days=AHEAD_DAYS)
    upcoming = tuple(_upcoming(item, today) for item in reads.acting_between(today, through))
    outcomes = tuple(_outcome(item) for item in reads.outcomes_between(week.this_week_from, now))
    return TeamReport(
        zone=zone.key,
        now=now,
        week=week,
        today=today,
        touches=tuple(reads.touches_per_owner(week.last_week_from, week.this_week_from, now)),
        overdue=tuple(reads.overdue_follow_ups_per_owner(now)),
        upcoming=upcoming,
        upcoming_through=through,
        upcoming_totals=tuple(_totals((u.currency, u.value) for u in upcoming)),
        outcomes=outcomes,
        outcome_totals=tuple(_outcome_totals(outcomes)),
        months=renewing_per_month(uow, now, today),
        entered_at_risk=entered_at_risk(uow, week.this_week_from),
    )


def entered_at_risk(uow: UnitOfWork, since: datetime) -> tuple[EnteredAtRisk, ...]:
    """The accounts whose kept band entered "at risk" at or after ``since`` and is there still
    (the scheduler's hourly check keeps the bands), earliest first."""
    bands = uow.health_bands.entered(HealthBand.AT_RISK, since)
    accounts = uow.accounts.by_ids(band.account_id for band in bands)
    return tuple(
        EnteredAtRisk(
            accounts[band.account_id].name,
            accounts[band.account_id].owner.user_id,
            band.since,
            band.score,
        )
        for band in bands
        if band.account_id in accounts
    )


def renewing_per_month(uow: UnitOfWork, now: datetime, today: date) -> MonthTable:
    """The table the chart is drawn from: one query for the contracts, their accounts' bands
    from ``health_of`` (none when the workspace has the score off: one series, "all")."""
    months = months_from(today)
    last_day = MonthTable(months, ()).last_day
    rows = uow.team_report.renewing_between(months[0], last_day)
    if not uow.workspaces.get_or_create(now).health_enabled:
        return month_table(months, rows, None)
    accounts = uow.accounts.by_ids({row.account_id for row in rows})
    health = health_of(uow, list(accounts.values()), now, today)
    return month_table(months, rows, {i: h.band for i, h in health.items()})


def _upcoming(item: ContractOfAccount, today: date) -> UpcomingAction:
    contract = item.contract
    return UpcomingAction(
        account_name=item.account_name,
        owner_id=item.owner_id,
        action=contract.next_action(today),
        value=contract.value,
        currency=contract.currency,
    )


def _outcome(item: ContractOfAccount) -> WeekOutcome:
    contract = item.contract
    assert contract.outcome is not None and contract.outcome_at is not None
    return WeekOutcome(
        outcome=contract.outcome,
        account_name=item.account_name,
        owner_id=item.owner_id,
        value=contract.value,
        currency=contract.currency,
        at=contract.outcome_at,
    )


def _totals(values: Iterable[tuple[str, Decimal | None]]) -> list[CurrencyTotal]:
    sums: dict[str, tuple[Decimal, int, int]] = {}
    for currency, value in values:
        total, contracts, unknown = sums.get(currency, (Decimal(0), 0, 0))
        sums[currency] = (
            total + (value or Decimal(0)),  # an unknown value is counted below, not added
            contracts + 1,
            unknown + (value is None),
        )
    return [CurrencyTotal(c, *sums[c]) for c in sorted(sums)]


def _outcome_totals(outcomes: Iterable[WeekOutcome]) -> list[OutcomeTotal]:
    by_outcome: dict[RenewalOutcome, list[tuple[str, Decimal | None]]] = {}
    for item in outcomes:
        by_outcome.setdefault(item.outcome, []).append((item.currency, item.value))
    return [
        OutcomeTotal(outcome, t.currency, t.total, t.contracts, t.unknown)
        for outcome in RenewalOutcome
        for t in _totals(by_outcome.get(outcome, []))
    ]
