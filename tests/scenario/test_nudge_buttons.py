"""The buttons on a nudge: the decision is made, the message rewritten, the ledger told."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.fakeslack import requests as r
from bot.fakeslack.records import StoredMessage
from bot.render import ids
from bot.settings import Settings
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import NOW, Slack


@pytest.fixture
def nudge(
    slack: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> StoredMessage:
    """Alice's digest on Friday morning: a renewal within 30 days and a stale account."""
    for line in (
        "add Acme Corp",
        "contract Acme Corp: 24000 EUR renews 2027-02-06",
        "add Quiet Ltd every 1 days",
    ):
        slack.answer(slack.command(line))
    clock.advance(timedelta(days=2, minutes=5))  # Friday 8 January, 10:05 in Berlin
    nudges = create_nudge_pass(
        Settings(slack_bot_token="xoxb-test"),
        client=client,
        session_factory=sessions,
        wall=clock,
        worker="test",
    )
    report = nudges.run([r.TEAM], clock.now())
    assert report.messages == 1, report
    [message] = [m for m in slack.fake.messages("DUALICE") if "digest" in (m.text or "")]
    return message


def _click(slack: Slack, message: StoredMessage, action_id: str) -> None:
    block = next(
        b
        for b in message.blocks or []
        for e in b.get("elements", [])
        if e.get("action_id") == action_id
    )
    value = next(e["value"] for e in block["elements"] if e["action_id"] == action_id)
    slack.send(
        r.button(
            action_id,
            value,
            block_id=block["block_id"],
            channel=message.channel,
            message={"ts": message.ts, "blocks": message.blocks},
        )
    )


def test_the_digest_has_each_kinds_buttons(nudge: StoredMessage) -> None:
    actions = {
        e["action_id"]
        for b in nudge.blocks or []
        for e in b.get("elements", [])
        if "action_id" in e
    }
    assert {
        ids.RENEWAL_RENEWED,
        ids.RENEWAL_NOT_RENEWING,
        ids.RENEWAL_SNOOZE_WEEK,
        ids.STALE_SNOOZE,
        ids.LOG_TOUCH,
    } <= actions


def test_snoozing_a_renewal_waits_a_week_and_is_recorded(
    slack: Slack, app_db: Harness, nudge: StoredMessage, clock: FixedClock
) -> None:
    _click(slack, nudge, ids.RENEWAL_SNOOZE_WEEK)
    contract = app_db.read(r.TEAM, lambda w: w.contracts.all())[0]
    assert contract.nudges_snoozed_until == clock.now() + timedelta(days=7)
    updated = slack.fake.message(nudge.channel, nudge.ts)
    assert updated is not None and "renewal reminders snoozed" in json.dumps(updated.blocks)
    with app_db.sessions() as session:
        decided = session.query(models.NudgeRow).filter_by(item_kind="contract").one()
    assert (decided.decision, decided.decided_by) == (ids.RENEWAL_SNOOZE_WEEK, "UALICE")
    actions = [e.action for e in app_db.read(r.TEAM, lambda w: w.audit.all())]
    assert "contract.nudges_snoozed" in actions


def test_snoozing_a_stale_account_waits_one_cadence(
    slack: Slack, app_db: Harness, nudge: StoredMessage, clock: FixedClock
) -> None:
    _click(slack, nudge, ids.STALE_SNOOZE)
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("quiet ltd"))
    assert account is not None
    assert account.stale_snoozed_until == clock.now() + timedelta(days=1)


def test_snoozing_a_stale_account_leaves_one_audit_event_with_before_and_after(
    slack: Slack, app_db: Harness, nudge: StoredMessage, clock: FixedClock
) -> None:
    """Clicking "Snooze one cadence period" is audited exactly once: `account.stale_snoozed`,
    by the person who clicked, on the account, before and after showing `stale_snoozed_until`."""
    audited_before = app_db.read(r.TEAM, lambda w: len(w.audit.all()))
    _click(slack, nudge, ids.STALE_SNOOZE)
    events = app_db.read(r.TEAM, lambda w: w.audit.all())[audited_before:]
    assert [e.action for e in events] == ["account.stale_snoozed"]
    [event] = events
    account = app_db.read(r.TEAM, lambda w: w.accounts.by_key("quiet ltd"))
    assert account is not None
    assert (event.actor, event.entity, event.entity_id) == ("UALICE", "account", str(account.id))
    assert event.at == clock.now()
    assert event.before is not None and event.after is not None
    assert event.before["stale_snoozed_until"] is None
    until = clock.now() + timedelta(days=1)
    assert event.after["stale_snoozed_until"] == until.isoformat()


def test_renewed_from_the_nudge_rolls_the_term(
    slack: Slack, app_db: Harness, nudge: StoredMessage
) -> None:
    _click(slack, nudge, ids.RENEWAL_RENEWED)
    contracts = app_db.read(r.TEAM, lambda w: w.contracts.all())
    assert [c.outcome.value if c.outcome else None for c in contracts] == ["renewed", None]
    assert NOW.year + 1 == contracts[1].renewal_date.year


def test_renewed_pressed_twice_renews_one_term(
    slack: Slack, app_db: Harness, nudge: StoredMessage
) -> None:
    """The second press (a double click, or the same old message clicked again) is told the
    renewal was recorded already; it does not renew the next term."""
    _click(slack, nudge, ids.RENEWAL_RENEWED)
    _click(slack, nudge, ids.RENEWAL_RENEWED)  # the message as it was, buttons and all
    contracts = app_db.read(r.TEAM, lambda w: w.contracts.all())
    assert [c.outcome.value if c.outcome else None for c in contracts] == ["renewed", None]
    updated = slack.fake.message(nudge.channel, nudge.ts)
    assert updated is not None and "already recorded: renewed by <@UALICE>" in json.dumps(
        updated.blocks
    )


@pytest.mark.parametrize("action", [ids.RENEWAL_NOT_RENEWING, ids.RENEWAL_SNOOZE_WEEK])
def test_an_old_renewal_message_decides_nothing_about_the_next_term(
    slack: Slack, app_db: Harness, nudge: StoredMessage, action: str
) -> None:
    slack.answer(slack.command("renewed Acme Corp"))  # the term rolled on by command
    before = app_db.read(r.TEAM, lambda w: w.contracts.all())
    _click(slack, nudge, action)
    assert app_db.read(r.TEAM, lambda w: w.contracts.all()) == before
    updated = slack.fake.message(nudge.channel, nudge.ts)
    assert updated is not None and "already recorded" in json.dumps(updated.blocks)


def test_a_renewal_button_for_a_contract_whose_date_moved_is_out_of_date(
    slack: Slack, app_db: Harness, nudge: StoredMessage
) -> None:
    slack.answer(slack.command("contract Acme Corp: 24000 EUR renews 2027-03-06"))
    _click(slack, nudge, ids.RENEWAL_RENEWED)
    [contract] = app_db.read(r.TEAM, lambda w: w.contracts.all())
    assert contract.outcome is None
    updated = slack.fake.message(nudge.channel, nudge.ts)
    assert updated is not None and "out of date" in json.dumps(updated.blocks)


@pytest.mark.parametrize("value", ["1", "abc", "1:2027-02-31", "99999999999:2027-02-06", ""])
def test_a_renewal_button_that_names_no_renewal_decides_nothing(
    slack: Slack, app_db: Harness, nudge: StoredMessage, value: str
) -> None:
    block = next(
        b for b in nudge.blocks or [] if b.get("block_id", "").startswith(ids.RENEWAL_BLOCK_PREFIX)
    )
    before = app_db.snapshot()
    slack.send(
        r.button(
            ids.RENEWAL_RENEWED,
            value,
            block_id=block["block_id"],
            channel=nudge.channel,
            message={"ts": nudge.ts, "blocks": nudge.blocks},
        )
    )
    updated = slack.fake.message(nudge.channel, nudge.ts)
    assert updated is not None and "decides nothing" in json.dumps(updated.blocks)
    assert app_db.snapshot() == before
