"""The renewing-per-month table: open contract value per month, currency and health band.

Pure: built from the one query's rows and the accounts' bands; the chart's panels are built
from this table and from nothing else, so what is drawn is what the report's table says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from bot.health import HealthBand
from bot.reporting.facts import RenewingContract

if TYPE_CHECKING:  # the chart module loads matplotlib: only when a chart is drawn
    from bot.reporting.chart import RenewalChart

MONTHS = 12
ALL = "all"  # the one series of a workspace with the health score off
NOT_SCORED = "not scored"  # an account the score has nothing for (never a live one, today)

# Bottom of the stack first: what needs looking at sits on top, where the eye goes.
_BANDS = (HealthBand.HEALTHY, HealthBand.WATCH, HealthBand.AT_RISK)
_COLORS = {
    HealthBand.HEALTHY.label: "#2e7d32",
    HealthBand.WATCH.label: "#f9a825",
    HealthBand.AT_RISK.label: "#c62828",
    ALL: "#1565c0",
    NOT_SCORED: "#9e9e9e",
}


@dataclass(frozen=True, slots=True)
class BandRow:
    """One band's value renewing in each month (as many values as the table's months)."""

    label: str
    values: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.values, Decimal(0))


@dataclass(frozen=True, slots=True)
class CurrencyMonths:
    """One currency's rows, bottom band first; ``unknown``: contracts renewing in the months
    whose value is not known (counted, never summed as 0)."""

    currency: str
    bands: tuple[BandRow, ...]
    contracts: int
    unknown: int

    def month_total(self, index: int) -> Decimal:
        return sum((band.values[index] for band in self.bands), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((band.total for band in self.bands), Decimal(0))


@dataclass(frozen=True, slots=True)
class MonthTable:
    months: tuple[date, ...]  # the first day of each
    currencies: tuple[CurrencyMonths, ...]  # by currency code

    @property
    def last_day(self) -> date:
        last: date = self.months[-1] + relativedelta(months=1, days=-1)
        return last

    @property
    def is_empty(self) -> bool:
        return not self.currencies


def months_from(today: date, count: int = MONTHS) -> tuple[date, ...]:
    """The first day of ``today``'s month and of the ``count - 1`` months after it."""
    first = today.replace(day=1)
    return tuple(first + relativedelta(months=step) for step in range(count))


def month_table(
    months: Sequence[date],
    rows: Iterable[RenewingContract],
    bands: Mapping[int, HealthBand] | None,
) -> MonthTable:
    """Sum ``rows`` by currency, band (their account's, from ``bands`` by account id; None:
    the score is off, one series "all") and month of renewal."""
    labels = [ALL] if bands is None else [band.label for band in _BANDS]
    index_of = {(month.year, month.month): index for index, month in enumerate(months)}
    sums: dict[str, dict[str, list[Decimal]]] = {}
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        index = index_of.get((row.renewal_date.year, row.renewal_date.month))
        if index is None:
            raise ValueError(f"contract {row.contract_id} renews outside the table's months")
        contracts, unknown = counts.get(row.currency, (0, 0))
        counts[row.currency] = (contracts + 1, unknown + (row.value is None))
        per_band = sums.setdefault(
            row.currency, {label: [Decimal(0)] * len(months) for label in labels}
        )
        if row.value is None:
            continue
        band = bands.get(row.account_id) if bands is not None else None
        label = ALL if bands is None else (band.label if band is not None else NOT_SCORED)
        values = per_band.setdefault(label, [Decimal(0)] * len(months))
        values[index] += row.value
    return MonthTable(
        months=tuple(months),
        currencies=tuple(
            CurrencyMonths(
                currency=currency,
                bands=tuple(BandRow(label, tuple(values)) for label, values in per_band.items()),
                contracts=counts[currency][0],
                unknown=counts[currency][1],
            )
            for currency, per_band in sorted(sums.items())
        ),
    )


def renewal_charts(table: MonthTable) -> tuple[RenewalChart, ...]:
    """The chart's panels, straight from the table: one per currency with any known value."""
    from bot.reporting.chart import ChartSeries, RenewalChart  # matplotlib: loaded only to draw

    return tuple(
        RenewalChart(
            currency=currency.currency,
            months=table.months,
            series=tuple(
                ChartSeries(band.label, _COLORS[band.label], band.values) for band in currency.bands
            ),
        )
        for currency in table.currencies
        if currency.total > 0
    )
