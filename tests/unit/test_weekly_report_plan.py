"""When the weekly report is due (``bot.nudges.weekly``), and how its setting is read."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.commands import ParseError, SetWeeklyReport
from bot.domain import Workspace
from bot.nudges.model import ItemKind, NudgeKind
from bot.nudges.weekly import report_channel, report_occasion, report_recipient
from bot.parser import parse_command
from tests.unit.test_parser import CONTEXT

BERLIN_MONDAYS = Workspace(
    team_id="T1",
    report_channel="C0LEADS",
    report_weekday=0,
    report_time=time(9, 0),
    report_timezone="Europe/Berlin",
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "due_at"),
    [
        ("2027-03-22T08:00:00+00:00", "2027-03-22T09:00:00+01:00"),  # winter: 09:00 is 08:00 UTC
        ("2027-03-29T07:00:00+00:00", "2027-03-29T09:00:00+02:00"),  # after the change: 07:00 UTC
        ("2027-03-29T15:30:00+00:00", "2027-03-29T09:00:00+02:00"),  # later that day: still
    ],
)
def test_the_report_is_due_at_its_local_time_across_a_dst_change(now: str, due_at: str) -> None:
    occasion = report_occasion(BERLIN_MONDAYS, at(now))
    assert occasion is not None
    assert occasion.deliver_after == at(due_at)
    assert occasion.kind is NudgeKind.WEEKLY_REPORT
    assert occasion.item_kind is ItemKind.REPORT
    assert occasion.recipient == "report:C0LEADS"


@pytest.mark.parametrize(
    "now",
    [
        "2027-03-29T06:59:00+00:00",  # 08:59 in Berlin (summer time)
        "2027-03-30T07:00:00+00:00",  # Tuesday: Monday's report was missed for the whole day
        "2027-03-28T08:00:00+00:00",  # Sunday
    ],
)
def test_the_report_is_not_due_before_its_time_or_on_another_day(now: str) -> None:
    assert report_occasion(BERLIN_MONDAYS, at(now)) is None


def test_one_key_a_week_whatever_the_hour() -> None:
    monday = report_occasion(BERLIN_MONDAYS, at("2027-03-29T07:00:00+00:00"))
    later = report_occasion(BERLIN_MONDAYS, at("2027-03-29T21:00:00+00:00"))
    next_week = report_occasion(BERLIN_MONDAYS, at("2027-04-05T07:00:00+00:00"))
    assert monday is not None and later is not None and next_week is not None
    assert monday.key == later.key == "report:2027-W13"
    assert next_week.key == "report:2027-W14"
    assert monday.item_id == 202713


def test_no_channel_no_report() -> None:
    off = Workspace(team_id="T1")
    assert report_occasion(off, at("2027-03-29T07:00:00+00:00")) is None


def test_a_report_recipient_is_apart_from_its_channel() -> None:
    assert report_channel(report_recipient("C0LEADS")) == "C0LEADS"
    assert report_channel("C0LEADS") is None
    assert report_channel("U0ALICE") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("settings workspace report <#C0LEADS|leads>", SetWeeklyReport("C0LEADS")),
        (
            "settings workspace report <#C0LEADS|leads> friday 16:30",
            SetWeeklyReport("C0LEADS", 4, time(16, 30)),
        ),
        ("settings workspace report <#C0LEADS> 8am tue", SetWeeklyReport("C0LEADS", 1, time(8))),
        ("settings workspace report off", SetWeeklyReport(None)),
    ],
)
def test_the_report_setting(line: str, expected: SetWeeklyReport) -> None:
    assert parse_command(line, CONTEXT) == expected


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("settings workspace report leads", "Which channel?"),
        ("settings workspace report <#C0LEADS|leads> someday", "“someday” as a day or a time"),
    ],
)
def test_an_unreadable_report_setting_says_why(line: str, says: str) -> None:
    parsed = parse_command(line, CONTEXT)
    assert isinstance(parsed, ParseError)
    assert says in parsed.message
