"""Replicas: three OS processes run `python app.py nudge` against one database at once
(issue 7, point 6, and a process killed with SIGKILL mid-pass).

Many overdue follow-ups across many owners; the fake Slack must receive every item exactly
once, every owner's digest from one process (never split between two), and — with one
process killed mid-pass — nothing lost, duplicates at most the message in flight at the kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.dates import Direction, parse_when
from bot.domain import Actor
from bot.fakeslack import Call, FakeSlack, Workspace
from bot.nudges.delivery import ITEMS_PER_MESSAGE
from bot.services import accounts, follow_ups
from bot.settings import Settings
from handlers.client import make_client
from storage import models
from storage.database import create_database_engine, create_session_factory
from storage.unit_of_work import unit_of_work
from tests.reliability.seeding import delivered, split_digests
from tests.serving import ROOT

pytestmark = pytest.mark.slow
TEAM = "T0001"
THURSDAY = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
MONDAY_0905 = "2027-01-04T09:05:00+01:00"
# (owners, follow-ups each): digests of two messages each; and of one message each.
BOOKS = {"50 owners x 20": (50, 20), "60 owners x 10": (60, 10)}


@pytest.fixture(params=sorted(BOOKS))
def book(request: pytest.FixtureRequest) -> tuple[int, int]:
    return BOOKS[request.param]


@pytest.fixture
def seeded(database: URL, book: tuple[int, int]) -> Iterator[sessionmaker[Session]]:
    owners, per_owner = book
    engine = create_database_engine(database)
    sessions = create_session_factory(engine)
    berlin = ZoneInfo("Europe/Berlin")
    tomorrow = parse_when("tomorrow", now=THURSDAY, tz=berlin, direction=Direction.FUTURE)
    for n in range(owners):
        owner = Actor(team_id=TEAM, user_id=f"U{n:03d}", timezone="Europe/Berlin")
        with unit_of_work(sessions, TEAM) as uow:
            account = accounts.add_account(uow, owner, THURSDAY, name=f"Account {n:03d}")
            for i in range(per_owner):
                follow_ups.create_follow_up(
                    uow, owner, THURSDAY, account=account, when=tomorrow, text=f"item {n}-{i}"
                )
    yield sessions
    engine.dispose()


@pytest.fixture
def fake(book: tuple[int, int]) -> Iterator[FakeSlack]:
    workspace = Workspace(team_id=TEAM)
    for n in range(book[0]):
        workspace.add_user(f"U{n:03d}", f"owner{n}", tz="Europe/Berlin")
    with FakeSlack(workspace) as running:
        yield running


def _start(url: URL, fake: FakeSlack, name: str) -> subprocess.Popen[str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": f"xoxb-{name}",  # tells the fake which process posted
        "SLACK_API_URL": fake.api_url,
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "nudge", "--now", MONDAY_0905, "--team", TEAM],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _statuses(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        rows = session.execute(
            select(models.NudgeRow.status, func.count()).group_by(models.NudgeRow.status)
        )
        return {status: int(count) for status, count in rows}


def test_three_processes_deliver_every_item_exactly_once_and_split_no_digest(
    database: URL,
    seeded: sessionmaker[Session],
    fake: FakeSlack,
    book: tuple[int, int],
    figure: Callable[[str], None],
) -> None:
    owners, per_owner = book
    items = owners * per_owner
    processes = [_start(database, fake, f"p{i}") for i in range(3)]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    counted = delivered(fake)
    senders = Counter(c.token for c in fake.calls_to("chat.postMessage") if c.ok)
    split = split_digests(fake)
    figure(
        f"{items} items, {owners} owners, 3 processes: {sum(counted.values())} delivered, "
        f"{len(set(counted))} distinct; messages per process {dict(senders)}; "
        f"{len(split)} digests split"
    )
    assert sorted(counted) == list(range(1, items + 1))
    assert set(counted.values()) == {1}
    assert _statuses(seeded) == {"sent": items}
    assert len(senders) > 1, "one process did all the work: the test proves nothing"
    assert split == {}
    assert fake.violations == []


def test_a_process_killed_mid_pass_loses_nothing(
    database: URL,
    seeded: sessionmaker[Session],
    fake: FakeSlack,
    book: tuple[int, int],
    figure: Callable[[str], None],
) -> None:
    items = book[0] * book[1]
    # The victim starts alone; the other two start once it is delivering, and it is killed
    # after its third message, so it surely dies mid-pass with the others still at work.
    victim = _start(database, fake, "p0")
    others: list[subprocess.Popen[str]] = []
    posts_by_victim: list[Call] = []

    def on_call(call: Call) -> None:
        if call.method != "chat.postMessage" or call.token != "xoxb-p0":
            return
        posts_by_victim.append(call)
        if len(posts_by_victim) == 1:
            others.extend(_start(database, fake, f"p{i}") for i in (1, 2))
        if len(posts_by_victim) == 3:
            os.kill(victim.pid, signal.SIGKILL)

    fake.subscribe(on_call)
    victim.communicate(timeout=300)
    assert victim.returncode == -signal.SIGKILL
    for process in others:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    # The victim's leases run out on the real clock (two minutes); a later pass, with the
    # wall clock an hour on, reaps them and delivers what the victim never sent.
    later = FixedClock(datetime.now(UTC) + timedelta(hours=1))
    settings = Settings(slack_bot_token="xoxb-later", admins=frozenset())
    recovery = create_nudge_pass(
        settings,
        client=make_client("xoxb-later", fake.api_url),
        session_factory=seeded,
        wall=later,
        worker="recovery",
    )
    recovery.run([TEAM], datetime.fromisoformat(MONDAY_0905))
    counted = delivered(fake)
    duplicates = sum(counted.values()) - items
    figure(f"SIGKILL mid-pass: {len(set(counted))} of {items} delivered, {duplicates} twice")
    assert sorted(counted) == list(range(1, items + 1))  # nothing lost
    assert duplicates <= ITEMS_PER_MESSAGE
    assert _statuses(seeded) == {"sent": items}
