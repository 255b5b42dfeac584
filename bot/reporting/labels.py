"""How the report names a month, in the chart and in the text alike (no matplotlib here)."""

from __future__ import annotations

from datetime import date

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: date) -> str:
    """``Jan 27``: English month names whatever the process's locale, two-digit year."""
    return f"{_MONTH_NAMES[month.month - 1]} {month.year % 100:02d}"
