"""Reading one cell: kinds, choices, amounts, whole numbers, flags, dates and tags.

Each parser takes the cell's text (already stripped, never empty) and returns a value
or raises ``CellError`` with a reason that quotes the text; the reader adds the column
and the line. Nothing here guesses: a date is read only in a shape we know, with the
order of day and month fixed by that shape (or by ``dayfirst`` for ``3/4/2027``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

from dateutil.parser import parse as dateutil_parse

from bot.amounts import AmountError, Separators, read_amount
from bot.domain import MAX_NOTICE_DAYS, MAX_NOTICE_MONTHS, MAX_TAG_LENGTH, AccountKind

E = TypeVar("E", bound=enum.Enum)


class CellError(ValueError):
    """A cell whose text cannot be the value its column holds."""


def _key(text: str) -> str:
    """``"Customer - Direct"``, ``"customer_direct"`` -> ``"customer direct"``."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


# CRM account types and spreadsheet words for them, matched by ``_key``. Our own kind
# names (``AccountKind`` values) are accepted too. None: a type that names no kind (HubSpot's
# "Other"), read as no kind given, as an empty cell is: a new account is then a customer and
# an existing one keeps its kind.
ACCOUNT_KIND_ALIASES: Mapping[str, AccountKind | None] = {
    # HubSpot company types
    "Prospect": AccountKind.PROSPECT,
    "Partner": AccountKind.PARTNER,
    "Reseller": AccountKind.RESELLER,
    "Vendor": AccountKind.VENDOR,
    "Other": None,
    # Salesforce account types
    "Customer - Direct": AccountKind.CUSTOMER,
    "Customer - Channel": AccountKind.CUSTOMER,
    "Channel Partner / Reseller": AccountKind.RESELLER,
    "Installation Partner": AccountKind.PARTNER,
    "Technology Partner": AccountKind.PARTNER,
    # Odoo's company type, Dynamics 365's relationship types
    "Company": AccountKind.CUSTOMER,
    "Individual": AccountKind.CUSTOMER,
    "Supplier": AccountKind.SUPPLIER,
    "Distributor": AccountKind.DISTRIBUTOR,
    # German spreadsheets
    "Kunde": AccountKind.CUSTOMER,
    "Bestandskunde": AccountKind.CUSTOMER,
    "Interessent": AccountKind.PROSPECT,
    "Lieferant": AccountKind.SUPPLIER,
    "Händler": AccountKind.RESELLER,
    "Wiederverkäufer": AccountKind.RESELLER,
    "Vertriebspartner": AccountKind.PARTNER,
    "Großhändler": AccountKind.DISTRIBUTOR,
    "Dienstleister": AccountKind.VENDOR,
}
_KIND_BY_KEY: Mapping[str, AccountKind | None] = {kind.value: kind for kind in AccountKind} | {
    _key(alias): kind for alias, kind in ACCOUNT_KIND_ALIASES.items()
}


def parse_account_kind(text: str) -> AccountKind | None:
    """A kind, or None for a type that names none ("Other"); the picklists' other types
    (Competitor, Investor, Press, ``-None-``) are refused; the reader keeps the row, its
    kind not given."""
    key = _key(text)
    if key not in _KIND_BY_KEY:
        accepted = ", ".join(k.value for k in AccountKind)
        raise CellError(f"“{text}” is not a kind I know ({accepted})")
    return _KIND_BY_KEY[key]


def parse_choice(text: str, choices: type[E]) -> E:
    """One of an enum's values; case, spaces and hyphens do not matter (``At risk``)."""
    wanted = _key(text).replace(" ", "_")
    for member in choices:
        if str(member.value) == wanted:
            return member
    accepted = ", ".join(str(m.value) for m in choices)
    raise CellError(f"“{text}” is not one of: {accepted}")


_FLAGS = {
    "yes": True, "y": True, "true": True, "1": True, "on": True, "x": True, "ja": True,
    "j": True, "wahr": True, "checked": True,
    "no": False, "n": False, "false": False, "0": False, "off": False, "nein": False,
    "falsch": False, "unchecked": False,
}  # fmt: skip


def parse_flag(text: str) -> bool:
    try:
        return _FLAGS[text.casefold()]
    except KeyError:
        raise CellError(f"“{text}” is neither yes nor no") from None


def parse_whole_number(text: str, *, minimum: int, maximum: int) -> int:
    if not re.fullmatch(r"\d+", text):
        raise CellError(f"“{text}” is not a whole number")
    number = int(text)
    if not minimum <= number <= maximum:
        raise CellError(f"{number} is out of range ({minimum} to {maximum:,})")
    return number


# Currencies as CRMs and spreadsheets name them (Dynamics 365 writes "US Dollar"), by
# ``_key``; a three-letter code is read as it is. "$" alone names no currency.
CURRENCY_NAMES: Mapping[str, str] = {
    "€": "EUR", "Euro": "EUR", "Euros": "EUR",
    "£": "GBP", "Pound": "GBP", "Pound Sterling": "GBP", "British Pound": "GBP",
    "British Pound Sterling": "GBP", "Britisches Pfund": "GBP",
    "US Dollar": "USD", "US Dollars": "USD", "U.S. Dollar": "USD", "United States Dollar": "USD",
    "Canadian Dollar": "CAD", "Kanadischer Dollar": "CAD",
    "Australian Dollar": "AUD", "Australischer Dollar": "AUD",
    "Swiss Franc": "CHF", "Schweizer Franken": "CHF", "Franken": "CHF",
    "Japanese Yen": "JPY", "Yen": "JPY",
    "Swedish Krona": "SEK", "Schwedische Krone": "SEK",
    "Danish Krone": "DKK", "Dänische Krone": "DKK",
    "Norwegian Krone": "NOK", "Norwegische Krone": "NOK",
    "Polish Zloty": "PLN", "Złoty": "PLN", "Zloty": "PLN",
    "Indian Rupee": "INR", "Chinese Yuan": "CNY", "Renminbi": "CNY",
}  # fmt: skip
_CURRENCY_BY_KEY = {_key(name) or name: code for name, code in CURRENCY_NAMES.items()}


def parse_currency(text: str) -> str:
    """A code (``eur``), a symbol (``€``) or a name (``US Dollar``, ``US-Dollar``)."""
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    code = _CURRENCY_BY_KEY.get(_key(text) or text.strip())
    if code is None:
        raise CellError(
            f"“{text}” is not a currency I know; write a three-letter code such as EUR or USD"
        )
    return code


def parse_amount(
    text: str, *, plain_first: bool = False, separators: Separators | None = None
) -> tuple[Decimal, str | None]:
    """A non-negative amount below ``MAX_CONTRACT_VALUE`` and the currency written with it.

    Read by ``bot.amounts``, as chat reads it: ``24,000.50`` and ``24.000,50`` are the same.
    A lone separator before three digits (``24,000``, ``24.000``) follows ``separators``,
    the column's convention (``decimal_mark``) when the reader found one; else it groups
    thousands, as other CRMs write them, unless ``plain_first``: our own export writes plain
    decimals, so there ``1.500`` is one and a half. A ``$`` or ``¥`` alone names no
    currency (which dollar?).
    """
    if separators is None:
        separators = Separators.DECIMAL_POINT if plain_first else Separators.THOUSANDS
    try:
        amount = read_amount(text, separators=separators)
    except AmountError as error:
        raise CellError(str(error)) from None
    return amount.value, amount.currency


def decimal_mark(text: str) -> str | None:
    """The decimal mark an amount's text shows for sure: the last of ``.`` and ``,`` when
    both are there (``24.000,50``), the other one when one repeats (``1.250.000``), a lone
    one not before exactly three digits (``24,5``, ``118500.50``); else None (``24.000``)."""
    number = re.sub(r"[^\d.,]", "", text)
    marks = [c for c in number if c in ".,"]
    if not marks:
        return None
    if len(set(marks)) == 2:
        return marks[-1]
    if len(marks) > 1:
        return "," if marks[0] == "." else "."
    head, tail = number.split(marks[0])
    return None if len(tail) == 3 and head not in ("", "0") else marks[0]


_NOTICE = re.compile(
    r"(?P<number>\d+)\s*(?P<unit>(?:days?|tage?n?|d|weeks?|wochen?|wk|w|months?|monate?n?|mon|m|mo)\.?)?",
    re.IGNORECASE,
)


def parse_notice(text: str) -> tuple[int, int | None]:
    """A notice period as (days, months): ``90``, ``90 Tage``, ``6 Wochen`` and ``3 months``
    (days, months None) or ``3 Monate`` (months kept as months; days counted as 30 each,
    the caller counts them from the renewal date when it has one)."""
    match = _NOTICE.fullmatch(text.strip())
    if match is None:
        raise CellError(f"“{text}” is not a notice period; write it like 90, 90 days or 3 months")
    number = int(match["number"])
    unit = (match["unit"] or "d").casefold().rstrip(".")
    if unit.startswith("m"):
        if not 0 <= number <= MAX_NOTICE_MONTHS:
            raise CellError(f"{number} months is out of range (0 to {MAX_NOTICE_MONTHS})")
        return number * 30, number
    days = number * 7 if unit.startswith("w") else number
    if days > MAX_NOTICE_DAYS:
        raise CellError(f"{days:,} days is out of range (0 to {MAX_NOTICE_DAYS:,})")
    return days, None


def split_tags(text: str) -> tuple[str, ...]:
    """Tags separated by ``;``, ``,`` or ``|``; repeats (in any case) are dropped."""
    tags: dict[str, str] = {}
    for part in re.split(r"[;,|]", text):
        tag = part.strip()
        if len(tag) > MAX_TAG_LENGTH:
            raise CellError(f"the tag “{tag}” is longer than {MAX_TAG_LENGTH} characters")
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return tuple(tags.values())


# Date shapes we read, each fixing the order of its numbers; a time may follow any of
# them, and after the time Z, UTC, GMT or an offset.
_TIME = (
    r"(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?)?"
)
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME)
_DOTTED = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})" + _TIME)
_SLASHED = re.compile(r"(?P<a>\d{1,2})[/-](?P<b>\d{1,2})[/-](?P<y>\d{4})" + _TIME)
_MONTH_NAMED = (
    re.compile(r"(?P<d>\d{1,2})[\s-][A-Za-z]{3,9}\.?,?[\s-](?P<y>\d{4})" + _TIME),
    re.compile(r"[A-Za-z]{3,9}\.?\s(?P<d>\d{1,2}),?\s(?P<y>\d{4})" + _TIME),
)
_TWO_DIGIT_YEAR = re.compile(
    r"(?:\d{1,2}[./-]\d{1,2}[./-]|\d{1,2}[\s-][A-Za-z]{3,9}[\s-])\d{2}(?:[\sT].*)?"
)
_UTC_NAMES = {"Z": UTC, "UTC": UTC, "GMT": UTC}
# Fills only what a shape lacks (the time, the zone); every shape has a full date.
_DEFAULT = datetime(2000, 1, 1, tzinfo=UTC)
_EXAMPLES = "2027-03-31, 31.03.2027, 31 Mar 2027 or 2024-03-14 10:22"
# A dotted date's two-digit year (31.03.27), as German spreadsheets write it: 1970–2069.
_CENTURY_PIVOT = 70


def slashed_order(text: str) -> bool | None:
    """Whether a slashed date can only be day-first (``31/3/2027``: True) or month-first
    (``3/31/2027``: False); None when it is either (``3/4/2027``) or not slashed."""
    match = _SLASHED.fullmatch(text.strip())
    if match is None:
        return None
    first, second = int(match["a"]), int(match["b"])
    if first > 12 >= second:
        return True
    if second > 12 >= first:
        return False
    return None


def parse_moment(text: str, *, dayfirst: bool) -> datetime:
    """A date, maybe with a time, as written; aware, in UTC unless the text names a zone."""
    month: str | None = None
    if match := _ISO.fullmatch(text):
        if match.end("d") == len(text):  # a plain ISO date, most cells of most files
            return _plain_iso_date(text, match)
        day, month, day_first = match["d"], match["m"], False
    elif match := _DOTTED.fullmatch(text):
        day, month, day_first = match["d"], match["m"], True
    elif match := _SLASHED.fullmatch(text):
        day, month = (match["a"], match["b"]) if dayfirst else (match["b"], match["a"])
        day_first = dayfirst
    elif match := (_MONTH_NAMED[0].fullmatch(text) or _MONTH_NAMED[1].fullmatch(text)):
        day, day_first = match["d"], False
    elif _TWO_DIGIT_YEAR.fullmatch(text):
        raise CellError(f"“{text}” has a two-digit year; write the year in full")
    else:
        raise CellError(f"“{text}” is not a date; write it like {_EXAMPLES}")
    year, written = int(match["y"]), text
    if len(match["y"]) == 2:  # only dotted dates: 31.03.27
        year += 1900 if year >= _CENTURY_PIVOT else 2000
        written = f"{match['d']}.{match['m']}.{year}{text[match.end('y') :]}"
    try:
        moment: datetime = dateutil_parse(
            written,
            dayfirst=day_first,
            yearfirst=match.re is _ISO,
            tzinfos=_UTC_NAMES,
            default=_DEFAULT,
        )
    except (ValueError, OverflowError) as exc:
        reason = str(exc).split(":")[0]
        raise CellError(f"“{text}” is not a valid date ({reason})") from None
    # dateutil swaps day and month when the other order is the only valid one
    # (13/3/2024 month-first); a file has one order, so that is an error, not a guess.
    if (moment.year, moment.day) != (year, int(day)) or (
        month is not None and moment.month != int(month)
    ):
        order = "day-first (D/M/YYYY)" if day_first else "month-first (M/D/YYYY)"
        raise CellError(f"“{text}” is not a valid {order} date")
    return moment


def _plain_iso_date(text: str, match: re.Match[str]) -> datetime:
    """``2027-03-31`` without dateutil, which costs a tenth of a large import."""
    try:
        return datetime(int(match["y"]), int(match["m"]), int(match["d"]), tzinfo=UTC)
    except ValueError as exc:
        raise CellError(f"“{text}” is not a valid date ({exc})") from None


def parse_date(text: str, *, dayfirst: bool) -> date:
    """A calendar date as written; a time after it is ignored, a zone does not move it."""
    return parse_moment(text, dayfirst=dayfirst).date()


def parse_datetime(text: str, *, dayfirst: bool) -> datetime:
    """An aware UTC instant; a date or time without a zone is taken as UTC."""
    return parse_moment(text, dayfirst=dayfirst).astimezone(UTC)


# Spreadsheets run a cell that starts with one of these as a formula. The writer puts an
# apostrophe before such a value (and before one starting with an apostrophe, so that
# the reader can tell the two apart); the reader takes exactly that apostrophe away.
_FORMULA_STARTS = frozenset("=+-@\t\r'")


def escape_formula(text: str) -> str:
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def unescape_formula(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] in _FORMULA_STARTS else text
