"""The rules of bot.dates, one table per rule, plus properties that hold for any input.

January 2027 for reading the tables:   Mo Tu We Th Fr Sa Su
                                                      1  2  3
                                        4  5  6  7  8  9 10
                                       11 12 13 14 15 16 17
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import (
    Direction,
    When,
    format_day,
    format_when,
    local_datetime,
    local_today,
    parse_when,
)
from bot.errors import DateParseError

FUTURE, PAST = Direction.FUTURE, Direction.PAST
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

WEDNESDAY = date(2027, 1, 6)
FRIDAY = date(2027, 1, 8)
SATURDAY = date(2027, 1, 9)
SUNDAY = date(2027, 1, 10)
MONDAY = date(2027, 1, 11)


def when(
    text: str,
    today: date = FRIDAY,
    direction: Direction = FUTURE,
    *,
    dayfirst: bool = False,
    tz: ZoneInfo = BERLIN,
) -> When:
    """Parse ``text`` at noon of ``today`` in ``tz``."""
    now = datetime.combine(today, time(12, 0), tzinfo=tz)
    return parse_when(text, now=now, tz=tz, direction=direction, dayfirst=dayfirst)


def day(
    text: str, today: date = FRIDAY, direction: Direction = FUTURE, *, dayfirst: bool = False
) -> date:
    return when(text, today, direction, dayfirst=dayfirst).day


def refusal(text: str, today: date = FRIDAY, direction: Direction = FUTURE) -> DateParseError:
    with pytest.raises(DateParseError) as caught:
        when(text, today, direction)
    return caught.value


# --- today, tomorrow, yesterday ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "direction", "expected"),
    [
        ("today", FUTURE, FRIDAY),
        ("today", PAST, FRIDAY),
        ("tomorrow", FUTURE, SATURDAY),
        ("yesterday", PAST, date(2027, 1, 7)),
        ("  ToMoRRoW  ", FUTURE, SATURDAY),
        ("TODAY", PAST, FRIDAY),
    ],
)
def test_named_days(text: str, direction: Direction, expected: date) -> None:
    assert day(text, FRIDAY, direction) == expected


# --- weekdays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "direction", "expected"),
    [
        # FUTURE on a Friday: "friday" and "next friday" are a week later, "this friday" is today.
        ("friday", FRIDAY, FUTURE, date(2027, 1, 15)),
        ("fri", FRIDAY, FUTURE, date(2027, 1, 15)),
        ("next friday", FRIDAY, FUTURE, date(2027, 1, 15)),
        ("this friday", FRIDAY, FUTURE, FRIDAY),
        # FUTURE on a Wednesday: all three are the coming Friday.
        ("friday", WEDNESDAY, FUTURE, FRIDAY),
        ("next friday", WEDNESDAY, FUTURE, FRIDAY),
        ("this friday", WEDNESDAY, FUTURE, FRIDAY),
        ("wednesday", WEDNESDAY, FUTURE, date(2027, 1, 13)),
        ("monday", FRIDAY, FUTURE, MONDAY),
        ("sunday", SATURDAY, FUTURE, SUNDAY),
        # PAST on a Friday: "friday" and "this friday" are today, "last friday" a week ago.
        ("friday", FRIDAY, PAST, FRIDAY),
        ("this friday", FRIDAY, PAST, FRIDAY),
        ("last friday", FRIDAY, PAST, date(2027, 1, 1)),
        # PAST on a Wednesday: all three are the Friday before.
        ("friday", WEDNESDAY, PAST, date(2027, 1, 1)),
        ("this friday", WEDNESDAY, PAST, date(2027, 1, 1)),
        ("last friday", WEDNESDAY, PAST, date(2027, 1, 1)),
        ("thursday", FRIDAY, PAST, date(2027, 1, 7)),
    ],
)
def test_weekdays(text: str, today: date, direction: Direction, expected: date) -> None:
    assert day(text, today, direction) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday", MONDAY),
        ("MON", MONDAY),
        ("tue", date(2027, 1, 12)),
        ("tues", date(2027, 1, 12)),
        ("Wed", date(2027, 1, 13)),
        ("thu", date(2027, 1, 14)),
        ("thurs", date(2027, 1, 14)),
        ("sat", SATURDAY),
        ("sun", SUNDAY),
        ("next  Monday", MONDAY),
    ],
)
def test_weekday_spellings(text: str, expected: date) -> None:
    assert day(text, FRIDAY, FUTURE) == expected


# --- a phrase that points the other way is refused --------------------------------------


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("last friday", FUTURE),
        ("yesterday", FUTURE),
        ("3 days ago", FUTURE),
        ("next friday", PAST),
        ("tomorrow", PAST),
        ("in 3 days", PAST),
        ("next week", PAST),
        ("next month", PAST),
    ],
)
def test_a_phrase_pointing_the_other_way_is_refused(text: str, direction: Direction) -> None:
    error = refusal(text, FRIDAY, direction)
    assert error.reason is not None
    assert ("past" if direction is FUTURE else "future") in error.reason


# --- counted spans ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("in 3 days", FRIDAY, date(2027, 1, 11)),
        ("in 1 day", FRIDAY, SATURDAY),
        ("in a week", FRIDAY, date(2027, 1, 15)),
        ("in one week", FRIDAY, date(2027, 1, 15)),
        ("in 2 weeks", FRIDAY, date(2027, 1, 22)),
        ("in 3 weeks", FRIDAY, date(2027, 1, 29)),
        ("in a month", FRIDAY, date(2027, 2, 8)),
        ("in 3 months", FRIDAY, date(2027, 4, 8)),
        ("in two months", FRIDAY, date(2027, 3, 8)),
        ("in 1 year", FRIDAY, date(2028, 1, 8)),
        ("in 999 days", FRIDAY, FRIDAY + timedelta(days=999)),
        # relativedelta keeps to the month's end: 31 Jan + 1 month is the last day of February.
        ("in 1 month", date(2027, 1, 31), date(2027, 2, 28)),
        ("in 1 month", date(2028, 1, 31), date(2028, 2, 29)),
        ("in 1 year", date(2028, 2, 29), date(2029, 2, 28)),
    ],
)
def test_in_a_count_of_days_weeks_months(text: str, today: date, expected: date) -> None:
    assert day(text, today, FUTURE) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("3 days ago", FRIDAY, date(2027, 1, 5)),
        ("1 day ago", FRIDAY, date(2027, 1, 7)),
        ("a week ago", FRIDAY, date(2027, 1, 1)),
        ("2 weeks ago", FRIDAY, date(2026, 12, 25)),
        ("a month ago", FRIDAY, date(2026, 12, 8)),
        ("1 month ago", date(2027, 3, 31), date(2027, 2, 28)),
    ],
)
def test_a_count_ago(text: str, today: date, expected: date) -> None:
    assert day(text, today, PAST) == expected


@pytest.mark.parametrize("text", ["in 0 days", "in 1000 days", "0 weeks ago"])
def test_counts_run_from_1_to_999(text: str) -> None:
    direction = PAST if text.endswith("ago") else FUTURE
    assert refusal(text, FRIDAY, direction).reason == "the number must be between 1 and 999"


# --- next week, next month, end of … ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("next week", WEDNESDAY, MONDAY),
        ("next week", SUNDAY, MONDAY),
        ("next week", MONDAY, date(2027, 1, 18)),
        ("next month", FRIDAY, date(2027, 2, 1)),
        ("next month", date(2027, 1, 31), date(2027, 2, 1)),
        ("next month", date(2027, 12, 15), date(2028, 1, 1)),
        ("next year", FRIDAY, date(2028, 1, 1)),
    ],
)
def test_next_week_month_year_start_the_period(text: str, today: date, expected: date) -> None:
    assert day(text, today, FUTURE) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 1, 31), date(2027, 1, 31)),  # on the 31st: today
        (date(2027, 1, 15), date(2027, 1, 31)),
        (date(2027, 4, 1), date(2027, 4, 30)),
        (date(2027, 2, 28), date(2027, 2, 28)),  # not a leap year: Feb 28 is the end
        (date(2028, 2, 28), date(2028, 2, 29)),  # leap year: one day more
        (date(2028, 2, 1), date(2028, 2, 29)),
    ],
)
def test_end_of_month(today: date, expected: date) -> None:
    assert day("end of month", today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 3, 31), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 6, 15), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2027, 9, 30)),
        (date(2027, 9, 30), date(2027, 9, 30)),
        (date(2027, 10, 1), date(2027, 12, 31)),
        (date(2027, 12, 31), date(2027, 12, 31)),
    ],
)
def test_end_of_quarter_is_the_calendar_quarters_last_day(today: date, expected: date) -> None:
    assert day("end of quarter", today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (MONDAY, date(2027, 1, 15)),
        (WEDNESDAY, FRIDAY),
        (FRIDAY, FRIDAY),  # on a Friday: today
        (SATURDAY, date(2027, 1, 15)),  # at the weekend: the Friday of the week ahead
        (SUNDAY, date(2027, 1, 15)),
    ],
)
def test_end_of_week_is_the_coming_friday(today: date, expected: date) -> None:
    assert day("end of week", today) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("end of year", date(2027, 12, 31)),
        ("End of the month", date(2027, 1, 31)),
        ("end of this quarter", date(2027, 3, 31)),
    ],
)
def test_end_of_spellings(text: str, expected: date) -> None:
    assert day(text, FRIDAY, PAST) == expected  # the same date in either direction
    assert day(text, FRIDAY, FUTURE) == expected


# --- calendar dates ---------------------------------------------------------------------

MARCH_31 = date(2027, 3, 31)


@pytest.mark.parametrize(
    "text",
    [
        "2027-03-31",
        "2027-3-31",
        "2027/03/31",
        "31 Mar 2027",
        "31 March 2027",
        "31 mar. 2027",
        "Mar 31",
        "march 31",
        "March 31, 2027",
        "March 31st 2027",
        "31st of March",
        "the 31st of march",
        "31.03.2027",
        "31.3.2027",
        "31.03.",
        "31.3.",
        "31.03.27",
        "31/03/2027",
        "03/31/2027",
        "31/3",
        "Wed 31 Mar 2027",
        "wed, 31 march",
    ],
)
def test_calendar_dates(text: str) -> None:
    assert day(text, FRIDAY, FUTURE) == MARCH_31
    assert day(text, FRIDAY, FUTURE, dayfirst=True) == MARCH_31


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("03/04/2027", False, date(2027, 3, 4)),
        ("03/04/2027", True, date(2027, 4, 3)),
        ("3/4/27", False, date(2027, 3, 4)),
        ("3/4/27", True, date(2027, 4, 3)),
        # A number above 12 can only be the day, whatever the setting.
        ("31/03/2027", False, MARCH_31),
        ("31/03/2027", True, MARCH_31),
        ("03/31/2027", True, MARCH_31),
        # Dots are always day first.
        ("03.04.2027", False, date(2027, 4, 3)),
        ("03.04.2027", True, date(2027, 4, 3)),
    ],
)
def test_slashes_follow_the_dayfirst_setting_dots_never_do(
    text: str, dayfirst: bool, expected: date
) -> None:
    assert day(text, dayfirst=dayfirst) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.1.00", date(2000, 1, 1)),
        ("31.12.99", date(2099, 12, 31)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2999-12-31", date(2999, 12, 31)),
        ("sept 3 2027", date(2027, 9, 3)),
        ("29 Feb 2028", date(2028, 2, 29)),
    ],
)
def test_calendar_date_edges(text: str, expected: date) -> None:
    assert day(text) == expected


@pytest.mark.parametrize(
    ("text", "today", "direction", "expected"),
    [
        # Before the date: FUTURE is this year's, PAST is last year's.
        ("31 Mar", date(2027, 3, 15), FUTURE, date(2027, 3, 31)),
        ("31 Mar", date(2027, 3, 15), PAST, date(2026, 3, 31)),
        # After the date: FUTURE is next year's, PAST is this year's.
        ("1 Mar", date(2027, 3, 15), FUTURE, date(2028, 3, 1)),
        ("1 Mar", date(2027, 3, 15), PAST, date(2027, 3, 1)),
        # On the date: today, either way.
        ("15.03.", date(2027, 3, 15), FUTURE, date(2027, 3, 15)),
        ("15.03.", date(2027, 3, 15), PAST, date(2027, 3, 15)),
        ("12/31", date(2027, 3, 15), PAST, date(2026, 12, 31)),
        # 29 February: the next or the last leap year's.
        ("29 Feb", date(2027, 3, 1), FUTURE, date(2028, 2, 29)),
        ("29 Feb", date(2027, 3, 1), PAST, date(2024, 2, 29)),
    ],
)
def test_a_date_without_a_year_is_the_next_or_the_last(
    text: str, today: date, direction: Direction, expected: date
) -> None:
    assert day(text, today, direction) == expected


# --- times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_day", "expected_time"),
    [
        ("tomorrow 15:00", SATURDAY, time(15, 0)),
        ("friday at 9:30", date(2027, 1, 15), time(9, 30)),
        ("mar 31 3pm", MARCH_31, time(15, 0)),
        ("next monday 10am", MONDAY, time(10, 0)),
        ("today 17:45", FRIDAY, time(17, 45)),
        ("Tomorrow 3 PM", SATURDAY, time(15, 0)),
        ("tomorrow 3:30p.m.", SATURDAY, time(15, 30)),
        ("tomorrow 12am", SATURDAY, time(0, 0)),
        ("tomorrow 12pm", SATURDAY, time(12, 0)),
        ("tomorrow 0:00", SATURDAY, time(0, 0)),
        ("tomorrow 23:59", SATURDAY, time(23, 59)),
        ("31.03. 8:05", MARCH_31, time(8, 5)),
        ("2027-03-31 08:05", MARCH_31, time(8, 5)),
        ("March 31, 2027, at 9am", MARCH_31, time(9, 0)),
        ("in 3 days 11:00", MONDAY, time(11, 0)),
        ("15:00", FRIDAY, time(15, 0)),  # a time alone is today
        ("at 3pm", FRIDAY, time(15, 0)),
    ],
)
def test_a_time_may_follow(text: str, expected_day: date, expected_time: time) -> None:
    parsed = when(text)
    assert (parsed.day, parsed.time_of_day) == (expected_day, expected_time)


def test_without_a_time_there_is_none() -> None:
    assert when("tomorrow").time_of_day is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("tomorrow 24:00", "hours go from 0 to 23"),
        ("tomorrow 25:00", "hours go from 0 to 23"),
        ("tomorrow 13pm", "with am or pm the hour is 1 to 12"),
        ("tomorrow 0am", "with am or pm the hour is 1 to 12"),
        ("tomorrow 9:60", "minutes go from 00 to 59"),
    ],
)
def test_impossible_times_are_refused(text: str, reason: str) -> None:
    assert refusal(text).reason == reason


# --- German and English month names, German counts ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "31. März 2027",
        "31. Mär 2027",
        "31. mär. 2027",
        "31.März 2027",
        "31 märz",
        "31. Maerz",
        "31. Mrz. 2027",
        "MÄRZ 31, 2027",
        "März 31",
        "Wed 31. März 2027",
    ],
)
def test_german_month_names(text: str) -> None:
    assert day(text, FRIDAY, FUTURE) == MARCH_31
    assert day(text, FRIDAY, FUTURE, dayfirst=True) == MARCH_31


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15. Januar 2027", date(2027, 1, 15)),
        ("15 Jan", date(2027, 1, 15)),
        ("15. Jänner", date(2027, 1, 15)),
        ("3. Mär", date(2027, 3, 3)),
        ("1. Mai", date(2027, 5, 1)),
        ("30. Juni 2027", date(2027, 6, 30)),
        ("3. Okt.", date(2027, 10, 3)),
        ("24. Dez", date(2027, 12, 24)),
        ("24. Dezember 2027 15:00", date(2027, 12, 24)),
        ("5 Sept", date(2027, 9, 5)),
        # A yearless date already past this year is next year's.
        ("7. Januar", date(2028, 1, 7)),
    ],
)
def test_month_names_and_abbreviations(text: str, expected: date) -> None:
    assert day(text, FRIDAY, FUTURE) == expected


@pytest.mark.parametrize(
    ("text", "direction", "expected"),
    [
        ("in 2 Wochen", FUTURE, date(2027, 1, 22)),
        ("in zwei Wochen", FUTURE, date(2027, 1, 22)),
        ("in einer Woche", FUTURE, date(2027, 1, 15)),
        ("in 3 Tagen", FUTURE, date(2027, 1, 11)),
        ("in 1 Tag", FUTURE, SATURDAY),
        ("in 1 Monat", FUTURE, date(2027, 2, 8)),
        ("in einem Monat", FUTURE, date(2027, 2, 8)),
        ("in 3 Monaten", FUTURE, date(2027, 4, 8)),
        ("in 1 Jahr", FUTURE, date(2028, 1, 8)),
        ("in 2 Jahren", FUTURE, date(2029, 1, 8)),
        ("in fünf Tagen", FUTURE, date(2027, 1, 13)),
        ("vor 3 Tagen", PAST, date(2027, 1, 5)),
        ("vor einer Woche", PAST, date(2027, 1, 1)),
    ],
)
def test_german_counts(text: str, direction: Direction, expected: date) -> None:
    assert day(text, FRIDAY, direction) == expected


@pytest.mark.parametrize(
    ("text", "direction", "reason"),
    [
        ("in 2 Wochen", PAST, "that is in the future, and this records what already happened"),
        ("vor 3 Tagen", FUTURE, "that is in the past, and this needs a date from today on"),
        ("31. Feb", FUTURE, "February has no day 31"),
        ("30. Februar 2027", FUTURE, "February 2027 has no day 30"),
        ("in 0 Wochen", FUTURE, "the number must be between 1 and 999"),
        ("15. Januarr 2027", FUTURE, None),
        ("in 2 Wochenn", FUTURE, None),
        ("März", FUTURE, None),  # a month is not a day
        ("15. Smarch", FUTURE, None),
        ("in zwo Wochen", FUTURE, None),
    ],
)
def test_german_forms_are_refused_with_the_input_quoted(
    text: str, direction: Direction, reason: str | None
) -> None:
    error = refusal(text, FRIDAY, direction)
    assert error.reason == reason
    assert f"“{text}”" in error.message


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "there is nothing to read"),
        ("   ", "there is nothing to read"),
        ("42", "a number on its own is not a date"),
        ("2027", "a number on its own is not a date"),
        ("31.02.2027", "February 2027 has no day 31"),
        ("29.02.2027", "February 2027 has no day 29"),
        ("31 Apr 2027", "April 2027 has no day 31"),
        ("31 feb", "February has no day 31"),
        ("31.13.2027", "there is no month 13"),
        ("13/13/2027", "there is no month 13"),
        ("32.01.2027", "no month has a day 32"),
        ("0.1.2027", "no month has a day 0"),
        ("next blursday", "“blursday” is not a day of the week"),
        ("1899-12-31", "the year must be between 1900 and 2999"),
        ("3000-01-01", "the year must be between 1900 and 2999"),
        ("in 999 years", "the year must be between 1900 and 2999"),
        ("Fri 31 Mar 2027", "31 Mar 2027 is a Wednesday, not a Friday"),
        ("x" * 101, "that is too long for a date"),
    ],
)
def test_refusals_say_why(text: str, reason: str) -> None:
    error = refusal(text)
    assert error.reason == reason
    assert error.text == text.strip()
    assert f"“{text.strip()}”" in error.message


@pytest.mark.parametrize(
    "text",
    [
        "31.3",  # no closing dot: a decimal number, not a date
        "31-03-2027",
        "friday 9",
        "tomorrow at",
        "mar 2027",
        "the day after tomorrow",
        "tomorrow morning",
        "sometime next week",
        "in 3 fortnights",
        "15:00 tomorrow",
        "2027-03-31T15:00",
        "tomorrow!",
        "next",
        "last week",
        "this month",
        "٣ days ago",  # Arabic-Indic digits are not read as numbers
    ],
)
def test_anything_else_is_refused_rather_than_guessed(text: str) -> None:
    refusal(text, FRIDAY, PAST)
    refusal(text, FRIDAY, FUTURE)


def test_the_text_is_kept_as_typed_but_stripped() -> None:
    assert when("  Next Friday 15:00 ").text == "Next Friday 15:00"


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("today", now=datetime(2027, 1, 8, 12), tz=BERLIN, direction=FUTURE)


# --- time zones: "today" is the caller's today ------------------------------------------


@pytest.mark.parametrize(
    ("now", "tz", "expected_today"),
    [
        # Late evening in UTC is already tomorrow in Tokyo.
        (datetime(2027, 1, 5, 23, 30, tzinfo=UTC), TOKYO, date(2027, 1, 6)),
        # Early morning in UTC is still yesterday in Los Angeles.
        (datetime(2027, 1, 6, 3, 0, tzinfo=UTC), LOS_ANGELES, date(2027, 1, 5)),
        (datetime(2027, 1, 6, 3, 0, tzinfo=UTC), UTC, date(2027, 1, 6)),
    ],
)
def test_today_is_the_date_in_the_callers_zone(
    now: datetime, tz: ZoneInfo, expected_today: date
) -> None:
    assert local_today(now, tz) == expected_today
    for text, offset in (("today", 0), ("tomorrow", 1)):
        parsed = parse_when(text, now=now, tz=tz, direction=FUTURE)
        assert parsed.day == expected_today + timedelta(days=offset)


# --- daylight saving: 09:00 stays 09:00 -------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "evening_before", "expected_utc"),
    [
        # Berlin springs forward on 2027-03-28: 09:00 CEST is 07:00 UTC.
        (BERLIN, datetime(2027, 3, 27, 21, 0), datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),
        (BERLIN, datetime(2027, 3, 26, 21, 0), datetime(2027, 3, 27, 8, 0, tzinfo=UTC)),
        # Berlin falls back on 2027-10-31: 09:00 CET is 08:00 UTC.
        (BERLIN, datetime(2027, 10, 30, 21, 0), datetime(2027, 10, 31, 8, 0, tzinfo=UTC)),
        (BERLIN, datetime(2027, 10, 29, 21, 0), datetime(2027, 10, 30, 7, 0, tzinfo=UTC)),
        # New York springs forward on 2027-03-14: 09:00 EDT is 13:00 UTC.
        (NEW_YORK, datetime(2027, 3, 13, 21, 0), datetime(2027, 3, 14, 13, 0, tzinfo=UTC)),
        (NEW_YORK, datetime(2027, 3, 12, 21, 0), datetime(2027, 3, 13, 14, 0, tzinfo=UTC)),
        # New York falls back on 2027-11-07: 09:00 EST is 14:00 UTC.
        (NEW_YORK, datetime(2027, 11, 6, 21, 0), datetime(2027, 11, 7, 14, 0, tzinfo=UTC)),
        (NEW_YORK, datetime(2027, 11, 5, 21, 0), datetime(2027, 11, 6, 13, 0, tzinfo=UTC)),
    ],
)
def test_tomorrow_at_nine_across_daylight_saving(
    tz: ZoneInfo, evening_before: datetime, expected_utc: datetime
) -> None:
    now = evening_before.replace(tzinfo=tz)
    at_nine = parse_when("tomorrow", now=now, tz=tz, direction=FUTURE).at(tz, time(9, 0))
    assert at_nine == expected_utc
    assert at_nine.utcoffset() == timedelta(0)
    assert at_nine.astimezone(tz).time() == time(9, 0)


def test_an_explicit_time_wins_over_the_default() -> None:
    at = when("tomorrow 15:00").at(BERLIN, time(9, 0))
    assert at == datetime(2027, 1, 9, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("local_day", "wall", "tz", "expected_utc", "expected_wall"),
    [
        # A time in the spring-forward gap moves forward by the gap.
        (date(2027, 3, 28), time(2, 30), BERLIN, datetime(2027, 3, 28, 1, 30), time(3, 30)),
        (date(2027, 3, 14), time(2, 30), NEW_YORK, datetime(2027, 3, 14, 7, 30), time(3, 30)),
        # An ambiguous fall-back time is its first occurrence (still summer time).
        (date(2027, 10, 31), time(2, 30), BERLIN, datetime(2027, 10, 31, 0, 30), time(2, 30)),
        (date(2027, 11, 7), time(1, 30), NEW_YORK, datetime(2027, 11, 7, 5, 30), time(1, 30)),
        # Either side of a change, nothing moves.
        (date(2027, 3, 28), time(3, 0), BERLIN, datetime(2027, 3, 28, 1, 0), time(3, 0)),
        (date(2027, 10, 31), time(3, 0), BERLIN, datetime(2027, 10, 31, 2, 0), time(3, 0)),
    ],
)
def test_local_datetime_in_gaps_and_overlaps(
    local_day: date, wall: time, tz: ZoneInfo, expected_utc: datetime, expected_wall: time
) -> None:
    instant = local_datetime(local_day, wall, tz)
    assert instant == expected_utc.replace(tzinfo=UTC)
    assert instant.tzinfo is UTC
    assert instant.astimezone(tz).time() == expected_wall


def test_local_datetime_ignores_a_fold_the_time_carries() -> None:
    second_reading = time(2, 30, fold=1)
    instant = local_datetime(date(2027, 10, 31), second_reading, BERLIN)
    assert instant == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


# --- showing dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "today", "shown"),
    [
        (date(2026, 12, 4), date(2026, 11, 30), "Fri 4 Dec"),
        (date(2027, 3, 31), date(2026, 11, 30), "Wed 31 Mar 2027"),
        (date(2027, 1, 1), FRIDAY, "Fri 1 Jan"),
        (MONDAY, FRIDAY, "Mon 11 Jan"),
        (date(2027, 9, 14), FRIDAY, "Tue 14 Sep"),
        (date(2027, 6, 17), FRIDAY, "Thu 17 Jun"),
        (date(2027, 5, 2), FRIDAY, "Sun 2 May"),
        (date(2026, 12, 31), FRIDAY, "Thu 31 Dec 2026"),
    ],
)
def test_format_day(d: date, today: date, shown: str) -> None:
    assert format_day(d, today=today) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("tomorrow", "Sat 9 Jan"),
        ("tomorrow 9am", "Sat 9 Jan 09:00"),
        ("2028-02-29 17:45", "Tue 29 Feb 2028 17:45"),
    ],
)
def test_format_when(text: str, shown: str) -> None:
    assert format_when(when(text), today=FRIDAY) == shown


# --- properties -------------------------------------------------------------------------

ZONES = st.sampled_from([UTC, BERLIN, NEW_YORK, TOKYO, LOS_ANGELES, ZoneInfo("Pacific/Kiritimati")])
NOWS = st.datetimes(
    min_value=datetime(1950, 1, 1), max_value=datetime(2900, 12, 31), timezones=st.just(UTC)
)
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31))
TOKENS = [
    *("next", "this", "last", "in", "ago", "end of", "at", "the", "of", "a", "one"),
    *("today", "tomorrow", "yesterday", "friday", "fri", "mon", "week", "weeks", "month"),
    *("days", "quarter", "year", "mar", "march", "feb", "sept", "st", "pm", "am", "p.m."),
    *("31", "29", "12", "13", "3", "0", "00", "2027", "27", "999", "1000", "24", "9"),
    *(".", "/", ":", "-", ",", " ", " ", " ", "\t", "\u00a0", "٣", "²"),
]
TOKEN_TEXT = st.lists(st.sampled_from(TOKENS), max_size=8).map("".join)


def _parse_or_refuse(
    text: str, now: datetime, tz: ZoneInfo, direction: Direction, df: bool
) -> None:
    try:
        parsed = parse_when(text, now=now, tz=tz, direction=direction, dayfirst=df)
    except DateParseError as error:
        assert error.text == text.strip()
        return
    assert parsed.text == text.strip()
    assert 1900 <= parsed.day.year <= 2999
    instant = parsed.at(tz, time(9, 0))
    assert instant.tzinfo is not None
    assert instant.utcoffset() == timedelta(0)


@settings(max_examples=300, deadline=None)
@given(st.text(), NOWS, ZONES, st.sampled_from(Direction), st.booleans())
def test_any_text_parses_or_is_refused_politely(
    text: str, now: datetime, tz: ZoneInfo, direction: Direction, dayfirst: bool
) -> None:
    _parse_or_refuse(text, now, tz, direction, dayfirst)


@settings(max_examples=300, deadline=None)
@given(TOKEN_TEXT, NOWS, ZONES, st.sampled_from(Direction), st.booleans())
def test_date_like_text_parses_or_is_refused_politely(
    text: str, now: datetime, tz: ZoneInfo, direction: Direction, dayfirst: bool
) -> None:
    _parse_or_refuse(text, now, tz, direction, dayfirst)


@settings(max_examples=200, deadline=None)
@given(DATES, DATES, st.sampled_from(Direction))
def test_a_shown_day_reads_back(d: date, today: date, direction: Direction) -> None:
    shown = format_day(d, today=today)
    # Without a year the direction decides, so only dates on its side of today come back.
    on_its_side = d >= today if direction is FUTURE else d <= today
    if d.year == today.year and not on_its_side:
        return
    assert day(shown, today, direction) == d


@settings(max_examples=200, deadline=None)
@given(DATES, st.booleans())
def test_numeric_dates_read_back(d: date, dayfirst: bool) -> None:
    assert day(f"{d.day}.{d.month}.{d.year}", dayfirst=dayfirst) == d
    assert day(d.isoformat(), dayfirst=dayfirst) == d
    slashed = f"{d.day}/{d.month}/{d.year}" if dayfirst else f"{d.month}/{d.day}/{d.year}"
    assert day(slashed, dayfirst=dayfirst) == d


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2900, 12, 31)), st.integers(0, 6))
def test_a_weekday_is_within_a_week_on_its_side(today: date, weekday: int) -> None:
    name = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[weekday]
    ahead = day(name, today, FUTURE)
    behind = day(name, today, PAST)
    assert ahead.weekday() == behind.weekday() == weekday
    assert 1 <= (ahead - today).days <= 7
    assert 0 <= (today - behind).days <= 6
    assert 1 <= (today - day(f"last {name}", today, PAST)).days <= 7
    assert 0 <= (day(f"this {name}", today, FUTURE) - today).days <= 6


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("in 3 days", True),
        ("in a week", True),
        ("in 2 weeks 15:00", True),
        ("tomorrow", False),
        ("monday", False),
        ("next week", False),
        ("2027-03-31", False),
        ("15:00", False),
    ],
)
def test_a_date_says_whether_it_was_counted_from_today(text: str, counted: bool) -> None:
    """A snooze by a count keeps the follow-up's time of day; one to a named day does not."""
    now = datetime(2027, 1, 6, 10, 0, tzinfo=UTC)
    assert parse_when(text, now=now, tz=BERLIN, direction=Direction.FUTURE).counted is counted
