"""`renewals` windows and `notices`: what each reads, what it refuses, and the line a "Show
more" button carries reading back as the same list."""

from __future__ import annotations

import pytest

from bot.commands import Command, Notices, ParseError, Renewals
from bot.domain import RenewalPeriod
from bot.parser import parse_command
from bot.parser.lists import renewals_line
from tests.unit.test_parser import CONTEXT


def parse(text: str) -> Command | ParseError:
    return parse_command(text, CONTEXT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("renewals this month", Renewals(period=RenewalPeriod.THIS_MONTH)),
        ("renewals month", Renewals(period=RenewalPeriod.THIS_MONTH)),
        ("renewals This  Quarter", Renewals(period=RenewalPeriod.THIS_QUARTER)),
        ("renewals next quarter", Renewals(period=RenewalPeriod.NEXT_QUARTER)),
        ("renewals next 2 weeks", Renewals(within_days=14)),
        ("what are renewals next quarter?", Renewals(period=RenewalPeriod.NEXT_QUARTER)),
        ("notices", Notices()),
        ("notices?", Notices()),
        ("what's notices", Notices()),
        ("what are notices in 60 days?", Notices(within_days=60)),
        ("notices in 30 days", Notices(within_days=30)),
        ("notices within 2 weeks", Notices(within_days=14)),
        ("Notices 3 months", Notices(within_days=90)),
    ],
)
def test_windows(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("renewals next year", "next year"),
        ("renewals last quarter", "last quarter"),
        ("notices this quarter", "this quarter"),
        ("notices in 0 days", "in 0 days"),
        ("notices in 3661 days", "in 3661 days"),
        ("notices soon", "soon"),
    ],
)
def test_other_windows_are_refused_quoting_them(text: str, quoted: str) -> None:
    parsed = parse(text)
    assert isinstance(parsed, ParseError)
    assert f"“{quoted}”" in parsed.message and "in 30 days" in parsed.message


def test_renewals_name_their_calendar_windows_when_refusing() -> None:
    parsed = parse("renewals next year")
    assert isinstance(parsed, ParseError)
    assert "`this month`" in parsed.message and "`next quarter`" in parsed.message


@pytest.mark.parametrize(
    "command",
    [
        Renewals(),
        Renewals(within_days=30),
        Renewals(period=RenewalPeriod.THIS_MONTH),
        Renewals(period=RenewalPeriod.THIS_QUARTER),
        Renewals(period=RenewalPeriod.NEXT_QUARTER),
        Notices(),
        Notices(within_days=200),
    ],
)
def test_a_show_more_line_reads_back_as_the_same_list(command: Renewals | Notices) -> None:
    assert parse(renewals_line(command)) == command
