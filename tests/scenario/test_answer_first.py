"""The answer never waits for Slack, and a delivery Slack makes twice is handled once.

Every kind of request is answered from the database alone: the Web API calls it leads to
(posts, modals, the Home tab, profile look-ups) are left for after the answer. A replayed
signed request (same signature, within the five minutes it is accepted) changes nothing again.
"""

from __future__ import annotations

import json

import pytest

from bot.fakeslack import requests as r
from bot.fakeslack.requests import SignedRequest
from bot.render import ids
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack
from tests.scenario.test_interactive import _actions, _state


def _web_api_calls(slack: Slack) -> list[str]:
    """Calls made for requests (the app's start-up auth.test aside)."""
    return [c.method for c in slack.fake.calls if c.method != "auth.test"]


@pytest.fixture
def known(slack: Slack) -> Slack:
    """Alice has used Rapport before (so Slack told it her zone); Acme Corp has follow-up #1."""
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("follow up Acme Corp tomorrow: send the deck"))
    slack.fake.clear_calls()
    return slack


def _requests(slack: Slack, account_id: str) -> dict[str, SignedRequest]:
    answer = slack.fake.messages("DUALICE")  # nothing yet: Alice asks in a DM first
    assert answer == []
    slack.send(r.direct_message("show Acme Corp"))
    card = slack.fake.messages("DUALICE")[-1]
    message = {"ts": card.ts, "blocks": card.blocks, "text": card.text}
    block = _actions(card, ids.FOLLOW_UP_BLOCK_PREFIX)
    original = slack.fake.add_user_message("C0001", "UBOB", "they want a discount")
    slack.fake.clear_calls()
    return {
        "command": slack.command("show Acme Corp"),
        "newcomer's command": slack.command("add Globex", user="UBOB"),
        "mention": r.mention("show Acme Corp"),
        "direct message": r.direct_message("show Acme Corp"),
        "button": r.button(
            ids.FOLLOW_UP_SNOOZE_DAY, "1", block_id=block["block_id"], message=message
        ),
        "log a touch": r.button(ids.LOG_TOUCH, account_id, message=message),
        "message shortcut": r.message_shortcut(original.text, ts=original.ts),
        "global shortcut": r.global_shortcut(),
        "modal": r.view_submission(_state(account_id, "met at the fair")),
        "picker": r.options(ids.ACCOUNT_SELECT, "acme"),
        "home opened": r.home_opened(),
    }


# What each request leads to after its answer (the answer itself is the HTTP body).
AFTER_THE_ANSWER = {
    "command": set(),
    "newcomer's command": {"users.info", "response_url", "views.publish"},
    "mention": {"chat.postMessage"},
    "direct message": {"chat.postMessage"},
    "button": {"chat.update", "views.publish"},
    "log a touch": {"views.open"},
    "message shortcut": {"chat.getPermalink", "views.open"},
    "global shortcut": {"views.open"},
    "modal": {"conversations.open", "chat.postMessage", "views.publish"},
    "picker": set(),
    "home opened": {"views.publish"},
}


@pytest.mark.parametrize("kind", sorted(AFTER_THE_ANSWER))
def test_no_request_waits_for_a_web_api_call(known: Slack, app_db: Harness, kind: str) -> None:
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp"))
    assert account is not None
    request = _requests(known, str(account.id))[kind]
    response = known.answer_only(request)
    assert response.status == 200
    assert _web_api_calls(known) == [], "Slack was called before the answer"
    known.background.run_pending()
    after = _web_api_calls(known)
    assert AFTER_THE_ANSWER[kind] <= set(after), after
    assert all(call.ok for call in known.fake.calls), after


def test_a_rate_limited_home_refresh_does_not_delay_the_answer(
    known: Slack, slept: list[float]
) -> None:
    known.fake.fail_next("views.publish", status=429, retry_after=30)
    response = known.answer_only(known.command("tag Acme Corp emea"))
    assert "emea" in json.loads(response.body)["text"] and slept == []
    known.background.run_pending()  # after the answer: waits Retry-After, then publishes
    assert len(slept) == 1 and slept[0] >= 30
    assert [c.status for c in known.fake.calls_to("views.publish")] == [429, 200]


def _count(app_db: Harness, model: type[models.Base]) -> int:
    return app_db.count(model)


def test_a_replayed_command_is_answered_without_a_second_write(
    slack: Slack, app_db: Harness
) -> None:
    first = slack.command("add Acme Corp")  # a newcomer's: answered through the response URL
    assert "Added" in slack.answer(first)["text"]
    assert "already handled" in slack.answer(first)["text"]
    logged = slack.command("log call with Acme Corp: priced the renewal")  # answered inline
    assert "Logged a call" in slack.answer(logged)["text"]
    for _ in range(3):
        assert "already handled" in slack.answer(logged)["text"]
    assert _count(app_db, models.AccountRow) == 1
    assert _count(app_db, models.InteractionRow) == 1
    assert _count(app_db, models.AuditEventRow) == 3  # create, interaction, touch


def test_a_question_writes_nothing_and_is_answered_again_when_replayed(
    known: Slack, app_db: Harness
) -> None:
    """Only a request that changes something keeps its replay key: a question costs no
    write (no fsync, no WAL) and a replayed one is simply answered again."""
    before = app_db.snapshot()
    asked = known.command("show Acme Corp")
    first = known.answer(asked)["text"]
    assert "Acme Corp" in first
    assert known.answer(asked)["text"] == first
    assert app_db.snapshot() == before


def test_the_same_command_sent_again_as_a_new_request_is_new(slack: Slack, app_db: Harness) -> None:
    """Only a replay of the very same request is refused: typing the line twice logs twice."""
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("log note with Acme Corp: once"))
    slack.answer(slack.command("log note with Acme Corp: once"))
    assert _count(app_db, models.InteractionRow) == 2


def test_a_replayed_modal_submission_logs_once(known: Slack, app_db: Harness) -> None:
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp"))
    assert account is not None
    submission = r.view_submission(_state(str(account.id), "met at the fair"))
    assert known.answer(submission) == {}
    assert known.answer(submission) == {}
    assert _count(app_db, models.InteractionRow) == 1
    assert len(known.fake.calls_to("chat.postMessage")) == 1  # one confirmation


def test_a_replayed_button_decides_once(known: Slack, app_db: Harness) -> None:
    click = r.button(ids.FOLLOW_UP_SNOOZE_WEEK, "1")
    known.send(click)
    known.send(click)
    snoozes = [
        e for e in app_db.read(r.TEAM, lambda w: w.audit.all()) if e.action == "follow_up.snooze"
    ]
    assert len(snoozes) == 1
