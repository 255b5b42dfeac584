"""The 09:00 burst within Slack's limits: a workspace whose owners all have a digest at 09:00
gets every one within 15 minutes, and the fake Slack — enforcing one post a second per
channel, a workspace budget for posts and every method's tier — never answers 429.

Everything runs on one clock the test drives: the scheduler's passes every minute, the nudge
pass's wall clock, the pacer's waits and the fake's buckets. Nothing really sleeps; the
pacer's waiting moves the clock. The pass is built as production builds it
(``create_nudge_pass`` with Slack's URL and token, the pacer wired into its client).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.domain import AccountKind, Owner
from bot.drafts import NewAccount, NewFollowUp
from bot.fakeslack import FakeSlack, Workspace
from bot.fakeslack.ratelimits import RateLimits
from bot.nudges.delivery import NudgePass, PassReport
from bot.pacing import Pacer
from bot.settings import Settings
from storage import models
from storage.unit_of_work import unit_of_work
from tests.driven_clock import DrivenClock

TEAM = "T0001"
# Monday 4 January 2027: 08:55 in Berlin, five minutes before everyone's digest.
START = datetime(2027, 1, 4, 7, 55, tzinfo=UTC)
NINE = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)
TICK = timedelta(minutes=1)  # the scheduler's interval


def _owner(n: int) -> str:
    return f"U{n:05d}"


def _seed(sessions: sessionmaker[Session], owners: int) -> None:
    """One account per owner, each with a follow-up due this afternoon: one digest each."""
    created = START - timedelta(days=3)
    with unit_of_work(sessions, TEAM) as uow:
        uow.workspaces.get_or_create(created)
        accounts = uow.bulk.add_accounts(
            [
                NewAccount(
                    name=f"Customer {n:05d}",
                    kind=AccountKind.CUSTOMER,
                    owner=Owner(user_id=_owner(n)),
                    tier=None,
                    cadence_days=30,
                    created_at=created,
                )
                for n in range(owners)
            ]
        )
        uow.bulk.add_follow_ups(
            [
                NewFollowUp(
                    account_id=account.id,
                    owner_id=_owner(n),
                    due_at=NINE + timedelta(hours=5),
                    text="Call back about the offer",
                    created_by=_owner(n),
                    created_at=created,
                    updated_at=created,
                )
                for n, account in enumerate(accounts)
            ]
        )


def _workspace(owners: int) -> Workspace:
    workspace = Workspace(team_id=TEAM)
    for n in range(owners):
        workspace.add_user(_owner(n), f"owner{n}", tz="Europe/Berlin")
    return workspace


@pytest.fixture
def clock() -> DrivenClock:
    return DrivenClock(START)


def _nudge_pass(sessions: sessionmaker[Session], fake: FakeSlack, clock: DrivenClock) -> NudgePass:
    pacer = Pacer(timer=clock.timer, wait_until=clock.wait_until)
    settings = Settings(slack_bot_token="xoxb-test", slack_api_url=fake.api_url)
    return create_nudge_pass(
        settings,
        session_factory=sessions,
        wall=clock,
        sleep=lambda _seconds: None,
        worker="pacing",
        pacer=pacer,
    )


def _morning(nudges: NudgePass, clock: DrivenClock, until: datetime) -> list[PassReport]:
    """The scheduler's passes, one a minute on the minute since ``START`` (a pass that runs
    long delays the next, as APScheduler's coalescing does), until ``until``. In production
    the interval's phase is the process's start: up to a minute more after 09:00."""
    reports = []
    tick = START
    while clock.now() < until:
        reports.append(nudges.run([TEAM], clock.now()))
        while tick <= clock.now():
            tick += TICK
        clock.advance(tick - clock.now())
    return reports


def _sent(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        statement = select(func.count()).where(models.NudgeRow.status == "sent")
        return int(session.execute(statement).scalar_one())


def _burst(sessions: sessionmaker[Session], clock: DrivenClock, owners: int) -> None:
    with FakeSlack(
        _workspace(owners), clock=clock.now, timer=clock.timer, rate_limits=RateLimits()
    ) as fake:
        nudges = _nudge_pass(sessions, fake, clock)
        first = nudges.run([TEAM], clock.now())  # 08:55: planned, nothing sent yet
        assert (first.planned, first.messages) == (owners, 0)
        _morning(nudges, clock, NINE + WINDOW + TICK)
        posts = [c for c in fake.calls_to("chat.postMessage") if c.ok]
        limited = fake.rate_limited()
        last = max(c.at for c in posts)
        print(
            f"\npacing, {owners} owners: {len(posts)} digests delivered, "
            f"the first {(min(c.at for c in posts) - NINE).total_seconds():.1f} s after 09:00, "
            f"the last {(last - NINE).total_seconds() / 60:.2f} min after; "
            f"{len(limited)} answered 429; {len(fake.calls)} Web API calls"
        )
        assert limited == []
        assert len(posts) == owners == _sent(sessions)
        assert len({c.args["channel"] for c in posts}) == owners
        assert min(c.at for c in posts) >= NINE
        assert last <= NINE + WINDOW
        assert fake.violations == []


@pytest.mark.parametrize("owners", [100])
def test_every_digest_of_a_small_workspace_goes_out_paced(
    fresh_sessions: sessionmaker[Session], clock: DrivenClock, owners: int
) -> None:
    _seed(fresh_sessions, owners)
    _burst(fresh_sessions, clock, owners)


@pytest.mark.parametrize("owners", [1000])
def test_a_thousand_digests_at_nine_within_fifteen_minutes_and_no_429(
    fresh_sessions: sessionmaker[Session], clock: DrivenClock, owners: int
) -> None:
    _seed(fresh_sessions, owners)
    _burst(fresh_sessions, clock, owners)
