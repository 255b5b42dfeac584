"""The weekly report's chart: contract value renewing per month, stacked by health band.

One panel per currency, stacked vertically, each with its own y axis (there are no exchange
rates, so currencies never share an axis). Drawn with matplotlib's object API (``Figure``, never
``pyplot``: no global state, so worker threads can render at once) and no rcParams changes.
The same input gives the same PNG bytes: no timestamp or software string is written.

Pure: no clock, no database, no Slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from matplotlib.axes import Axes
from matplotlib.colors import is_color_like
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.reporting.labels import month_label

__all__ = [
    "ChartSeries",
    "PixelBox",
    "RenewalChart",
    "month_label",
    "plot_areas",
    "render_png",
    "short_amount",
]

_UNITS = (
    (Decimal(10) ** 12, "T"),
    (Decimal(10) ** 9, "B"),
    (Decimal(10) ** 6, "M"),
    (Decimal(1000), "k"),
)

# Margins in points (1/72 inch), so they grow with the fonts when the dpi grows.
_LEFT_PT = 44.0  # y tick labels such as "1.25M"
_RIGHT_PT = 12.0
_PANEL_TOP_PT = 26.0  # the currency on the left, the legend on the right
_PANEL_BOTTOM_PT = 22.0  # month labels
_TITLE_PT = 26.0  # above the first panel only
_MIN_PT_PER_MONTH = 32.0  # "Jan 27" at 9 pt is about 28 pt wide
_MIN_PLOT_HEIGHT_PT = 60.0
_BAR_WIDTH = 0.7  # of a month's slot

_TITLE_SIZE = 13.0
_HEADING_SIZE = 11.0
_LABEL_SIZE = 9.0
_TEXT_COLOR = "#222222"
_MUTED_COLOR = "#666666"
_GRID_COLOR = "#e6e6e6"
_BACKGROUND = "#ffffff"


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One band of the stack: its legend label, its colour, one value per month."""

    label: str
    color: str
    values: tuple[Decimal, ...]


@dataclass(frozen=True, slots=True)
class RenewalChart:
    """One currency's panel: the months (first day of each) and the bands, bottom to top."""

    currency: str
    months: tuple[date, ...]
    series: tuple[ChartSeries, ...]


@dataclass(frozen=True, slots=True)
class PixelBox:
    """A rectangle of the image in pixels, measured from its top left corner."""

    left: float
    top: float
    width: float
    height: float


def short_amount(value: float) -> str:
    """An axis value in a few characters: ``0``, ``950``, ``24k``, ``1.2M``, ``3B``."""
    amount = Decimal(float(value))
    if amount == 0:
        return "0"
    sign = "-" if amount < 0 else ""
    # Three significant digits first, so 999,999 reads "1M" and not "1000k".
    amount = abs(amount).quantize(Decimal(1).scaleb(abs(amount).adjusted() - 2))
    for unit, suffix in _UNITS:
        if amount >= unit:
            return f"{sign}{_plain(amount / unit)}{suffix}"
    return f"{sign}{_plain(amount)}"


def _plain(amount: Decimal) -> str:
    """No exponent, no trailing zeros: ``1.2``, ``24``, ``150``."""
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plot_areas(
    count: int, *, width_px: int, height_px_per_chart: int, dpi: int
) -> tuple[PixelBox, ...]:
    """Where each panel's bars may go (its axes), top panel first.

    Raises ``ValueError`` when the image is too small for a readable chart at this dpi.
    """
    if count < 1:
        raise ValueError("a chart needs at least one panel")
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, not {dpi}")
    px_per_pt = dpi / 72.0
    plot_width = width_px - (_LEFT_PT + _RIGHT_PT) * px_per_pt
    first_height = height_px_per_chart - (_TITLE_PT + _PANEL_TOP_PT + _PANEL_BOTTOM_PT) * px_per_pt
    if plot_width < 12 * _MIN_PT_PER_MONTH * px_per_pt:
        raise ValueError(f"{width_px} px is too narrow for twelve month labels at {dpi} dpi")
    if first_height < _MIN_PLOT_HEIGHT_PT * px_per_pt:
        raise ValueError(f"{height_px_per_chart} px per chart is too low at {dpi} dpi")
    boxes = []
    for index in range(count):
        top_margin = (_PANEL_TOP_PT + (_TITLE_PT if index == 0 else 0.0)) * px_per_pt
        height = height_px_per_chart - top_margin - _PANEL_BOTTOM_PT * px_per_pt
        top = index * height_px_per_chart + top_margin
        boxes.append(PixelBox(_LEFT_PT * px_per_pt, top, plot_width, height))
    return tuple(boxes)


def render_png(
    charts: Sequence[RenewalChart],
    *,
    title: str,
    width_px: int = 1200,
    height_px_per_chart: int = 400,
    dpi: int = 100,
) -> bytes:
    """The chart as PNG bytes, exactly ``width_px`` × ``height_px_per_chart × len(charts)``.

    Raises ``ValueError`` for nothing to draw (no charts, or every value zero: whether to send
    a report without a chart is the caller's choice), for inconsistent input (a series whose
    length is not the months', a negative or non-finite value, a month not on its first day,
    an unknown colour) and for an image too small to be readable.
    """
    if not charts:
        raise ValueError("no charts to draw")
    for chart in charts:
        _check(chart)
    if all(value == 0 for chart in charts for series in chart.series for value in series.values):
        raise ValueError("every value is zero: nothing to draw")
    boxes = plot_areas(
        len(charts), width_px=width_px, height_px_per_chart=height_px_per_chart, dpi=dpi
    )
    height_px = height_px_per_chart * len(charts)
    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor=_BACKGROUND)
    figure.text(
        _LEFT_PT / 72.0 * dpi / width_px,
        1.0 - (_TITLE_PT / 2 / 72.0 * dpi) / height_px,
        title,
        fontsize=_TITLE_SIZE,
        fontweight="bold",
        color=_TEXT_COLOR,
        ha="left",
        va="center",
    )
    for chart, box in zip(charts, boxes, strict=True):
        axes = figure.add_axes(
            (
                box.left / width_px,
                1.0 - (box.top + box.height) / height_px,
                box.width / width_px,
                box.height / height_px,
            )
        )
        _draw_panel(axes, chart)
    output = BytesIO()
    figure.savefig(
        output, format="png", dpi=dpi, facecolor=_BACKGROUND, metadata={"Software": None}
    )
    return output.getvalue()


def _check(chart: RenewalChart) -> None:
    if not chart.months:
        raise ValueError(f"{chart.currency}: no months")
    for month in chart.months:
        if month.day != 1:
            raise ValueError(f"{chart.currency}: {month} is not the first day of a month")
    for series in chart.series:
        if len(series.values) != len(chart.months):
            raise ValueError(
                f"{chart.currency} {series.label}: {len(series.values)} values"
                f" for {len(chart.months)} months"
            )
        if not is_color_like(series.color):
            raise ValueError(f"{series.label}: {series.color!r} is not a colour")
        for value in series.values:
            if not value.is_finite() or value < 0:
                raise ValueError(f"{chart.currency} {series.label}: {value} is not an amount")


def _draw_panel(axes: Axes, chart: RenewalChart) -> None:
    """Bars stacked per month; an empty month draws no bar, a band never drawn has no legend."""
    slots = len(chart.months)
    bottoms = [0.0] * slots
    drawn: list[tuple[BarContainer, str]] = []
    for series in chart.series:
        months = [index for index, value in enumerate(series.values) if value > 0]
        if months:
            heights = [float(series.values[index]) for index in months]
            bars = axes.bar(
                months,
                heights,
                width=_BAR_WIDTH,
                bottom=[bottoms[index] for index in months],
                color=series.color,
                linewidth=0,
                zorder=2,
            )
            drawn.append((bars, series.label))
            for index, height in zip(months, heights, strict=True):
                bottoms[index] += height
    axes.set_facecolor(_BACKGROUND)
    axes.set_xlim(-0.5, slots - 0.5)
    # Aligned on their baselines: aligned on their tops, "Feb" (with its tall "b") sits lower
    # than "Mar".
    axes.set_xticks(
        range(slots),
        [month_label(month) for month in chart.months],
        verticalalignment="center_baseline",
    )
    top = max(bottoms)
    axes.set_ylim(0.0, top * 1.08 if top > 0 else 1.0)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], min_n_ticks=2))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: short_amount(value)))
    if top == 0:
        axes.set_yticks([])
        axes.text(
            0.5,
            0.5,
            "Nothing renews in these months",
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=_LABEL_SIZE,
            color=_MUTED_COLOR,
        )
    axes.tick_params(labelsize=_LABEL_SIZE, colors=_MUTED_COLOR, labelcolor=_TEXT_COLOR, length=0)
    axes.tick_params(axis="y", pad=4)
    axes.tick_params(axis="x", pad=8)
    axes.grid(axis="y", color=_GRID_COLOR, linewidth=0.8, zorder=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(_MUTED_COLOR)
    axes.set_title(
        chart.currency,
        loc="left",
        fontsize=_HEADING_SIZE,
        fontweight="bold",
        color=_TEXT_COLOR,
        pad=8,
    )
    if drawn:
        axes.legend(
            [bars for bars, _label in drawn],
            [label for _bars, label in drawn],
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            ncols=len(drawn),
            frameon=False,
            fontsize=_LABEL_SIZE,
            labelcolor=_TEXT_COLOR,
            borderaxespad=0.3,
            handlelength=1.2,
            columnspacing=1.2,
        )
