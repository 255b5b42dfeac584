"""Follow-ups people type: never dropped silently in `log`, snoozes that keep the time of
day, and `done`/`cancel`/`snooze` with several numbers, all or nothing. Text in, database out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import Actor, FollowUp, FollowUpStatus
from bot.errors import RapportError
from bot.execute import Executed, NotUnderstood, run_text
from storage import models
from tests.integration.conftest import ALICE, BOB, EVE, NOW, Harness

# NOW is Wednesday 6 January 2027, 10:00 in Berlin (where Alice and Bob are).


def say(app: Harness, text: str, actor: Actor = ALICE, now: datetime = NOW) -> Executed:
    return app.read(actor.team_id, lambda w: run_text(w, actor, now, text))


def refused(app: Harness, text: str, actor: Actor = ALICE, now: datetime = NOW) -> RapportError:
    """The refusal of ``text``, having checked that it changed nothing at all."""
    before = app.snapshot()
    with pytest.raises(RapportError) as refusal:
        say(app, text, actor, now)
    assert app.snapshot() == before
    return refusal.value


def follow_up(app: Harness, number: int, team_id: str = "T1") -> FollowUp:
    found = app.read(team_id, lambda w: w.follow_ups.by_number(number))
    assert found is not None
    return found


@pytest.fixture
def acme(app: Harness) -> Harness:
    say(app, "add Initech")
    say(app, "add Acme Corp")
    return app


# --- a follow-up is never dropped silently ------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "log call with Initech: they want a discount. follow up nxt week: send revised quote",
        "log call with Initech: they want a discount. f/u tomorow",
        "log call with Initech: they want a discount. remind me fri-day: call back",
        "log call with Initech: notes\nfollow up friday\nmore notes",
    ],
)
def test_a_follow_up_not_understood_stores_nothing(acme: Harness, line: str) -> None:
    refusal = refused(acme, line)
    assert isinstance(refusal, NotUnderstood)
    assert "I logged nothing" in refusal.message
    assert refusal.parse_error.retype == line
    assert acme.count(models.InteractionRow) == 0
    assert acme.count(models.FollowUpRow) == 0


def test_f_u_and_remind_me_create_follow_ups(acme: Harness) -> None:
    short = say(acme, "log call with Initech: they want a discount. f/u tomorrow").value
    long = say(acme, "log call with Acme Corp: pricing. remind me friday: call back").value
    assert short.follow_up is not None and long.follow_up is not None  # type: ignore[attr-defined]
    tomorrow, friday = follow_up(acme, 1), follow_up(acme, 2)
    # No text of its own: the summary's first sentence. 09:00 Berlin is 08:00 UTC.
    assert (tomorrow.text, tomorrow.due_at) == (
        "they want a discount.",
        datetime(2027, 1, 7, 8, 0, tzinfo=UTC),
    )
    assert (friday.text, friday.due_at) == ("call back", datetime(2027, 1, 8, 8, 0, tzinfo=UTC))
    summaries = acme.read("T1", lambda w: [i.summary for i in w.interactions.all()])
    assert sorted(summaries) == ["pricing.", "they want a discount."]


def test_follow_up_words_inside_a_summary_log_it_as_written(acme: Harness) -> None:
    say(acme, "log call with Initech: we agreed to follow up with legal")
    assert acme.count(models.InteractionRow) == 1
    assert acme.count(models.FollowUpRow) == 0


# --- snooze keeps the time of day ---------------------------------------------------------


def test_snooze_by_days_keeps_the_time_of_day(acme: Harness) -> None:
    say(acme, "follow up Initech today 14:00: send the quote")
    say(acme, "snooze 1 for 2 days")
    # Wednesday 14:00 and two days: Friday 14:00 Berlin, 13:00 UTC (not 09:00).
    assert follow_up(acme, 1).snoozed_until == datetime(2027, 1, 8, 13, 0, tzinfo=UTC)
    say(acme, "snooze 1 in 1 week")
    assert follow_up(acme, 1).snoozed_until == datetime(2027, 1, 13, 13, 0, tzinfo=UTC)


def test_snooze_by_days_keeps_the_wall_clock_time_across_daylight_saving(acme: Harness) -> None:
    friday = datetime(2027, 3, 26, 9, 0, tzinfo=UTC)  # 10:00 CET
    say(acme, "follow up Initech today 14:00: call", now=friday)
    assert follow_up(acme, 1).due_at == datetime(2027, 3, 26, 13, 0, tzinfo=UTC)
    say(acme, "snooze 1 for 3 days", now=friday)
    # Monday 29 March, 14:00 CEST (summer time since Sunday): 12:00 UTC.
    assert follow_up(acme, 1).snoozed_until == datetime(2027, 3, 29, 12, 0, tzinfo=UTC)


def test_snooze_until_a_day_starts_the_owners_working_day(acme: Harness) -> None:
    say(acme, "settings hours 07:30-16:00", actor=BOB)
    say(acme, "follow up Initech for <@UBOB> today 14:00: send the quote")
    say(acme, "snooze 1 until monday")  # Alice moves Bob's follow-up
    # Monday 11 January at the start of Bob's day, 07:30 Berlin: 06:30 UTC.
    assert follow_up(acme, 1).snoozed_until == datetime(2027, 1, 11, 6, 30, tzinfo=UTC)
    say(acme, "snooze 1 until tuesday 16:15")  # a time given wins
    assert follow_up(acme, 1).snoozed_until == datetime(2027, 1, 12, 15, 15, tzinfo=UTC)


# --- several numbers, all or nothing ------------------------------------------------------


@pytest.fixture
def three(acme: Harness) -> Harness:
    for text in ("one", "two", "three"):
        say(acme, f"follow up Initech tomorrow 14:00: {text}")
    return acme


def test_done_and_cancel_with_several_numbers_change_each(three: Harness) -> None:
    done = say(three, "done 1 2").value
    assert [c.follow_up.number for c in done.changes] == [1, 2]  # type: ignore[attr-defined]
    assert [follow_up(three, n).status for n in (1, 2, 3)] == [
        FollowUpStatus.DONE,
        FollowUpStatus.DONE,
        FollowUpStatus.OPEN,
    ]
    say(three, "cancel #3")
    assert follow_up(three, 3).status is FollowUpStatus.CANCELLED
    actions = three.read("T1", lambda w: [(e.action, e.entity_id) for e in w.audit.all()])
    assert [a for a in actions if a[0] != "follow_up.create"][-3:] == [
        ("follow_up.done", "1"),
        ("follow_up.done", "2"),
        ("follow_up.cancel", "3"),
    ]


def test_snooze_with_several_numbers_moves_each(three: Harness) -> None:
    say(three, "snooze 1 3 until monday")
    monday = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    assert [follow_up(three, n).snoozed_until for n in (1, 2, 3)] == [monday, None, monday]
    say(three, "snooze 1, 2 for 2 days")
    # Each keeps its own time of day: #1 its Monday 09:00, #2 its 14:00; Friday both.
    assert follow_up(three, 1).snoozed_until == datetime(2027, 1, 8, 8, 0, tzinfo=UTC)
    assert follow_up(three, 2).snoozed_until == datetime(2027, 1, 8, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize("command", ["done", "cancel", "snooze"])
def test_an_unknown_number_refuses_the_whole_line_naming_it(three: Harness, command: str) -> None:
    tail = " until monday" if command == "snooze" else ""
    refusal = refused(three, f"{command} 1 42 2{tail}")
    assert "“42”" in refusal.message
    assert refusal.hint is not None and "Nothing was changed" in refusal.hint
    several = refused(three, f"{command} 1 42 43{tail}")
    assert "“#42, #43”" in several.message


def test_another_workspaces_number_is_unknown_here(three: Harness) -> None:
    say(three, "add Other Co", actor=EVE)
    for text in ("a", "b", "c", "d"):
        say(three, f"follow up Other Co tomorrow: {text}", actor=EVE)
    refusal = refused(three, "done 1 4")  # T2 has a #4; T1 has not
    assert "“4”" in refusal.message
    assert follow_up(three, 4, "T2").status is FollowUpStatus.OPEN


def test_a_closed_one_refuses_the_whole_line(three: Harness) -> None:
    say(three, "done 2")
    refusal = refused(three, "done 1 2 3")
    assert refusal.message == "Follow-up #2 is already done."
    say(three, "cancel 3")
    both = refused(three, "snooze 1 2 3 until monday")
    assert both.message == "Follow-ups #2 (done), #3 (cancelled) are already closed."
    assert follow_up(three, 1).snoozed_until is None


def test_a_snooze_one_of_them_cannot_take_refuses_the_whole_line(three: Harness) -> None:
    """Each is due at the start of its owner's day: Alice's 09:00 is still ahead at 08:45,
    Bob's 07:30 has passed. Then neither moves."""
    say(three, "settings hours 07:30-16:00", actor=BOB)
    say(three, "follow up Initech for <@UBOB> tomorrow: early")  # #4
    quarter_to_nine = datetime(2027, 1, 6, 7, 45, tzinfo=UTC)
    refusal = refused(three, "snooze 1 4 until today", now=quarter_to_nine)
    assert "isn't later than now" in refusal.message
    assert follow_up(three, 1).snoozed_until is None
    say(three, "snooze 1 until today", now=quarter_to_nine)
    assert follow_up(three, 1).snoozed_until == datetime(2027, 1, 6, 8, 0, tzinfo=UTC)
