"""Several senders in one pass (``NudgePass.senders``) claim recipients as replicas do: every
due item goes out once, each recipient's items in their own messages, nothing twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.domain import AccountKind, Owner
from bot.fakeslack import FakeSlack
from bot.fakeslack.workspace import Workspace
from bot.settings import Settings
from handlers.client import make_client
from storage import models
from storage.unit_of_work import unit_of_work

TEAM = "T0001"
NOW = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)  # Monday, past 09:00 UTC
OWNERS = [f"U{n:03d}" for n in range(1, 13)]
PER_OWNER = 14  # two messages each (twelve items a message)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    workspace = Workspace(team_id=TEAM)
    for user in OWNERS:
        workspace.add_user(user, user.lower(), tz="UTC")
    with FakeSlack(workspace, clock=lambda: NOW) as running:
        yield running
        assert running.violations == []


def test_four_senders_deliver_every_item_once(
    fresh_sessions: sessionmaker[Session], fake: FakeSlack
) -> None:
    with unit_of_work(fresh_sessions, TEAM) as uow:
        uow.workspaces.get_or_create(NOW)
        for owner in OWNERS:
            account = uow.accounts.add(
                name=f"Account of {owner}",
                kind=AccountKind.CUSTOMER,
                owner=Owner(user_id=owner),
                tier=None,
                cadence_days=365,
                now=NOW,
            )
            for n in range(PER_OWNER):
                uow.follow_ups.add(
                    number=uow.workspaces.next_follow_up_number(),
                    account_id=account.id,
                    owner_id=owner,
                    due_at=NOW - timedelta(days=1 + n % 3),
                    text=f"Item {n}",
                    created_by=owner,
                    now=NOW - timedelta(days=5),
                )
    nudges = create_nudge_pass(
        Settings(slack_bot_token="xoxb-test"),
        client=make_client("xoxb-test", fake.api_url, sleep=lambda _s: None),
        session_factory=fresh_sessions,
        wall=FixedClock(NOW),
        worker="w1",
        senders=4,
    )
    report = nudges.run([TEAM], NOW)
    items = len(OWNERS) * PER_OWNER
    assert (report.planned, report.delivered, report.messages) == (items, items, 24)
    assert report.errors == [] and report.lost_leases == 0
    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == 24
    with fresh_sessions() as session:
        rows = session.execute(select(models.NudgeRow.status, models.NudgeRow.message_ts)).all()
    assert {status for status, _ts in rows} == {"sent"}
    assert sorted(Counter(ts for _s, ts in rows).values()) == [2] * 12 + [12] * 12
    assert nudges.run([TEAM], NOW).delivered == 0  # and a second pass: nothing
