"""No Slack call happens while a database transaction is open.

A Web API call can take seconds (a 429's Retry-After, a slow network); inside a transaction it
would hold row locks — on SQLite, the one write lock — and every other user would wait. A
probe counts the app's open transactions; the fake Slack checks it at every call it receives.
Every kind of request and a nudge pass run on a database of their own, with real commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from bot.app_factory import create_app, create_nudge_pass
from bot.background import DeferredBackground
from bot.clock import FixedClock
from bot.fakeslack import Call, FakeSlack
from bot.fakeslack import requests as r
from bot.render import ids
from bot.settings import Settings
from handlers.client import make_client
from storage import migrate
from storage.database import create_database_engine, create_session_factory
from tests.conftest import BACKENDS
from tests.scenario.conftest import NOW, Slack, slack_workspace
from tests.scenario.test_interactive import _actions, _state


class TransactionProbe:
    """Which of the app's sessions have a transaction open right now."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.open: set[int] = set()
        self.slack_calls_inside: list[str] = []
        self._lock = threading.Lock()
        event.listen(sessions, "after_transaction_create", self._began)
        event.listen(sessions, "after_transaction_end", self._ended)

    def _began(self, _session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            with self._lock:
                self.open.add(id(transaction))

    def _ended(self, _session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            with self._lock:
                self.open.discard(id(transaction))

    def on_slack_call(self, call: Call) -> None:
        with self._lock:
            if self.open:
                self.slack_calls_inside.append(call.method)


@pytest.fixture(params=BACKENDS)
def probed(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]
) -> Iterator[tuple[Slack, TransactionProbe, sessionmaker[Session], FakeSlack]]:
    url = fresh_database_url(request.param)
    migrate.upgrade(url)
    engine = create_database_engine(url)
    sessions = create_session_factory(engine)
    probe = TransactionProbe(sessions)
    with FakeSlack(slack_workspace(), clock=lambda: NOW) as fake:
        fake.subscribe(probe.on_slack_call)
        settings = Settings(
            slack_bot_token="xoxb-test",
            slack_signing_secret=r.SECRET,
            admins=frozenset({"UADMIN"}),
        )
        background = DeferredBackground()
        app = create_app(
            settings,
            client=make_client("xoxb-test", fake.api_url, sleep=lambda _s: None),
            clock=FixedClock(NOW),
            session_factory=sessions,
            background=background,
        )
        yield Slack(app, fake, background), probe, sessions, fake
        assert fake.violations == []
    engine.dispose()


def test_no_request_calls_slack_inside_a_transaction(
    probed: tuple[Slack, TransactionProbe, sessionmaker[Session], FakeSlack],
) -> None:
    slack, probe, _sessions, fake = probed
    fake.fail_next("views.publish", status=429, retry_after=1)  # its retry too
    slack.answer(slack.command("add Acme Corp"))  # a newcomer: users.info, then the answer
    slack.answer(slack.command("follow up Acme Corp tomorrow: send the deck"))
    slack.send(r.direct_message("show Acme Corp"))
    slack.send(r.mention("who owns Acme Corp", user="UBOB"))
    card = fake.messages("DUALICE")[-1]
    block = _actions(card, ids.FOLLOW_UP_BLOCK_PREFIX)
    message: dict[str, Any] = {"ts": card.ts, "blocks": card.blocks, "text": card.text}
    slack.send(r.button(ids.FOLLOW_UP_SNOOZE_DAY, "1", block_id=block["block_id"], message=message))
    original = fake.add_user_message("C0001", "UBOB", "they want a discount")
    slack.send(r.message_shortcut(original.text, ts=original.ts))
    slack.send(r.global_shortcut(user="UADMIN"))
    slack.answer(r.view_submission(_state("1", "met at the fair")))
    slack.send(r.home_opened(user="UBOB"))
    made = {c.method for c in fake.calls}
    assert {"users.info", "chat.postMessage", "chat.update", "views.open", "views.publish"} <= made
    assert probe.slack_calls_inside == []


def test_a_nudge_pass_calls_slack_outside_its_transactions(
    probed: tuple[Slack, TransactionProbe, sessionmaker[Session], FakeSlack],
) -> None:
    slack, probe, sessions, fake = probed
    slack.answer(slack.command("add Acme Corp"))
    slack.answer(slack.command("follow up Acme Corp tomorrow: send the deck"))
    slack.answer(slack.command("add Globex owner <@UBOB>"))  # Bob's profile: never fetched
    slack.answer(slack.command("follow up Globex for <@UBOB> tomorrow: call"))
    fake.clear_calls()
    nudges = create_nudge_pass(
        Settings(slack_bot_token="xoxb-test", admins=frozenset({"UADMIN"})),
        client=make_client("xoxb-test", fake.api_url, sleep=lambda _s: None),
        session_factory=sessions,
        wall=FixedClock(datetime.now(UTC)),
        worker="probe",
    )
    report = nudges.run([r.TEAM], NOW + timedelta(days=2, hours=6))  # Friday, both at work
    assert report.delivered == 2 and report.errors == []
    assert {"users.info", "chat.postMessage"} <= {c.method for c in fake.calls}
    assert probe.slack_calls_inside == []
