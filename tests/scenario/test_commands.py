"""`/crm`, @mentions and DMs: the whole grammar through the real app and the fake Slack."""

from __future__ import annotations

import json

import pytest

from bot.fakeslack import requests as r
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack


def text_of(answer: dict[str, object]) -> str:
    return json.dumps(answer)


GRAMMAR = [
    "help",
    "help log",
    "add Acme Corp as customer owner <@UALICE> tier gold every 2 weeks",
    "add Globex as partner",
    "rename Globex to Globex Corp",
    "tag Acme Corp emea",
    "untag Acme Corp emea",
    "status Acme Corp at risk",
    "contract Acme Corp: 24000 EUR renews 2027-03-31 notice 60 days",
    "log call with Acme Corp: discussed Q3 pricing. follow up next friday: send the proposal",
    "log meeting with Acme Corp yesterday: QBR, they want SSO",
    "follow up Globex Corp in 3 days: check the pilot numbers",
    "follow up Globex Corp for <@UBOB> tomorrow: intro",
    "snooze 1 until monday",
    "done 2",
    "cancel 3",
    "find acme",
    "show acme corp",
    "history Acme Corp 3",
    "who owns Acme Corp",
    "assign Globex Corp <@UBOB>",
    "contact Acme Corp: Jane Doe, CTO, jane@acme.example, +49 30 1234567",
    "mine",
    "overdue",
    "overdue all",
    "overdue <@UBOB>",
    "due today",
    "due this week",
    "renewals",
    "renewals in 30 days",
    "renewals this quarter",
    "stale",
    "stale all",
    "accounts",
    "accounts all partner",
    "accounts <@UBOB> tier gold at risk",
    "renewed Acme Corp",
    "settings",
    "settings timezone Europe/Berlin",
    "settings digest 08:30",
    "settings nudges instant",
    "settings workdays mon-fri",
    "settings hours 08:00-18:00",
    "archive Globex Corp",
    "churned Acme Corp",
]


def test_the_whole_grammar_answers_through_the_slash_command(slack: Slack, app_db: Harness) -> None:
    for line in GRAMMAR:
        answer = slack.answer(slack.command(line))
        assert answer["response_type"] == "ephemeral", line
        assert answer["blocks"], line
        assert "⚠️" not in text_of(answer) and "couldn" not in answer["text"].lower(), (
            line,
            answer["text"],
        )
    assert app_db.count(models.InteractionRow) == 2
    assert app_db.count(models.FollowUpRow) == 3


def test_a_mention_answers_in_the_thread(slack: Slack, app_db: Harness) -> None:
    slack.send(r.mention("add Acme Corp"))
    slack.send(r.mention("show acme corp", channel="C0001"))
    [first, second] = slack.posted()
    assert first["channel"] == "C0001" and first["thread_ts"]
    assert "Acme Corp" in second["text"]


def test_a_direct_message_answers_in_the_dm(slack: Slack, app_db: Harness) -> None:
    slack.send(r.direct_message("add Acme Corp"))
    slack.send(r.direct_message("log call with Acme Corp: hello"))
    assert [p["channel"] for p in slack.posted()] == ["DUALICE", "DUALICE"]
    assert all(call.ok for call in slack.fake.calls_to("chat.postMessage"))
    assert app_db.count(models.InteractionRow) == 1


def test_the_bots_own_messages_are_ignored(slack: Slack, app_db: Harness) -> None:
    slack.send(r.direct_message("add Acme Corp", bot=True))
    assert slack.posted() == []
    assert app_db.count(models.AccountRow) == 0


def test_a_retried_event_never_logs_twice(slack: Slack, app_db: Harness) -> None:
    slack.send(r.direct_message("add Acme Corp"))
    first = r.direct_message("log call with Acme Corp: once", event_id="Ev0RETRY")
    retry = r.direct_message("log call with Acme Corp: once", event_id="Ev0RETRY", retry=1)
    assert slack.send(first).status == 200
    assert slack.send(retry).status == 200
    assert app_db.count(models.InteractionRow) == 1
    assert len(slack.posted()) == 2  # one answer for the add, one for the log


BAD_INPUT = [
    ("frobnicate Acme", "don't understand"),
    ("show Acme Crop", "Did you mean"),
    ("follow up Acme Corp next blursday: x", "blursday"),
    ("follow up Acme Corp 31.02.2027: x", "no day 31"),
    ("done 999", "999"),
    ("log call with Acme Corp: " + "x" * 10_001, "10,000"),
]


@pytest.mark.parametrize(("line", "expected"), BAD_INPUT)
def test_bad_input_gets_a_clear_ephemeral_answer(
    slack: Slack, app_db: Harness, line: str, expected: str
) -> None:
    slack.answer(slack.command("add Acme Corp"))
    before = app_db.snapshot()
    answer = slack.answer(slack.command(line))
    assert answer["response_type"] == "ephemeral"
    assert expected in text_of(answer)
    assert "Traceback" not in text_of(answer)
    assert app_db.snapshot() == before


def test_refusals_in_a_channel_mention_are_ephemeral(slack: Slack, app_db: Harness) -> None:
    slack.send(r.mention("show Nobody Inc"))
    assert slack.posted() == []
    [ephemeral] = slack.posted("chat.postEphemeral")
    assert ephemeral["user"] == "UALICE"


def test_user_text_is_escaped_so_nobody_is_pinged(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add <!channel> & <@UBOB> Ltd"))
    answer = slack.answer(slack.command("log note with <!channel> & <@UBOB> Ltd: ping <!here>"))
    shown = text_of(answer)
    assert "<!channel>" not in shown and "<!here>" not in shown
    assert "&lt;!channel&gt;" in shown


def test_each_request_is_scoped_to_its_workspace(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Acme Corp"))
    answer = slack.answer(slack.command("show Acme Corp", team="T0002"))
    assert "don't know" in text_of(answer)
    assert app_db.read("T0002", lambda w: w.accounts.names()) == []


def test_the_callers_zone_comes_from_users_info_and_is_cached(
    slack: Slack, app_db: Harness
) -> None:
    slack.answer(slack.command("add Acme Corp", user="UBOB"))
    slack.answer(slack.command("follow up Acme Corp tomorrow: call", user="UBOB"))
    slack.answer(slack.command("mine", user="UBOB"))
    assert len(slack.fake.calls_to("users.info")) == 1
    follow_up = app_db.read(r.TEAM, lambda w: w.follow_ups.by_number(1))
    assert follow_up is not None
    # Bob is in New York: tomorrow 09:00 there is 14:00 UTC.
    assert follow_up.due_at.hour == 14


def test_admins_come_from_settings(slack: Slack, app_db: Harness) -> None:
    refused = slack.answer(slack.command("settings workspace dayfirst on", user="UBOB"))
    assert "admin" in text_of(refused)
    allowed = slack.answer(slack.command("settings workspace dayfirst on", user="UADMIN"))
    assert "⚠️" not in text_of(allowed)


def test_a_change_refreshes_the_users_home(slack: Slack, app_db: Harness) -> None:
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("show Acme Corp"))
    assert [c.args["user_id"] for c in slack.fake.calls_to("views.publish")] == ["UALICE"]
