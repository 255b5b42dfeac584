"""Follow-ups as people type them, through signed requests and the fake Slack: a follow-up
never dropped silently, snoozes that keep the time of day, several numbers at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.fakeslack import requests as r
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack

# NOW is Wednesday 6 January 2027, 10:00 in Berlin, where Alice is.
INITECH = "log call with Initech: they want a discount. follow up nxt week: send revised quote"


def _code_blocks(answer: dict[str, object]) -> list[str]:
    blocks = answer["blocks"]
    assert isinstance(blocks, list)
    return [b["text"]["text"] for b in blocks if "```" in b.get("text", {}).get("text", "")]


def test_a_follow_up_with_an_unreadable_date_stores_nothing_and_repeats_the_line(
    slack: Slack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Initech"))
    before = app_db.snapshot()
    answer = slack.answer(slack.command(INITECH))
    assert answer["response_type"] == "ephemeral"
    assert "I logged nothing" in answer["text"]
    assert "“nxt week”" in answer["text"]
    assert "`next friday 15:00`" in answer["text"]  # the date examples
    [copy] = _code_blocks(answer)
    assert copy.endswith(f"```/crm {INITECH}```")
    assert app_db.snapshot() == before
    assert app_db.count(models.InteractionRow) == 0


def test_the_same_refusal_in_a_direct_message(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Initech"))
    before = app_db.snapshot()
    slack.send(r.direct_message("log call with Initech: pricing. f/u tomorow"))
    [answer] = slack.posted()
    assert "“tomorow”" in answer["text"]
    assert "```/crm log call with Initech: pricing. f/u tomorow```" in json.dumps(answer["blocks"])
    assert app_db.snapshot() == before


def test_f_u_and_remind_me_set_follow_ups(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Initech"))
    short = slack.answer(slack.command("log call with Initech: they want a discount. f/u tomorrow"))
    assert "follow-up *#1*" in short["text"]
    long = slack.answer(
        slack.command("log call with Initech: pricing. remind me friday: call back")
    )
    assert "follow-up *#2*" in long["text"] and "call back" in long["text"]
    assert app_db.count(models.FollowUpRow) == 2
    assert app_db.count(models.InteractionRow) == 2


def test_snooze_for_days_keeps_the_time_and_until_a_day_starts_the_working_day(
    slack: Slack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Initech"))
    slack.answer(slack.command("follow up Initech today 14:00: send the quote"))
    moved = slack.answer(slack.command("snooze 1 for 2 days"))
    assert "Fri 8 Jan 14:00" in moved["text"]
    follow_up = app_db.read(r.TEAM, lambda w: w.follow_ups.by_number(1))
    assert follow_up is not None
    assert follow_up.snoozed_until == datetime(2027, 1, 8, 13, 0, tzinfo=UTC)
    slack.answer(slack.command("snooze 1 until monday"))
    follow_up = app_db.read(r.TEAM, lambda w: w.follow_ups.by_number(1))
    assert follow_up is not None
    assert follow_up.snoozed_until == datetime(2027, 1, 11, 8, 0, tzinfo=UTC)  # 09:00 Berlin


def test_several_numbers_are_all_changed_or_none(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Initech"))
    for text in ("one", "two", "three"):
        slack.answer(slack.command(f"follow up Initech tomorrow: {text}"))
    before = app_db.snapshot()
    refused = slack.answer(slack.command("done 1 7 2"))
    assert "“7”" in refused["text"] and "Nothing was changed" in refused["text"]
    assert app_db.snapshot() == before
    done = slack.answer(slack.command("done 1 2"))
    assert done["text"].splitlines()[0] == "Done 2 follow-ups:"
    assert "*#1* one" in done["text"] and "*#2* two" in done["text"]
    snoozed = slack.answer(slack.command("snooze 3 1 until monday"))
    assert "already done" in snoozed["text"]
    statuses = app_db.read(r.TEAM, lambda w: [f.status.value for f in w.follow_ups.all()])
    assert sorted(statuses) == ["done", "done", "open"]
