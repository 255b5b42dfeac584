"""Logging touches (cadence reset, follow-up tails) and the follow-up life cycle."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain import MAX_SUMMARY_LENGTH, FollowUpStatus, InteractionKind, UserPreferences
from bot.errors import FollowUpNotFound, InvalidInput, NothingToDo
from bot.services import accounts, follow_ups, interactions, settings
from bot.services.interactions import first_sentence
from tests.integration.conftest import ALICE, BOB, EVE, NOW, Harness, when


@pytest.fixture
def acme(app: Harness) -> int:
    return app.run(ALICE, accounts.add_account, NOW, name="Acme Corp").id


def test_logging_resets_next_touch_due_for_any_teammate(app: Harness, acme: int) -> None:
    logged = app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account="acme corp",
        kind=InteractionKind.CALL,
        summary="Discussed pricing.",
    )
    assert logged.account.last_touch_at == NOW
    assert logged.account.next_touch_due == NOW + timedelta(days=30)
    later = NOW + timedelta(days=3)
    logged = app.run(
        BOB,
        interactions.log_interaction,
        later,
        account="Acme Corp",
        kind=InteractionKind.EMAIL,
        summary="Sent the deck.",
    )
    assert logged.account.next_touch_due == later + timedelta(days=30)
    actions = [e.action for e in app.read("T1", lambda w: w.audit.all())]
    assert actions.count("interaction.create") == 2
    assert actions.count("account.touch") == 2


def test_a_late_log_for_an_earlier_day_does_not_move_the_last_touch_back(
    app: Harness, acme: int
) -> None:
    app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account="Acme Corp",
        kind=InteractionKind.CALL,
        summary="Today's call.",
    )
    logged = app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account="Acme Corp",
        kind=InteractionKind.MEETING,
        summary="Last week's meeting.",
        when=when("last monday", past=True),
    )
    assert logged.account.last_touch_at == NOW
    # Noon Berlin on Monday 4 January.
    assert logged.interaction.occurred_at == datetime(2027, 1, 4, 11, 0, tzinfo=UTC)


def test_log_with_a_follow_up_takes_the_first_sentence_and_starts_the_working_day(
    app: Harness, acme: int
) -> None:
    logged = app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account="Acme Corp",
        kind=InteractionKind.CALL,
        summary="Discussed Q3 pricing. They want a discount!",
        follow_up_when=when("next friday"),
    )
    assert logged.follow_up is not None
    follow_up = logged.follow_up.follow_up
    assert follow_up.text == "Discussed Q3 pricing."
    assert follow_up.number == 1
    # Friday 8 January, 09:00 in Berlin (UTC+1).
    assert follow_up.due_at == datetime(2027, 1, 8, 8, 0, tzinfo=UTC)
    assert follow_up.owner_id == "UALICE"


def test_a_follow_up_starts_at_the_owners_own_working_hours(app: Harness, acme: int) -> None:
    app.run(
        BOB, settings.update_preferences, NOW, hours_start=time(7, 30), timezone="America/New_York"
    )
    change = app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account="Acme Corp",
        when=when("tomorrow"),
        text="Call back",
        owner_id="UBOB",
    )
    # Thursday 7 January at 07:30 in New York (UTC-5): the date as Alice typed it.
    assert change.follow_up.due_at == datetime(2027, 1, 7, 12, 30, tzinfo=UTC)


def test_summaries_over_the_limit_are_refused_and_nothing_is_stored(
    app: Harness, acme: int
) -> None:
    before = app.snapshot()
    with pytest.raises(InvalidInput) as refused:
        app.run(
            ALICE,
            interactions.log_interaction,
            NOW,
            account="Acme Corp",
            kind=InteractionKind.NOTE,
            summary="x" * (MAX_SUMMARY_LENGTH + 1),
        )
    assert "10,000" in refused.value.message
    with pytest.raises(InvalidInput):
        app.run(
            ALICE,
            interactions.log_interaction,
            NOW,
            account="Acme Corp",
            kind=InteractionKind.NOTE,
            summary="  ",
        )
    assert app.snapshot() == before


def test_logging_the_future_is_refused(app: Harness, acme: int) -> None:
    before = app.snapshot()
    with pytest.raises(InvalidInput):
        app.run(
            ALICE,
            interactions.log_interaction,
            NOW,
            account="Acme Corp",
            kind=InteractionKind.CALL,
            summary="x",
            when=when("tomorrow"),
        )
    assert app.snapshot() == before


def test_a_refused_follow_up_tail_stores_no_interaction_either(app: Harness, acme: int) -> None:
    before = app.snapshot()
    with pytest.raises(InvalidInput):
        app.run(
            ALICE,
            interactions.log_interaction,
            NOW,
            account="Acme Corp",
            kind=InteractionKind.CALL,
            summary="Call.",
            follow_up_when=when("2026-12-01"),
        )
    assert app.snapshot() == before


def test_follow_up_numbers_are_short_and_per_workspace(app: Harness, acme: int) -> None:
    first = app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account="Acme Corp",
        when=when("in 3 days"),
        text="one",
    )
    second = app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account="Acme Corp",
        when=when("in 4 days"),
        text="two",
    )
    app.run(EVE, accounts.add_account, NOW, name="Other Co")
    elsewhere = app.run(
        EVE,
        follow_ups.create_follow_up,
        NOW,
        account="Other Co",
        when=when("tomorrow"),
        text="three",
    )
    assert (first.follow_up.number, second.follow_up.number) == (1, 2)
    assert elsewhere.follow_up.number == 1


def test_done_snooze_cancel(app: Harness, acme: int) -> None:
    number = app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account="Acme Corp",
        when=when("tomorrow"),
        text="Send the proposal",
    ).follow_up.number
    snoozed = app.run(BOB, follow_ups.snooze_follow_up, NOW, number, when("monday"))
    # Monday 11 January, 09:00 Berlin.
    assert snoozed.follow_up.snoozed_until == datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    assert snoozed.follow_up.effective_due == snoozed.follow_up.snoozed_until
    done = app.run(BOB, follow_ups.complete_follow_up, NOW, number)
    assert done.follow_up.status is FollowUpStatus.DONE
    assert (done.follow_up.completed_by, done.follow_up.completed_at) == ("UBOB", NOW)
    with pytest.raises(NothingToDo):
        app.run(BOB, follow_ups.complete_follow_up, NOW, number)
    with pytest.raises(NothingToDo):
        app.run(BOB, follow_ups.cancel_follow_up, NOW, number)
    other = app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account="Acme Corp",
        when=when("tomorrow"),
        text="Maybe",
    ).follow_up.number
    cancelled = app.run(ALICE, follow_ups.cancel_follow_up, NOW, other)
    assert cancelled.follow_up.status is FollowUpStatus.CANCELLED
    actions = [e.action for e in app.read("T1", lambda w: w.audit.for_entity("follow_up", number))]
    assert actions == ["follow_up.create", "follow_up.snooze", "follow_up.done"]


def test_unknown_follow_up_numbers_and_past_dates_are_refused(app: Harness, acme: int) -> None:
    with pytest.raises(FollowUpNotFound):
        app.run(ALICE, follow_ups.complete_follow_up, NOW, 42)
    number = app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account="Acme Corp",
        when=when("tomorrow"),
        text="x",
    ).follow_up.number
    before = app.snapshot()
    with pytest.raises(InvalidInput):
        app.run(ALICE, follow_ups.snooze_follow_up, NOW, number, when("today"))
    with pytest.raises(InvalidInput):
        app.run(
            ALICE,
            follow_ups.create_follow_up,
            NOW,
            account="Acme Corp",
            when=when("2026-12-24"),
            text="too late",
        )
    assert app.snapshot() == before


def test_preferences_change_and_are_audited(app: Harness) -> None:
    saved = app.run(ALICE, settings.update_preferences, NOW, digest_time=time(8, 30))
    assert saved == UserPreferences(team_id="T1", user_id="UALICE", digest_time=time(8, 30))
    with pytest.raises(InvalidInput):
        app.run(ALICE, settings.update_preferences, NOW, timezone="Mars/Olympus")
    with pytest.raises(InvalidInput):
        app.run(ALICE, settings.update_preferences, NOW, hours_start=time(19, 0))
    actions = [e.action for e in app.read("T1", lambda w: w.audit.all())]
    assert actions == ["user.settings"]


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("Discussed Q3 pricing. follow up", "Discussed Q3 pricing."),
        ("They want SSO", "They want SSO"),
        ("Line one\nline two", "Line one"),
        ("Wow! Great call.", "Wow!"),
        ("v1.2 is out. Next", "v1.2 is out."),
    ],
)
def test_first_sentence(summary: str, expected: str) -> None:
    assert first_sentence(summary) == expected
