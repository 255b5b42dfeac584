"""How one file writes its dates and amounts, found from whole columns, not from one cell.

``3/4/2027`` is 3 April in one file and 4 March in the next, and ``24.000`` is twenty-four
thousand or twenty-four. One cell cannot say which; a column usually can: a date whose
first number is over 12 (``31/3/2027``) can only be day-first, an amount with both marks
(``24.000,50``) shows its decimal mark. The first such cell settles it for the file (dates)
or the column (amounts), and the summary says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.amounts import Separators
from bot.transfer.values import decimal_mark, slashed_order

# The fields of any record kind that hold a date, and those that hold an amount.
DATE_FIELDS = frozenset(
    {
        "renewal_date",
        "start_date",
        "created_at",
        "last_touch_at",
        "occurred_at",
        "due_at",
        "snoozed_until",
        "completed_at",
        "outcome_at",
    }
)
AMOUNT_FIELDS = frozenset({"contract_value", "value"})
_ORDER_NAMES = {True: "day-first (31/3/2027 is 31 March)", False: "month-first (3/31/2027)"}


@dataclass(frozen=True, slots=True)
class _Evidence:
    line: int
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Conventions:
    """The order of a slashed date's numbers, each amount column's separators, and the
    notes that name them."""

    dayfirst: bool
    separators: Mapping[str, Separators] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        body: Sequence[tuple[int, Mapping[str, str]]],
        labels: Mapping[str, str],
        *,
        dayfirst: bool,
    ) -> Conventions:
        notes: list[str] = []
        order, note = _date_order(body, labels, dayfirst)
        if note:
            notes.append(note)
        separators: dict[str, Separators] = {}
        for name in sorted(AMOUNT_FIELDS & labels.keys()):
            marks = {
                mark: line
                for line, values in reversed(body)
                if (mark := decimal_mark(values.get(name, ""))) is not None
            }
            if set(marks) == {","}:
                separators[name] = Separators.DECIMAL_COMMA
                notes.append(
                    f"Amounts in {labels[name]} are read with a decimal comma "
                    f"(24.000,50), as line {marks[',']} writes them."
                )
            elif set(marks) == {"."}:
                separators[name] = Separators.DECIMAL_POINT
        return cls(order, separators, tuple(notes))


def _date_order(
    body: Sequence[tuple[int, Mapping[str, str]]], labels: Mapping[str, str], dayfirst: bool
) -> tuple[bool, str | None]:
    """The file's order of day and month, and the note that names it (None when the file
    has no slashed date)."""
    found: dict[bool, _Evidence] = {}
    slashed = False
    for line, values in body:
        for name in (name for name in values if name in DATE_FIELDS):  # in a fixed order
            text = values[name]
            order = slashed_order(text)
            slashed = slashed or "/" in text
            if order is not None and order not in found:
                found[order] = _Evidence(line, labels[name], text)
    if not slashed:
        return dayfirst, None
    if len(found) == 1:
        ((order, seen),) = found.items()
        return order, (
            f"Dates such as 3/4/2027 are read {_ORDER_NAMES[order]}: "
            f"“{seen.text}” ({seen.label}, line {seen.line}) can only be read that way."
        )
    setting = f"the workspace's setting ({_ORDER_NAMES[dayfirst]})"
    if not found:
        return (
            dayfirst,
            f"Dates such as 3/4/2027 are read as {setting}; no date in the file says which.",
        )
    day, month = found[True], found[False]
    return dayfirst, (
        f"The file writes dates both ways (“{day.text}” on line {day.line}, “{month.text}” on "
        f"line {month.line}); dates such as 3/4/2027 are read as {setting}."
    )
