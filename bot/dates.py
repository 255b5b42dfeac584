"""Dates as people type them ("next friday 15:00", "31.03.", "in 3 days", "15. Januar 2027",
"in 2 Wochen") and as the bot shows them.

Everything here is pure: the caller reads the clock once and passes ``now`` (aware) and the
user's zone, so a test, a ``--now`` preview and production give the same answer.

Each phrase is recognised by one of our own regular expressions first; only then does
python-dateutil convert what was recognised (``parser.parse`` for calendar dates,
``relativedelta`` for arithmetic). dateutil never sees unrecognised text and its fuzzy mode is
never used, so nothing is guessed: anything else is a ``DateParseError`` that quotes the input.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.parser import ParserError, parse, parserinfo
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from bot.errors import DateParseError

__all__ = [
    "Direction",
    "When",
    "format_day",
    "format_when",
    "is_known_zone",
    "local_datetime",
    "local_today",
    "parse_when",
]


class Direction(enum.Enum):
    """Which way an open-ended phrase ("friday", "31 Mar") points."""

    FUTURE = "future"  # follow-ups, snoozes, renewals: a yearless date is the next such date
    PAST = "past"  # log: a yearless date is the most recent such date


@dataclass(frozen=True, slots=True)
class When:
    """A parsed date: the calendar day in the caller's zone, maybe a time, and the text typed."""

    day: date
    time_of_day: time | None
    text: str
    # Counted from today ("in 3 days", "in 2 weeks") rather than named ("monday", "31 Mar"):
    # a snooze by a count moves a follow-up and keeps its time of day. How the date was said,
    # not which date it is, so not part of equality.
    counted: bool = field(default=False, compare=False)

    def at(self, tz: ZoneInfo, default_time: time) -> datetime:
        """Aware UTC instant: day at time_of_day (or default_time) in tz, DST-correct."""
        chosen = default_time if self.time_of_day is None else self.time_of_day
        return local_datetime(self.day, chosen, tz)


# English names whatever the server's locale: strftime's %a and %b follow the locale.
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_RELATIVE_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
_MIN_YEAR, _MAX_YEAR = 1900, 2999
_MAX_COUNT = 999
_MAX_LENGTH = 100  # far longer than any date; keeps hostile input cheap to refuse


def _spellings(names: tuple[str, ...], extra: dict[str, int]) -> dict[str, int]:
    """Full name and three-letter abbreviation (lower case) to index, plus common extras."""
    table = {name.lower(): i for i, name in enumerate(names)}
    table |= {name[:3].lower(): i for i, name in enumerate(names)}
    return table | extra


class _MonthNames(parserinfo):  # type: ignore[misc]  # dateutil ships no stubs here
    """English and German month names and abbreviations (dateutil's own, plus German)."""

    MONTHS = [  # noqa: RUF012 - parserinfo reads this class attribute by name
        ("Jan", "January", "Januar", "Jän", "Jänner"),
        ("Feb", "February", "Februar", "Feber"),
        ("Mar", "March", "Mär", "März", "Maerz", "Mrz"),
        ("Apr", "April"),
        ("May", "Mai"),
        ("Jun", "June", "Juni"),
        ("Jul", "July", "Juli"),
        ("Aug", "August"),
        ("Sep", "Sept", "September"),
        ("Oct", "October", "Okt", "Oktober"),
        ("Nov", "November"),
        ("Dec", "December", "Dez", "Dezember"),
    ]


_MONTHS = _MonthNames()
_MONTH_SPELLINGS = {name.lower() for names in _MonthNames.MONTHS for name in names}
_WEEKDAY_BY_NAME = _spellings(_WEEKDAY_NAMES, {"tues": 1, "thur": 3, "thurs": 3})
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNT_WORDS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_COUNT_WORDS |= {"ein": 1, "eine": 1, "einem": 1, "einer": 1, "einen": 1, "zwei": 2, "drei": 3}
_COUNT_WORDS |= {"vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
_COUNT_WORDS |= {"zehn": 10, "elf": 11, "zwölf": 12}
# Units of "in 3 days", "in 2 Wochen", "vor 3 Tagen", as relativedelta names them.
_UNITS = {
    **{"day": "days", "days": "days", "tag": "days", "tage": "days", "tagen": "days"},
    **{"week": "weeks", "weeks": "weeks", "woche": "weeks", "wochen": "weeks"},
    **{"month": "months", "months": "months", "monat": "months", "monate": "months"},
    **{"monaten": "months", "year": "years", "years": "years", "jahr": "years"},
    **{"jahre": "years", "jahren": "years"},
}
_NAMED_DAY_OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1}
# Day, month and year always reach dateutil together; this default only keeps it off the clock.
_NO_CLOCK = datetime(2000, 1, 1, tzinfo=UTC)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# Pieces of the patterns below; every pattern must match the whole (normalised) phrase.
_WD = _alternation(_WEEKDAY_BY_NAME)
_MON = _alternation(_MONTH_SPELLINGS)
_COUNT = rf"(?P<count>\d+|{_alternation(_COUNT_WORDS)}) (?P<unit>{_alternation(_UNITS)})"
# "Wed 31 Mar" is how the bot shows dates, so a copied date reads back; the weekday is checked.
_SAID_WEEKDAY = rf"(?:(?P<weekday>{_WD})\.?,? )?"
_DAY = r"(?:the )?(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_2_OR_4 = r"(?P<year>\d{4}|\d{2})"
_NAMED_YEAR = r"(?:,? (?P<year>\d{4}))?"
_ISO = (
    rf"{_SAID_WEEKDAY}(?P<year>\d{{4}})(?P<sep>[-/])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})"
)
# Dots are always day first. "31.03." needs its closing dot: "31.3" is a decimal number.
_DOTTED = rf"{_SAID_WEEKDAY}(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.{_YEAR_2_OR_4}?"
_SLASHED = rf"{_SAID_WEEKDAY}(?P<first>\d{{1,2}})/(?P<second>\d{{1,2}})(?:/{_YEAR_2_OR_4})?"
# "15 Jan", "15th of January", German "15. Januar 2027" and "3. Mär".
_DAY_MONTH_NAME = rf"{_SAID_WEEKDAY}{_DAY}(?: of |\. ?| )(?P<month>{_MON})\.?{_NAMED_YEAR}"
_MONTH_NAME_DAY = rf"{_SAID_WEEKDAY}(?P<month>{_MON})\.? {_DAY}{_NAMED_YEAR}"

_TIME = re.compile(
    r"(?:^|,? )(?:at )?(?P<hour>\d{1,2})(?=:| ?[ap]\.?m)"
    r"(?::(?P<minute>\d{2}))?(?: ?(?P<half>[ap])\.?m\.?)?$",
    re.ASCII,
)


class _Refusal(Exception):
    """Raised inside the module; ``parse_when`` turns it into a DateParseError quoting the input."""

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason


class _NoSuchDay(_Refusal):
    """The month exists but has no such day (31 Feb)."""


_POINTS_BACK = "that is in the past, and this needs a date from today on"
_POINTS_AHEAD = "that is in the future, and this records what already happened"
_YEAR_RANGE = f"the year must be between {_MIN_YEAR} and {_MAX_YEAR}"


@dataclass(frozen=True, slots=True)
class _Context:
    today: date
    direction: Direction
    dayfirst: bool

    @property
    def future(self) -> bool:
        return self.direction is Direction.FUTURE


def parse_when(
    text: str, *, now: datetime, tz: ZoneInfo, direction: Direction, dayfirst: bool = False
) -> When:
    """Read a date phrase, optionally followed by a time, relative to ``now`` in ``tz``.

    Raises DateParseError(text, reason) for any text it cannot read, and nothing else;
    a naive ``now`` is the caller's bug and a ValueError.
    """
    typed = text.strip()
    context = _Context(local_today(now, tz), direction, dayfirst)
    try:
        day, time_of_day, counted = _read(" ".join(typed.split()).lower(), context)
    except _Refusal as refusal:
        raise DateParseError(typed, refusal.reason) from None
    return When(day=day, time_of_day=time_of_day, text=typed, counted=counted)


def is_known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine's tz database knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """The calendar date in ``tz`` at the instant ``now``."""
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(tz).date()


def local_datetime(day: date, t: time, tz: ZoneInfo) -> datetime:
    """Aware UTC instant of the wall-clock time ``t`` on ``day`` in ``tz``."""
    # fold=0 is PEP 495's first reading: in a spring-forward gap it applies the offset from
    # before the change, so 02:30 lands on 03:30 (moved forward by the gap); in a fall-back
    # overlap it is the first of the two 02:30s.
    wall = datetime.combine(day, t.replace(fold=0), tzinfo=tz)
    return wall.astimezone(UTC)


def format_day(d: date, *, today: date) -> str:
    """Show a day as "Fri 4 Dec", with the year when it is not today's: "Wed 31 Mar 2027"."""
    shown = f"{_WEEKDAY_NAMES[d.weekday()][:3]} {d.day} {_MONTH_NAMES[d.month - 1][:3]}"
    return shown if d.year == today.year else f"{shown} {d.year}"


def format_when(when: When, *, today: date) -> str:
    """The day as format_day shows it, plus the time when one was given: "Fri 4 Dec 15:00"."""
    shown = format_day(when.day, today=today)
    t = when.time_of_day
    return shown if t is None else f"{shown} {t.hour:02d}:{t.minute:02d}"


def _read(phrase: str, context: _Context) -> tuple[date, time | None, bool]:
    """The day, the time if one was given, and whether the day was counted from today."""
    if not phrase:
        raise _Refusal("there is nothing to read")
    if len(phrase) > _MAX_LENGTH:
        raise _Refusal("that is too long for a date")
    date_part, time_of_day = _split_time(phrase)
    # A time on its own ("15:00", "at 3pm") is today at that time.
    day, counted = context.today, False
    if date_part:
        day, resolve = _read_day(date_part, context)
        counted = resolve is _in_count
    if not _MIN_YEAR <= day.year <= _MAX_YEAR:
        raise _Refusal(_YEAR_RANGE)
    return day, time_of_day, counted


def _split_time(phrase: str) -> tuple[str, time | None]:
    """Separate a trailing time ("15:00", "at 9:30", "3pm") from the date phrase before it."""
    found = _TIME.search(phrase)
    if found is None:
        return phrase, None
    hour, minute, half = int(found["hour"]), int(found["minute"] or 0), found["half"]
    if minute > 59:
        raise _Refusal("minutes go from 00 to 59")
    if half is None and hour > 23:
        raise _Refusal("hours go from 0 to 23")
    if half is not None:
        if not 1 <= hour <= 12:
            raise _Refusal("with am or pm the hour is 1 to 12")
        hour = hour % 12 + (12 if half == "p" else 0)  # 12am is midnight, 12pm noon
    return phrase[: found.start()], time(hour, minute)


def _read_day(phrase: str, context: _Context) -> tuple[date, _Resolver]:
    """The day, and the rule that read it."""
    for pattern, resolve in _RULES:
        found = pattern.fullmatch(phrase)
        if found is not None:
            return resolve(found, context), resolve
    raise _Refusal(_why_unreadable(phrase))


def _why_unreadable(phrase: str) -> str | None:
    if phrase.isascii() and phrase.isdigit():
        return "a number on its own is not a date"
    modified = re.fullmatch(r"(?:this|next|last) ([a-z]+)", phrase)
    if modified is not None and modified[1] not in {"week", "month", "quarter", "year"}:
        return f"“{modified[1]}” is not a day of the week"
    return None


# --- one resolver per rule; each gets the match and the context --------------------------


def _named_day(found: re.Match[str], context: _Context) -> date:
    word = found["word"]
    if word == "yesterday" and context.future:
        raise _Refusal(_POINTS_BACK)
    if word == "tomorrow" and not context.future:
        raise _Refusal(_POINTS_AHEAD)
    return _shifted(context.today, relativedelta(days=_NAMED_DAY_OFFSETS[word]))


def _weekday(found: re.Match[str], context: _Context) -> date:
    modifier = found["modifier"]
    weekday = _RELATIVE_WEEKDAYS[_WEEKDAY_BY_NAME[found["weekday"]]]
    if context.future:
        if modifier == "last":
            raise _Refusal(_POINTS_BACK)
        # "this friday" may be today; "friday" and "next friday" are strictly after today.
        skip = 0 if modifier == "this" else 1
        return _shifted(context.today, relativedelta(days=skip, weekday=weekday(+1)))
    if modifier == "next":
        raise _Refusal(_POINTS_AHEAD)
    # Looking back, "friday" may be today; "last friday" is strictly before today.
    skip = 1 if modifier == "last" else 0
    return _shifted(context.today, relativedelta(days=-skip, weekday=weekday(-1)))


def _in_count(found: re.Match[str], context: _Context) -> date:
    if not context.future:
        raise _Refusal(_POINTS_AHEAD)
    return _shifted(context.today, _span(found))


def _count_ago(found: re.Match[str], context: _Context) -> date:
    if context.future:
        raise _Refusal(_POINTS_BACK)
    return _shifted(context.today, -_span(found))


def _span(found: re.Match[str]) -> relativedelta:
    count_text = found["count"]
    count = _COUNT_WORDS.get(count_text) or int(count_text)
    if not 1 <= count <= _MAX_COUNT:
        raise _Refusal(f"the number must be between 1 and {_MAX_COUNT}")
    # relativedelta keeps month ends sensible: 31 Jan + 1 month is 28 (or 29) Feb.
    return relativedelta(**{_UNITS[found["unit"]]: count})


def _next_period(found: re.Match[str], context: _Context) -> date:
    if not context.future:
        raise _Refusal(_POINTS_AHEAD)
    start_of_next = {
        "week": relativedelta(days=1, weekday=MO(+1)),
        "month": relativedelta(months=1, day=1),
        "year": relativedelta(years=1, month=1, day=1),
    }
    return _shifted(context.today, start_of_next[found["period"]])


def _end_of(found: re.Match[str], context: _Context) -> date:
    today = context.today
    # The quarter's last month: March, June, September or December (calendar quarters).
    quarter_end_month = (today.month - 1) // 3 * 3 + 3
    end = {
        # The end of the working week: the coming Friday, today on a Friday, and after a
        # Friday (Saturday, Sunday) the Friday of the week ahead.
        "week": relativedelta(weekday=FR(+1)),
        "month": relativedelta(day=31),  # relativedelta clips 31 to the month's last day
        "quarter": relativedelta(month=quarter_end_month, day=31),
        "year": relativedelta(month=12, day=31),
    }
    return _shifted(today, end[found["period"]])


def _shifted(start: date, delta: relativedelta) -> date:
    try:
        moved: date = start + delta
    except (ValueError, OverflowError):
        raise _Refusal(_YEAR_RANGE) from None
    return moved


# --- calendar dates: ISO, dots, slashes, month names -------------------------------------


def _day_month(found: re.Match[str], context: _Context) -> date:
    return _calendar(found, found["day"], found["month"], context)


def _slashed(found: re.Match[str], context: _Context) -> date:
    first, second = found["first"], found["second"]
    # The workspace setting decides 03/04, but a number above 12 can only be the day.
    dayfirst = int(first) > 12 or (context.dayfirst and int(second) <= 12)
    day, month = (first, second) if dayfirst else (second, first)
    return _calendar(found, day, month, context)


def _calendar(found: re.Match[str], day_text: str, month_text: str, context: _Context) -> date:
    """The date named by day, month and the match's year (if any) and weekday (if any)."""
    day = int(day_text)
    named = None if month_text.isdigit() else _MONTHS.month(month_text)
    month = int(month_text) if named is None else named
    if not 1 <= month <= 12:
        raise _Refusal(f"there is no month {month}")
    if not 1 <= day <= 31:
        raise _Refusal(f"no month has a day {day}")
    year_text = found["year"]
    if year_text is None:
        resolved = _yearless(day, month, context)
    else:
        # A two-digit year is this century's; dateutil would pick the century by the clock.
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        resolved = _converted(day, month, year)
    _check_weekday(resolved, found["weekday"])
    return resolved


def _yearless(day: int, month: int, context: _Context) -> date:
    """The next such date on or after today (FUTURE), or the latest on or before it (PAST)."""
    step = 1 if context.future else -1
    for offset in range(9):  # 29 February comes round at least every eight years
        try:
            candidate = _converted(day, month, context.today.year + step * offset)
        except _NoSuchDay:
            continue
        if (candidate >= context.today) if context.future else (candidate <= context.today):
            return candidate
    raise _Refusal(f"{_MONTH_NAMES[month - 1]} has no day {day}")


def _converted(day: int, month: int, year: int) -> date:
    """dateutil's conversion of a recognised date; its complaint becomes a sentence."""
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _Refusal(_YEAR_RANGE)
    try:
        parsed: datetime = parse(f"{day} {month} {year}", dayfirst=True, default=_NO_CLOCK)
    except ParserError:
        # Month and day were checked above, so dateutil's "day is out of range for month"
        # is the only complaint left.
        raise _NoSuchDay(f"{_MONTH_NAMES[month - 1]} {year} has no day {day}") from None
    return parsed.date()


def _check_weekday(resolved: date, said: str | None) -> None:
    if said is not None and _WEEKDAY_BY_NAME[said] != resolved.weekday():
        said_name = _WEEKDAY_NAMES[_WEEKDAY_BY_NAME[said]]
        actual = _WEEKDAY_NAMES[resolved.weekday()]
        shown = f"{resolved.day} {_MONTH_NAMES[resolved.month - 1][:3]} {resolved.year}"
        raise _Refusal(f"{shown} is a {actual}, not a {said_name}")


_Resolver = Callable[[re.Match[str], _Context], date]
_RULES: tuple[tuple[re.Pattern[str], _Resolver], ...] = tuple(
    (re.compile(pattern, re.ASCII), resolve)
    for pattern, resolve in (
        (r"(?P<word>today|tomorrow|yesterday)", _named_day),
        (rf"(?:(?P<modifier>this|next|last) )?(?P<weekday>{_WD})", _weekday),
        (rf"in {_COUNT}", _in_count),
        (rf"{_COUNT} ago", _count_ago),
        (rf"vor {_COUNT}", _count_ago),
        (r"next (?P<period>week|month|year)", _next_period),
        (r"end of (?:the |this )?(?P<period>week|month|quarter|year)", _end_of),
        (_ISO, _day_month),
        (_DOTTED, _day_month),
        (_SLASHED, _slashed),
        (_DAY_MONTH_NAME, _day_month),
        (_MONTH_NAME_DAY, _day_month),
    )
)
