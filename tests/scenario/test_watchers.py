"""`watch` / `unwatch` through the real Bolt app and the fake Slack, and a digest run:
watchers see renewals, not follow-ups."""

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
from bot.nudges.delivery import PassReport
from bot.ports import UnitOfWork
from bot.render import ids
from bot.settings import Settings
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack


@pytest.fixture
def acme(slack: Slack) -> Slack:
    """Alice owns Acme Corp: a contract renewing Sat 6 Feb, a follow-up due Friday."""
    for line in (
        "add Acme Corp",
        "contract Acme Corp: 24000 EUR renews 2027-02-06 notice 30 days",
        "follow up Acme Corp friday: send the SSO quote",
    ):
        slack.answer(slack.command(line))
    return slack


def _watching_acme(app_db: Harness) -> list[str]:
    def read(work: UnitOfWork) -> list[str]:
        acme = work.accounts.by_key("acme corp")
        assert acme is not None
        return [w.user_id for w in work.watchers.for_account(acme.id)]

    return app_db.read(r.TEAM, read)


def _text(answer: dict[str, object]) -> str:
    return json.dumps(answer, ensure_ascii=False)


def _pass(clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]) -> PassReport:
    nudges = create_nudge_pass(
        Settings(slack_bot_token="xoxb-test"),
        client=client,
        session_factory=sessions,
        wall=clock,
        worker="test",
    )
    return nudges.run([r.TEAM], clock.now())


def _digests(slack: Slack, user: str) -> list[StoredMessage]:
    return [m for m in slack.fake.messages(f"D{user}") if "digest" in (m.text or "")]


def _action_ids(message: StoredMessage) -> set[str]:
    return {
        e["action_id"]
        for b in message.blocks or []
        for e in b.get("elements", [])
        if "action_id" in e
    }


def test_watch_says_what_will_come_and_the_card_names_the_watcher(
    acme: Slack, app_db: Harness
) -> None:
    answer = _text(acme.answer(acme.command("watch Acme Corp", user="UBOB")))
    assert "now watching *Acme Corp*" in answer
    assert "renewal steps, notice deadlines and outcomes" in answer
    assert "in your own digest" in answer
    assert _watching_acme(app_db) == ["UBOB"]
    again = _text(acme.answer(acme.command("watch acme corp", user="UBOB")))
    assert "already watching *Acme Corp*; nothing changed" in again
    card = _text(acme.answer(acme.command("show Acme Corp")))
    assert "*Watchers*\\n<@UBOB>" in card
    watches = app_db.read(r.TEAM, lambda w: w.audit.all())
    assert [e.action for e in watches].count("watch.create") == 1
    [event] = [e for e in watches if e.action == "watch.create"]
    assert (event.actor, event.entity) == ("UBOB", "watch")


def test_unwatch_and_unwatch_again(acme: Slack, app_db: Harness) -> None:
    acme.answer(acme.command("watch Acme Corp", user="UBOB"))
    stopped = _text(acme.answer(acme.command("unwatch Acme Corp", user="UBOB")))
    assert "stopped watching *Acme Corp*" in stopped
    again = _text(acme.answer(acme.command("unwatch Acme Corp", user="UBOB")))
    assert "weren't watching *Acme Corp*; nothing changed" in again
    assert _watching_acme(app_db) == []
    actions = [e.action for e in app_db.read(r.TEAM, lambda w: w.audit.all())]
    assert actions.count("watch.delete") == 1


def test_the_owner_watching_their_own_account_stores_nothing(acme: Slack, app_db: Harness) -> None:
    answer = _text(acme.answer(acme.command("watch Acme Corp")))
    assert "You own *Acme Corp*" in answer and "already comes to you" in answer
    assert _watching_acme(app_db) == []
    assert "watch.create" not in [e.action for e in app_db.read(r.TEAM, lambda w: w.audit.all())]


def test_the_same_words_work_after_a_mention_and_in_a_dm(acme: Slack, app_db: Harness) -> None:
    acme.send(r.mention("watch Acme Corp", user="UBOB"))
    assert "now watching" in acme.last_text()
    acme.send(r.direct_message("unwatch Acme Corp", user="UBOB"))
    assert "stopped watching" in acme.last_text()
    assert _watching_acme(app_db) == []


def test_undo_takes_back_a_watch_and_an_unwatch(acme: Slack, app_db: Harness) -> None:
    acme.answer(acme.command("watch Acme Corp", user="UBOB"))
    acme.answer(acme.command("unwatch Acme Corp", user="UBOB"))
    undone = _text(acme.answer(acme.command("undo", user="UBOB")))
    assert "stopped watching *Acme Corp*" in undone
    assert _watching_acme(app_db) == ["UBOB"]
    undone = _text(acme.answer(acme.command("undo", user="UBOB")))
    assert "started watching *Acme Corp*" in undone
    assert _watching_acme(app_db) == []


def test_names_resolve_as_everywhere(acme: Slack) -> None:
    acme.answer(acme.command("add Acme Labs"))
    several = acme.answer(acme.command("watch acme", user="UBOB"))
    assert ids.CHOOSE_ACCOUNT_BLOCK in _text(several)
    unknown = _text(acme.answer(acme.command("watch Acme Crop", user="UBOB")))
    assert "Did you mean" in unknown and "Acme Corp" in unknown
    acme.answer(acme.command("add Old Co"))
    acme.answer(acme.command("archive Old Co"))
    archived = _text(acme.answer(acme.command("watch Old Co", user="UBOB")))
    assert "“Old Co” is archived" in archived


def test_help_lists_watch_and_has_a_topic(slack: Slack) -> None:
    overview = _text(slack.answer(slack.command("help")))
    assert "`watch &lt;account&gt;` — an account you don't own" in overview
    assert "`unwatch &lt;account&gt;`" in overview
    topic = _text(slack.answer(slack.command("help watch")))
    assert "follow-ups and stale reminders stay with its owner" in topic


def test_watchers_see_renewals_not_follow_ups(
    acme: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    acme.answer(acme.command("watch Acme Corp", user="UBOB"))
    # Friday 8 January, 15:05 UTC: past 09:00 for Alice (Berlin) and for Bob (New York).
    clock.advance(timedelta(days=2, hours=6, minutes=5))
    report = _pass(clock, client, sessions)
    assert report.messages == 2, report

    [alices] = _digests(acme, "UALICE")
    assert "send the SSO quote" in alices.text
    assert "Acme Corp" in alices.text and "Renews in 29 days" in alices.text
    assert ids.RENEWAL_RENEWED in _action_ids(alices)

    [bobs] = _digests(acme, "UBOB")
    assert "Accounts you watch" in bobs.text
    assert "Acme Corp" in bobs.text and "Renews in 29 days" in bobs.text
    assert "Notice deadline" in bobs.text  # 7 Jan was the deadline: passed, said once
    assert "send the SSO quote" not in json.dumps(bobs.blocks)  # the follow-up stays Alice's
    assert _action_ids(bobs) == {ids.LOG_TOUCH}  # no Renewed / Not renewing for a watcher

    # Later the same day nothing is said twice, to either of them.
    clock.advance(timedelta(hours=2))
    assert _pass(clock, client, sessions).messages == 0


def test_an_outcome_reaches_the_watcher_once_not_the_one_who_recorded_it(
    acme: Slack, clock: FixedClock, client: WebClient, sessions: sessionmaker[Session]
) -> None:
    acme.answer(acme.command("watch Acme Corp", user="UBOB"))
    acme.answer(acme.command("watch Acme Corp", user="UADMIN"))
    clock.advance(timedelta(days=2, hours=6, minutes=5))  # Friday, both digests are out
    _pass(clock, client, sessions)
    acme.answer(acme.command("renewed Acme Corp", user="UADMIN"))
    clock.advance(timedelta(days=3))  # Monday 11 January, 15:05 UTC
    _pass(clock, client, sessions)
    news = _digests(acme, "UBOB")[-1]
    assert "renewed (Sat 6 Feb)" in news.text and "24,000 EUR" in news.text
    assert "Outcome recorded: renewed" in news.text and "recorded by <@UADMIN>" in news.text
    assert _action_ids(news) == {ids.LOG_TOUCH}
    assert not any("Outcome recorded" in m.text for m in _digests(acme, "UADMIN"))
    assert not any("Outcome recorded" in m.text for m in _digests(acme, "UALICE"))
    clock.advance(timedelta(days=1))
    _pass(clock, client, sessions)
    told = [m for m in _digests(acme, "UBOB") if "Outcome recorded" in m.text]
    assert len(told) == 1
