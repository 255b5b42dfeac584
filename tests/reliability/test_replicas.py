"""Replicas: three OS processes run `python app.py nudge` against one database at once.

1,000 overdue follow-ups across 50 owners; the fake Slack must receive every item exactly
once — and, with one process killed mid-pass, nothing lost and duplicates at most the
messages in flight at the kill.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
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
from bot.render import ids
from bot.services import accounts, follow_ups
from bot.settings import Settings
from handlers.client import make_client
from storage import migrate, models
from storage.database import create_database_engine, create_session_factory
from storage.unit_of_work import unit_of_work
from tests.conftest import BACKENDS

ROOT = Path(__file__).resolve().parents[2]
TEAM = "T0001"
OWNERS = 50
PER_OWNER = 20
THURSDAY = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
MONDAY_0905 = "2027-01-04T09:05:00+01:00"


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]
) -> Iterator[tuple[URL, sessionmaker[Session]]]:
    url = fresh_database_url(request.param)
    migrate.upgrade(url)
    engine = create_database_engine(url)
    sessions = create_session_factory(engine)
    berlin = ZoneInfo("Europe/Berlin")
    tomorrow = parse_when("tomorrow", now=THURSDAY, tz=berlin, direction=Direction.FUTURE)
    for n in range(OWNERS):
        owner = Actor(team_id=TEAM, user_id=f"U{n:03d}", timezone="Europe/Berlin")
        with unit_of_work(sessions, TEAM) as uow:
            account = accounts.add_account(uow, owner, THURSDAY, name=f"Account {n:03d}")
            for i in range(PER_OWNER):
                follow_ups.create_follow_up(
                    uow, owner, THURSDAY, account=account, when=tomorrow, text=f"item {n}-{i}"
                )
    yield url, sessions
    engine.dispose()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    workspace = Workspace(team_id=TEAM)
    for n in range(OWNERS):
        workspace.add_user(f"U{n:03d}", f"owner{n}", tz="Europe/Berlin")
    with FakeSlack(workspace) as running:
        yield running


def _numbers(call: Call) -> list[int]:
    blocks = call.args.get("blocks")
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks or []
    prefix = ids.FOLLOW_UP_BLOCK_PREFIX
    return [
        int(b["block_id"][len(prefix) :])
        for b in blocks
        if b.get("block_id", "").startswith(prefix)
    ]


def _delivered(fake: FakeSlack) -> Counter[int]:
    return Counter(n for c in fake.calls_to("chat.postMessage") if c.ok for n in _numbers(c))


def _split_digests(fake: FakeSlack) -> dict[str, set[str | None]]:
    """Recipients whose items went out from more than one process: a split digest."""
    senders: dict[str, set[str | None]] = {}
    for call in fake.calls_to("chat.postMessage"):
        if call.ok:
            senders.setdefault(str(call.args["channel"]), set()).add(call.token)
    return {channel: tokens for channel, tokens in senders.items() if len(tokens) > 1}


def _start(url: URL, fake: FakeSlack, name: str) -> subprocess.Popen[str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": f"xoxb-{name}",
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


def test_three_processes_deliver_every_item_exactly_once(
    database: tuple[URL, sessionmaker[Session]], fake: FakeSlack
) -> None:
    url, sessions = database
    processes = [_start(url, fake, f"p{i}") for i in range(3)]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    delivered = _delivered(fake)
    assert sorted(delivered) == list(range(1, OWNERS * PER_OWNER + 1))
    assert set(delivered.values()) == {1}
    assert _statuses(sessions) == {"sent": OWNERS * PER_OWNER}
    senders = Counter(c.token for c in fake.calls_to("chat.postMessage"))
    print(f"\nmessages per process: {dict(senders)}")
    assert len(senders) > 1, "one process did all the work: the test proves nothing"
    assert _split_digests(fake) == {}
    assert fake.violations == []


def test_a_process_killed_mid_pass_loses_nothing(
    database: tuple[URL, sessionmaker[Session]], fake: FakeSlack
) -> None:
    url, sessions = database
    # The victim starts alone; the other two start once it is delivering, and it is killed
    # after its third message, so it surely dies mid-pass with the others still at work.
    victim = _start(url, fake, "p0")
    others: list[subprocess.Popen[str]] = []
    posts_by_victim: list[Call] = []

    def on_call(call: Call) -> None:
        if call.method != "chat.postMessage" or call.token != "xoxb-p0":
            return
        posts_by_victim.append(call)
        if len(posts_by_victim) == 1:
            others.extend(_start(url, fake, f"p{i}") for i in (1, 2))
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
        session_factory=sessions,
        wall=later,
        worker="recovery",
    )
    recovery.run([TEAM], datetime.fromisoformat(MONDAY_0905))
    delivered = _delivered(fake)
    assert sorted(delivered) == list(range(1, OWNERS * PER_OWNER + 1))  # nothing lost
    duplicates = sum(delivered.values()) - OWNERS * PER_OWNER
    print(f"\nduplicates after SIGKILL: {duplicates} (items in flight at the kill)")
    assert duplicates <= ITEMS_PER_MESSAGE
    assert _statuses(sessions) == {"sent": OWNERS * PER_OWNER}
