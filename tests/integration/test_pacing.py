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


def _nudge_pass(
    sessions: sessionmaker[Session], fake: FakeSlack, clock: DrivenClock, pacer: Pacer | None = None
) -> NudgePass:
    pacer = pacer or Pacer(timer=clock.timer, wait_until=clock.wait_until)
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


def _rows(sessions: sessionmaker[Session]) -> list[models.NudgeRow]:
    with sessions() as session:
        return list(session.scalars(select(models.NudgeRow).order_by(models.NudgeRow.id)))


def test_a_turn_further_than_the_lease_allows_gives_the_rows_back_without_a_post(
    fresh_sessions: sessionmaker[Session], clock: DrivenClock
) -> None:
    """Slack closed chat.postMessage for ten minutes: the pass does not wait on its lease
    (two minutes) for the turn; it gives the rows back until then and posts nothing."""
    _seed(fresh_sessions, 3)
    with FakeSlack(
        _workspace(3), clock=clock.now, timer=clock.timer, rate_limits=RateLimits()
    ) as fake:
        pacer = Pacer(timer=clock.timer, wait_until=clock.wait_until)
        nudges = _nudge_pass(fresh_sessions, fake, clock, pacer)
        clock.advance(NINE - START)
        pacer.hold_off("xoxb-test", "chat.postMessage", 600)
        report = nudges.run([TEAM], clock.now())
        assert clock.now() - NINE < timedelta(seconds=30)  # waited for nothing but users.list
        assert (report.messages, fake.calls_to("chat.postMessage")) == (0, [])
        rows = _rows(fresh_sessions)
        assert {r.status for r in rows} == {"pending"}
        assert {r.lease_owner for r in rows} == {None}
        assert all(
            r.retry_after is not None
            and r.retry_after.replace(tzinfo=UTC) >= NINE + timedelta(seconds=600)
            for r in rows
        )
        clock.advance(timedelta(minutes=10))
        assert nudges.run([TEAM], clock.now()).delivered == 3
        assert fake.rate_limited() == []


def test_slacks_retry_after_closes_the_method_for_every_later_call(
    fresh_sessions: sessionmaker[Session], clock: DrivenClock
) -> None:
    """One 429 (Retry-After 20 s): its row waits, and the pacer keeps every post of the
    workspace back for those 20 seconds instead of asking Slack again at once."""
    _seed(fresh_sessions, 3)
    with FakeSlack(_workspace(3), clock=clock.now, timer=clock.timer) as fake:
        fake.fail_next("chat.postMessage", retry_after=20)
        nudges = _nudge_pass(fresh_sessions, fake, clock)
        clock.advance(NINE - START)
        report = nudges.run([TEAM], clock.now())
        posts = fake.calls_to("chat.postMessage")
        # The two others wait out the 20 s; by then the first is due again, in the same pass.
        assert [c.status for c in posts] == [429, 200, 200, 200]
        assert posts[1].at - posts[0].at >= timedelta(seconds=20)
        assert (report.delivered, report.errors) == (3, ["ratelimited"])
