"""Channel notify rules through the real Bolt app and the fake Slack: an admin adds a rule,
`settings workspace` lists it, a nudge pass posts its event to the channel exactly once and
a second pass nothing; a rule for another event stays silent; undo takes a change back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.fakeslack import requests as r
from bot.fakeslack.records import StoredMessage
from bot.notify import NotifyEvent, NotifyRule
from bot.nudges.delivery import PassReport
from bot.nudges.model import ItemKind, NudgeKind, NudgeStatus, Occasion
from bot.render import ids
from bot.settings import Settings
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack

NEWS, OTHER = "CNEWS", "COTHER"


@pytest.fixture
def acme(slack: Slack) -> Slack:
    """Alice owns Acme Corp: a contract renewing Sat 6 Feb (step 30 of the ladder is reached
    tomorrow, Thu 7 Jan; step 60 was reached in December), a follow-up due Friday. Two
    channels the bot is in."""
    slack.fake.add_channel(NEWS, "renewals")
    slack.fake.add_channel(OTHER, "cs-other")
    for line in (
        "add Acme Corp",
        "contract Acme Corp: 24000 EUR renews 2027-02-06",
        "follow up Acme Corp friday: send the SSO quote",
    ):
        slack.answer(slack.command(line))
    return slack


def _text(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False)


def _admin(slack: Slack, line: str) -> str:
    return _text(slack.answer(slack.command(line, user="UADMIN")))


def _rules(app_db: Harness) -> list[NotifyRule]:
    return app_db.read(r.TEAM, lambda work: work.notify_rules.all())


def _pass(clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]) -> PassReport:
    nudges = create_nudge_pass(
        Settings(slack_bot_token="xoxb-test"),
        client=client,
        session_factory=sessions,
        wall=clock,
        worker="test",
    )
    return nudges.run([r.TEAM], clock.now())


def _in(slack: Slack, channel: str) -> list[StoredMessage]:
    return list(slack.fake.messages(channel))


def _action_ids(message: StoredMessage) -> set[str]:
    return {
        e["action_id"]
        for b in message.blocks or []
        for e in b.get("elements", [])
        if "action_id" in e
    }


def test_an_admin_adds_a_rule_and_settings_list_it_numbered(acme: Slack, app_db: Harness) -> None:
    added = _admin(
        acme, f"settings workspace notify <#{NEWS}|renewals> when renewals for customers"
    )
    assert f"Now <#{NEWS}> hears of *renewal step*, for customers" in added
    again = _admin(acme, f"settings workspace notify <#{NEWS}|renewals> when renewal step customer")
    assert "Already so" in again and "Nothing changed" in again
    _admin(acme, f"settings workspace notify <#{OTHER}|cs-other> when at risk tier Gold")
    shown = _admin(acme, "settings workspace")
    assert "Channel notifications" in shown
    assert f"1. <#{NEWS}> hears of *renewal step*, for customers" in shown
    assert f"2. <#{OTHER}> hears of *account at risk*, for tier Gold" in shown
    assert "Escalation channel: none" in shown
    assert [(x.channel_id, x.event) for x in _rules(app_db)] == [
        (NEWS, NotifyEvent.RENEWAL_STEP),
        (OTHER, NotifyEvent.ACCOUNT_AT_RISK),
    ]
    audited = [e.action for e in app_db.read(r.TEAM, lambda w: w.audit.all())]
    assert audited.count("notify_rule.create") == 2


def test_only_admins_and_friendly_refusals(acme: Slack, app_db: Harness) -> None:
    refused = _text(acme.answer(acme.command(f"settings workspace notify <#{NEWS}> when notices")))
    assert "Only a Rapport admin" in refused
    unknown = _admin(acme, f"settings workspace notify <#{NEWS}> when birthdays")
    assert "`renewal step`, `notice deadline`, `outcome recorded`" in unknown
    assert "`follow-up overdue 7 days`" in unknown
    typed = _admin(acme, "settings workspace notify #renewals when renewals")
    assert "pick it from Slack's list" in typed
    missing = _admin(acme, "settings workspace notify remove 3")
    assert "There is no channel rule 3" in missing
    assert _rules(app_db) == []


def test_remove_by_number_or_by_off_and_undo_brings_it_back(acme: Slack, app_db: Harness) -> None:
    _admin(acme, f"settings workspace notify <#{NEWS}> when outcomes")
    _admin(acme, f"settings workspace notify <#{NEWS}> when overdue tag vip")
    removed = _admin(acme, "settings workspace notify remove 1")
    assert f"Removed: <#{NEWS}> no longer hears of *outcome recorded*" in removed
    assert [x.event for x in _rules(app_db)] == [NotifyEvent.FOLLOW_UP_OVERDUE]
    undone = _admin(acme, "undo")
    assert f"removed the channel rule: <#{NEWS}> hears of *outcome recorded*" in undone
    assert [x.event for x in _rules(app_db)] == [
        NotifyEvent.OUTCOME_RECORDED,
        NotifyEvent.FOLLOW_UP_OVERDUE,
    ]
    off = _admin(acme, f"settings workspace notify <#{NEWS}> when follow-up overdue tag VIP off")
    assert "no longer hears of *follow-up overdue 7 days*" in off
    assert [x.event for x in _rules(app_db)] == [NotifyEvent.OUTCOME_RECORDED]
    _admin(acme, "undo")  # the removal by `off`
    assert [x.event for x in _rules(app_db)] == [
        NotifyEvent.OUTCOME_RECORDED,
        NotifyEvent.FOLLOW_UP_OVERDUE,
    ]
    # One further back: the rule added second, as it was (the same row came back).
    further = _admin(acme, "undo")
    assert "added the channel rule: <#CNEWS> hears of *follow-up overdue 7 days*" in further
    assert [x.event for x in _rules(app_db)] == [NotifyEvent.OUTCOME_RECORDED]


def test_undo_takes_back_an_added_rule(acme: Slack, app_db: Harness) -> None:
    _admin(acme, f"settings workspace notify <#{NEWS}> when notice deadline")
    undone = _admin(acme, "undo")
    assert f"added the channel rule: <#{NEWS}> hears of *notice deadline*" in undone
    assert _rules(app_db) == []


def test_the_escalation_channel_is_one_of_the_rules(acme: Slack, app_db: Harness) -> None:
    set_by_notify = _admin(acme, f"settings workspace notify <#{OTHER}|cs-other> when escalations")
    assert f"Escalations now go to <#{OTHER}>" in set_by_notify
    shown = _admin(acme, "settings workspace")
    assert f"Escalation channel: <#{OTHER}> hears of follow-ups 7 days overdue" in shown
    assert _rules(app_db) == []  # the workspace setting it always was
    filtered = _admin(acme, f"settings workspace notify <#{OTHER}> when escalation for customer")
    assert "Escalations go to one channel for every account" in filtered


def test_a_pass_posts_a_rules_event_once_and_other_rules_stay_silent(
    acme: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    _admin(acme, f"settings workspace notify <#{NEWS}|renewals> when renewal step for customer")
    _admin(acme, f"settings workspace notify <#{OTHER}|cs-other> when follow-up overdue 7 days")
    _admin(acme, f"settings workspace notify <#{OTHER}|cs-other> when outcome recorded")
    _admin(acme, f"settings workspace notify <#{OTHER}|cs-other> when notice deadline")
    _pass(clock, client, sessions)  # Wednesday: step 60 was reached before the rule: nothing
    assert _in(acme, NEWS) == []

    clock.advance(timedelta(days=1))  # Thursday 7 January, 09:00 UTC: step 30
    _pass(clock, client, sessions)
    [posted] = _in(acme, NEWS)
    assert "Rapport: news for this channel" in posted.text
    assert "Acme Corp" in posted.text and "Renews in 30 days (ladder step 30)" in posted.text
    assert "24,000 EUR" in posted.text and "<@UALICE>" in posted.text
    assert ids.RENEWAL_RENEWED in _action_ids(posted)  # as the escalation's renewal posts
    assert _in(acme, OTHER) == []  # no follow-up 7 days overdue, no outcome, no notice

    clock.advance(timedelta(hours=3))
    assert _pass(clock, client, sessions).delivered == 0
    assert len(_in(acme, NEWS)) == 1


def test_an_outcome_is_posted_once_with_who_and_the_value(
    acme: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    _admin(acme, f"settings workspace notify <#{NEWS}> when outcome recorded")
    _admin(acme, f"settings workspace notify <#{OTHER}> when account at risk")
    clock.advance(timedelta(minutes=5))
    acme.answer(acme.command("renewed Acme Corp", user="UADMIN"))
    clock.advance(timedelta(minutes=5))
    _pass(clock, client, sessions)
    [posted] = _in(acme, NEWS)
    assert "Outcome recorded: renewed" in posted.text and "recorded by <@UADMIN>" in posted.text
    assert "24,000 EUR" in posted.text and "Acme Corp" in posted.text
    assert _action_ids(posted) == set()  # news: nothing to decide
    assert _in(acme, OTHER) == []
    clock.advance(timedelta(days=1))
    _pass(clock, client, sessions)
    assert len(_in(acme, NEWS)) == 1


def test_a_follow_up_seven_days_overdue_is_posted_once(
    acme: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    _admin(acme, f"settings workspace notify <#{NEWS}> when follow-up overdue 7 days")
    clock.advance(timedelta(days=9))  # Friday 8 + 7 days: Friday 15 January, 09:00 UTC
    _pass(clock, client, sessions)
    [posted] = _in(acme, NEWS)
    assert "send the SSO quote" in posted.text and "7 days overdue" in posted.text
    assert ids.FOLLOW_UP_DONE in _action_ids(posted)  # as the escalation's follow-up posts
    clock.advance(timedelta(days=1))
    _pass(clock, client, sessions)
    assert len(_in(acme, NEWS)) == 1


def test_a_posting_planned_before_its_rule_was_removed_is_skipped(
    acme: Slack,
    app_db: Harness,
    clock: FixedClock,
    client: WebClient,
    sessions: sessionmaker[Session],
) -> None:
    _admin(acme, f"settings workspace notify <#{NEWS}> when renewal step")
    [rule] = _rules(app_db)
    [contract] = app_db.read(r.TEAM, lambda work: work.contracts.all())
    clock.advance(timedelta(days=1))
    key = f"renewal:{contract.id}:step:30:notify:{rule.id}"
    planned = Occasion(
        key=key,
        kind=NudgeKind.RENEWAL_STEP,
        item_kind=ItemKind.CONTRACT,
        item_id=contract.id,
        recipient=NEWS,
        deliver_after=clock.now(),
        reason="Renews in 30 days (ladder step 30)",
        details={"account_id": contract.account_id, "rule": rule.id},
    )
    app_db.read(r.TEAM, lambda work: work.nudges.record([planned], clock.now()))
    _admin(acme, "settings workspace notify remove 1")
    report = _pass(clock, client, sessions)
    assert _in(acme, NEWS) == []
    assert report.skipped == 1
    assert app_db.read(r.TEAM, lambda work: work.nudges.statuses([key])) == {
        key: NudgeStatus.SKIPPED
    }


def test_an_account_entering_at_risk_is_posted_with_its_owner_and_no_buttons(
    acme: Slack,
    app_db: Harness,
    clock: FixedClock,
    client: WebClient,
    sessions: sessionmaker[Session],
) -> None:
    """Planning's ``entered_at_risk`` is filled from stored health bands by the lead; here
    the occasion planning makes of it is recorded as a pass would, and delivered."""
    _admin(acme, f"settings workspace notify <#{NEWS}> when at risk")
    [rule] = _rules(app_db)
    acme_account = app_db.read(r.TEAM, lambda work: work.accounts.by_key("acme corp"))
    assert acme_account is not None
    acme_id = acme_account.id
    entered = clock.now() - timedelta(hours=2)
    planned = Occasion(
        key=f"atrisk:{acme_id}:{entered.date().isoformat()}:notify:{rule.id}",
        kind=NudgeKind.ENTERED_AT_RISK,
        item_kind=ItemKind.ACCOUNT,
        item_id=acme_id,
        recipient=NEWS,
        deliver_after=clock.now(),
        reason="Health entered at risk",
        details={"account_id": acme_id, "entered_at": entered.isoformat(), "rule": rule.id},
    )
    app_db.read(r.TEAM, lambda work: work.nudges.record([planned], clock.now()))
    _pass(clock, client, sessions)
    [posted] = _in(acme, NEWS)
    assert "Accounts entering at risk" in posted.text
    assert "Acme Corp" in posted.text and "<@UALICE>" in posted.text
    assert "Health entered at risk" in posted.text and "since Wed 6 Jan" in posted.text
    assert _action_ids(posted) == set()
    clock.advance(timedelta(hours=1))
    _pass(clock, client, sessions)
    assert len(_in(acme, NEWS)) == 1


def test_the_hourly_health_check_tells_a_rules_channel_of_an_account_entering_at_risk(
    acme: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    """End to end: the band check of a pass keeps the bands; an hour later the account marked
    at risk has entered "at risk", and the rule's channel hears it once; the other not."""
    _admin(acme, f"settings workspace notify <#{NEWS}|renewals> when at risk")
    _admin(acme, f"settings workspace notify <#{OTHER}|cs-other> when outcome recorded")
    _pass(clock, client, sessions)  # the first check: every band kept, nothing entered
    assert _in(acme, NEWS) == []
    acme.answer(acme.command("status acme corp at risk"))
    clock.advance(timedelta(minutes=59))
    _pass(clock, client, sessions)  # within the hour: not checked again
    assert _in(acme, NEWS) == []
    clock.advance(timedelta(minutes=1))
    _pass(clock, client, sessions)  # checked: entered at risk, and told
    [posted] = _in(acme, NEWS)
    assert "Acme Corp" in posted.text and "Health entered at risk" in posted.text
    assert _in(acme, OTHER) == []
    clock.advance(timedelta(hours=2))
    assert _pass(clock, client, sessions).delivered == 0
    assert len(_in(acme, NEWS)) == 1
