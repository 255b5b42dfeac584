"""Buttons, shortcuts, the logging modal, the account picker and the App Home."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.fakeslack import requests as r
from bot.fakeslack.records import StoredMessage
from bot.render import ids
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack

DM = "DUALICE"


def _dm_answer(slack: Slack, line: str) -> StoredMessage:
    """Send a DM and return the bot's answer as stored in the fake Slack."""
    slack.send(r.direct_message(line, channel=DM))
    return slack.fake.messages(DM)[-1]


def _actions(message: StoredMessage | dict[str, Any], prefix: str) -> dict[str, Any]:
    blocks = message.blocks if isinstance(message, StoredMessage) else message["blocks"]
    return next(b for b in blocks or [] if str(b.get("block_id", "")).startswith(prefix))


def _click(
    slack: Slack, message: StoredMessage, action_id: str, prefix: str, **kwargs: Any
) -> None:
    block = _actions(message, prefix)
    element = next(e for e in block["elements"] if e.get("action_id") == action_id)
    request = r.button(
        action_id,
        element["value"],
        block_id=block["block_id"],
        message={"ts": message.ts, "blocks": message.blocks, "text": message.text},
        channel=message.channel,
        **kwargs,
    )
    assert slack.send(request).status == 200


@pytest.fixture
def acme(slack: Slack, clock: FixedClock) -> Slack:
    """Acme Corp with a contract and follow-up #1, due Thursday and overdue by Friday."""
    for line in (
        "add Acme Corp",
        "log call with Acme Corp: kickoff. follow up tomorrow: send deck",
        "contract Acme Corp: 24000 EUR renews 2027-02-01",
    ):
        assert "⚠️" not in json.dumps(slack.answer(slack.command(line))), line
    clock.advance(timedelta(days=2))  # Friday 8 January, 10:00 in Berlin
    return slack


def test_done_in_a_message_updates_it_in_place(acme: Slack, app_db: Harness) -> None:
    message = _dm_answer(acme, "overdue")
    _click(acme, message, ids.FOLLOW_UP_DONE, ids.FOLLOW_UP_BLOCK_PREFIX)
    follow_up = app_db.read(r.TEAM, lambda w: w.follow_ups.by_number(1))
    assert follow_up is not None and follow_up.status.value == "done"
    updated = acme.fake.message(DM, message.ts)
    assert updated is not None and updated.version == 2
    assert "done by" in json.dumps(updated.blocks)
    assert not any(
        e.get("action_id") == ids.FOLLOW_UP_DONE
        for b in updated.blocks or []
        for e in b.get("elements", [])
    )
    assert "follow_up.done" in [e.action for e in app_db.read(r.TEAM, lambda w: w.audit.all())]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (ids.FOLLOW_UP_SNOOZE_DAY, datetime(2027, 1, 9, 8, 0, tzinfo=UTC)),
        (ids.FOLLOW_UP_SNOOZE_WEEK, datetime(2027, 1, 15, 8, 0, tzinfo=UTC)),
    ],
)
def test_snooze_buttons(acme: Slack, app_db: Harness, action: str, expected: datetime) -> None:
    message = _dm_answer(acme, "overdue")
    _click(acme, message, action, ids.FOLLOW_UP_BLOCK_PREFIX)
    follow_up = app_db.read(r.TEAM, lambda w: w.follow_ups.by_number(1))
    assert follow_up is not None and follow_up.snoozed_until == expected


def test_a_button_on_an_ephemeral_answer_replaces_it_through_response_url(
    acme: Slack, app_db: Harness
) -> None:
    answer = acme.answer(acme.command("overdue"))
    message = StoredMessage(
        channel="C0001", ts="1700000000.000001", text=answer["text"], blocks=answer["blocks"]
    )
    block = _actions(answer, ids.FOLLOW_UP_BLOCK_PREFIX)
    response_url = acme.fake.response_url(channel_id="C0001", user_id="UALICE")
    acme.send(
        r.button(
            ids.FOLLOW_UP_DONE,
            "1",
            block_id=block["block_id"],
            ephemeral=True,
            message={"ts": message.ts, "blocks": message.blocks},
            channel="C0001",
            response_url=response_url,
        )
    )
    replaced = acme.fake.last("response_url").args
    assert replaced["replace_original"] in (True, "true")
    assert "done by" in json.dumps(replaced["blocks"])


def test_renewed_and_not_renewing_buttons(acme: Slack, app_db: Harness) -> None:
    message = _dm_answer(acme, "show acme corp")
    _click(acme, message, ids.RENEWAL_RENEWED, ids.RENEWAL_BLOCK_PREFIX)
    contracts = app_db.read(r.TEAM, lambda w: w.contracts.all())
    assert [c.outcome.value if c.outcome else None for c in contracts] == ["renewed", None]
    assert contracts[1].renewal_date == date(2028, 2, 1)
    message = _dm_answer(acme, "show acme corp")
    _click(acme, message, ids.RENEWAL_NOT_RENEWING, ids.RENEWAL_BLOCK_PREFIX)
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp"))
    assert account is not None and account.status.value == "churned"


def test_buttons_in_the_home_tab_republish_it(acme: Slack, app_db: Harness) -> None:
    acme.send(r.home_opened())
    home = acme.fake.home_view("UALICE")
    assert home is not None and "send deck" in json.dumps(home.view)
    block = _actions(home.view, ids.FOLLOW_UP_BLOCK_PREFIX)
    publishes = len(acme.fake.calls_to("views.publish"))
    acme.send(r.button(ids.FOLLOW_UP_DONE, "1", block_id=block["block_id"], in_home=True))
    assert len(acme.fake.calls_to("views.publish")) == publishes + 1
    home = acme.fake.home_view("UALICE")
    assert home is not None and "send deck" not in json.dumps(home.view)


@pytest.mark.parametrize(
    ("value", "team"),
    [("999", r.TEAM), ("1", "T0002"), ("abc", r.TEAM), ("9" * 40, r.TEAM)],
    ids=["deleted", "another workspace", "forged", "huge"],
)
def test_a_button_for_a_missing_or_foreign_follow_up_changes_nothing(
    acme: Slack, app_db: Harness, value: str, team: str
) -> None:
    message = _dm_answer(acme, "overdue")
    block = _actions(message, ids.FOLLOW_UP_BLOCK_PREFIX)
    before = app_db.snapshot()
    acme.send(
        r.button(
            ids.FOLLOW_UP_DONE,
            value,
            team=team,
            block_id=block["block_id"],
            message={"ts": message.ts, "blocks": message.blocks},
            channel=DM,
        )
    )
    updated = acme.fake.message(DM, message.ts)
    assert updated is not None and "I don't know" in json.dumps(updated.blocks)
    after = app_db.snapshot()
    if team != r.TEAM:  # a first request from a workspace registers it and its caller's profile
        for table in ("workspaces", "users"):
            del before.tables[table], after.tables[table]
    assert after == before


def test_log_a_touch_opens_the_modal_for_that_account(acme: Slack, app_db: Harness) -> None:
    message = _dm_answer(acme, "show acme corp")
    block = next(
        b
        for b in message.blocks or []
        for e in b.get("elements", [])
        if e.get("action_id") == ids.LOG_TOUCH
    )
    account_id = app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp")).id  # type: ignore[union-attr]
    acme.send(
        r.button(
            ids.LOG_TOUCH,
            str(account_id),
            block_id=block["block_id"],
            message={"ts": message.ts, "blocks": message.blocks},
            channel=DM,
        )
    )
    view = acme.fake.modal_views()[-1].view
    assert view["callback_id"] == ids.LOG_MODAL
    assert "Acme Corp" in json.dumps(view["blocks"][0])


def test_the_message_shortcut_prefills_text_and_permalink_cut_to_slacks_limit(
    acme: Slack, app_db: Harness
) -> None:
    long_message = "Customer wrote: " + "word " * 8_000  # 40,016 characters
    posted = acme.fake.add_user_message("C0001", "UBOB", long_message)
    acme.send(r.message_shortcut(long_message, ts=posted.ts))
    view = acme.fake.modal_views()[-1].view
    summary = next(b for b in view["blocks"] if b.get("block_id") == ids.LOG_SUMMARY_BLOCK)
    assert len(summary["element"]["initial_value"]) == 3_000
    permalink = json.loads(view["private_metadata"])["permalink"]
    assert permalink.startswith("https://")
    assert "full message" in json.dumps(view["blocks"])


def test_the_global_shortcut_opens_an_empty_modal(acme: Slack) -> None:
    acme.send(r.global_shortcut())
    view = acme.fake.modal_views()[-1].view
    summary = next(b for b in view["blocks"] if b.get("block_id") == ids.LOG_SUMMARY_BLOCK)
    assert "initial_value" not in summary["element"]


def test_the_account_picker_offers_matching_accounts(acme: Slack) -> None:
    acme.answer(acme.command("add Globex"))
    offered = acme.answer(r.options(ids.ACCOUNT_SELECT, "glob"))
    assert [o["text"]["text"] for o in offered["options"]] == ["Globex"]
    everything = acme.answer(r.options(ids.ACCOUNT_SELECT, ""))
    assert len(everything["options"]) == 2


def _state(
    account_id: str | None, summary: str, day: str = "2027-01-06", follow_up_day: str | None = None
) -> dict[str, Any]:
    return {
        ids.LOG_ACCOUNT_BLOCK: {
            ids.ACCOUNT_SELECT: {
                "type": "external_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "x"},
                    "value": account_id,
                }
                if account_id
                else None,
            }
        },
        ids.LOG_KIND_BLOCK: {
            ids.LOG_KIND_ACTION: {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "Call"},
                    "value": "call",
                },
            }
        },
        ids.LOG_DAY_BLOCK: {ids.LOG_DAY_ACTION: {"type": "datepicker", "selected_date": day}},
        ids.LOG_SUMMARY_BLOCK: {
            ids.LOG_SUMMARY_ACTION: {"type": "plain_text_input", "value": summary}
        },
        ids.LOG_FOLLOW_UP_DAY_BLOCK: {
            ids.LOG_FOLLOW_UP_DAY_ACTION: {"type": "datepicker", "selected_date": follow_up_day}
        },
        ids.LOG_FOLLOW_UP_TEXT_BLOCK: {
            ids.LOG_FOLLOW_UP_TEXT_ACTION: {"type": "plain_text_input", "value": None}
        },
    }


def test_submitting_the_modal_logs_and_confirms_by_dm(acme: Slack, app_db: Harness) -> None:
    account_id = str(app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp")).id)  # type: ignore[union-attr]
    metadata = json.dumps({"permalink": "https://rapport-test.slack.com/archives/C1/p1"})
    answer = acme.answer(
        r.view_submission(
            _state(account_id, "Met at the fair. Good lead.", follow_up_day="2027-01-12"),
            private_metadata=metadata,
        )
    )
    assert answer == {}
    interactions = app_db.read(r.TEAM, lambda w: w.interactions.all())
    assert interactions[-1].summary == "Met at the fair. Good lead."
    assert interactions[-1].permalink == "https://rapport-test.slack.com/archives/C1/p1"
    follow_up = app_db.read(r.TEAM, lambda w: w.follow_ups.by_number(2))
    assert follow_up is not None and follow_up.text == "Met at the fair."
    assert "Logged a call" in acme.last_text()


@pytest.mark.parametrize(
    ("state", "field"),
    [
        (_state(None, "hello"), ids.LOG_ACCOUNT_BLOCK),
        (_state("1", "   "), ids.LOG_SUMMARY_BLOCK),
        (_state("1", "x" * 10_001), ids.LOG_SUMMARY_BLOCK),
        (_state("1", "hello", day="2027-02-01"), ids.LOG_DAY_BLOCK),
        (_state("1", "hello", follow_up_day="2026-12-01"), ids.LOG_FOLLOW_UP_DAY_BLOCK),
        (_state("424242", "hello"), ids.LOG_ACCOUNT_BLOCK),
    ],
    ids=[
        "no account",
        "empty summary",
        "summary too long",
        "future day",
        "past follow-up",
        "unknown account",
    ],
)
def test_invalid_submissions_answer_with_field_errors(
    acme: Slack, app_db: Harness, state: dict[str, Any], field: str
) -> None:
    acme.answer(acme.command("help"))  # the caller's Slack profile, two days old, is fetched anew
    before = app_db.snapshot()
    answer = acme.answer(r.view_submission(state))
    assert answer["response_action"] == "errors"
    assert field in answer["errors"]
    assert app_db.snapshot() == before


def test_opening_the_home_tab_publishes_it(acme: Slack) -> None:
    acme.send(r.home_opened(user="UALICE"))
    home = acme.fake.home_view("UALICE")
    assert home is not None
    shown = json.dumps(home.view)
    assert "send deck" in shown and "Acme Corp" in shown


def test_rows_the_modal_wrote_are_audited(acme: Slack, app_db: Harness) -> None:
    before = app_db.count(models.AuditEventRow)
    account_id = str(app_db.read(r.TEAM, lambda w: w.accounts.by_key("acme corp")).id)  # type: ignore[union-attr]
    acme.answer(r.view_submission(_state(account_id, "note")))
    assert app_db.count(models.AuditEventRow) > before


def test_a_message_shortcut_without_a_permalink_still_opens_the_modal(acme: Slack) -> None:
    acme.send(r.message_shortcut("a message Slack cannot link", ts="1600000000.000001"))
    view = acme.fake.modal_views()[-1].view
    assert json.loads(view["private_metadata"]) == {}
    assert "a message Slack cannot link" in json.dumps(view["blocks"])


def test_log_a_touch_for_a_missing_account_from_the_home_answers_by_dm(
    acme: Slack, app_db: Harness
) -> None:
    acme.send(r.button(ids.LOG_TOUCH, "424242", in_home=True))
    assert acme.fake.modal_views() == []
    [answer] = [c for c in acme.fake.calls_to("chat.postMessage") if c.args["channel"] == DM]
    assert "#424242" in str(answer.args["text"])


def test_log_a_touch_for_a_missing_account_in_a_message_answers_ephemerally(
    acme: Slack, app_db: Harness
) -> None:
    url = acme.fake.response_url(channel_id="C0001", user_id="UALICE")
    acme.send(r.button(ids.LOG_TOUCH, "424242", channel="C0001", response_url=url))
    said = acme.fake.last("response_url").args
    assert said["response_type"] == "ephemeral" and "#424242" in str(said["text"])


def test_a_refused_button_in_the_home_tab_is_answered_by_dm(acme: Slack, app_db: Harness) -> None:
    """The Home tab has no message to rewrite: the refusal comes by DM (it was silent)."""
    acme.send(r.button(ids.FOLLOW_UP_DONE, "424242", in_home=True))
    told = acme.fake.last("chat.postMessage")
    assert told.args["channel"] == "DUALICE"
    assert "I don't know a follow-up numbered “424242”" in str(told.args["text"])
