"""Delivery through the ledger, on a freshly migrated database with real commits (claims must
be seen across connections), through the fake Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.dates import Direction, parse_when
from bot.domain import Actor, InteractionKind
from bot.fakeslack import FakeSlack
from bot.nudges.delivery import FIRST_RETRY, GIVE_UP_AFTER, NudgePass, PassReport
from bot.services import accounts, contracts, follow_ups, interactions
from bot.services import settings as workspace_settings
from bot.settings import Settings
from handlers.client import make_client
from storage import models
from storage.unit_of_work import unit_of_work
from tests.scenario.conftest import slack_workspace

TEAM = "T0001"
ALICE = Actor(team_id=TEAM, user_id="UALICE", timezone="Europe/Berlin")
MONDAY = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # 09:00 in Berlin: nothing due yet at 08:59
DIGEST = MONDAY + timedelta(minutes=5)  # Monday 09:05 in Berlin


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(slack_workspace(TEAM), clock=lambda: DIGEST) as running:
        yield running
        assert running.violations == []


@pytest.fixture
def wall() -> FixedClock:
    """Real time for leases, held still so the test decides when a lease runs out."""
    return FixedClock(DIGEST)


@pytest.fixture
def slept() -> list[float]:
    return []


def _pass(
    sessions: sessionmaker[Session],
    fake: FakeSlack,
    wall: FixedClock,
    slept: list[float],
    worker: str = "w1",
) -> NudgePass:
    client = make_client("xoxb-test", fake.api_url, sleep=slept.append, wait_out_rate_limits=False)
    return create_nudge_pass(
        Settings(slack_bot_token="xoxb-test", admins=frozenset({"UADMIN"})),
        client=client,
        session_factory=sessions,
        wall=wall,
        worker=worker,
    )


def _run(sessions: sessionmaker[Session], actor: Actor, now: datetime, use_case, **kw):  # type: ignore[no-untyped-def]
    with unit_of_work(sessions, actor.team_id) as uow:
        return use_case(uow, actor, now, **kw)


@pytest.fixture
def seeded(fresh_sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Alice's Acme Corp: a follow-up overdue since Friday, a contract renewing in 30 days."""
    sessions = fresh_sessions
    friday = datetime(2027, 1, 1, 10, 0, tzinfo=UTC)
    tz = ZoneInfo("Europe/Berlin")
    _run(sessions, ALICE, friday - timedelta(days=1), accounts.add_account, name="Acme Corp")
    _run(
        sessions,
        ALICE,
        friday - timedelta(days=1),
        interactions.log_interaction,
        account="Acme Corp",
        kind=InteractionKind.CALL,
        summary="Kickoff went well.",
    )
    _run(
        sessions,
        ALICE,
        friday - timedelta(days=1),
        follow_ups.create_follow_up,
        account="Acme Corp",
        text="Send the proposal",
        when=parse_when(
            "tomorrow", now=friday - timedelta(days=1), tz=tz, direction=Direction.FUTURE
        ),
    )
    _run(
        sessions,
        ALICE,
        friday,
        contracts.set_contract,
        account="Acme Corp",
        value=Decimal(24000),
        currency="EUR",
        renews=parse_when("2027-02-03", now=friday, tz=tz, direction=Direction.FUTURE),
    )
    return sessions


def _ledger(sessions: sessionmaker[Session]) -> list[models.NudgeRow]:
    with sessions() as session:
        return list(session.query(models.NudgeRow).order_by(models.NudgeRow.id))


def test_a_pass_delivers_each_due_item_once_and_a_second_pass_nothing(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    nudges = _pass(seeded, fake, wall, slept)
    early = nudges.run([TEAM], MONDAY - timedelta(minutes=1))
    assert (early.planned, early.messages) == (2, 0)  # planned ahead, held until 09:00
    report = nudges.run([TEAM], DIGEST)
    assert (report.planned, report.messages, report.delivered) == (0, 1, 2)
    [post] = fake.calls_to("chat.postMessage")
    shown = json.dumps(post.args, ensure_ascii=False)
    assert "Send the proposal" in shown and "Acme Corp" in shown
    assert "Kickoff went well." in shown  # the last touch, for context
    assert "24,000 EUR" in shown
    rows = _ledger(seeded)
    assert {r.status for r in rows} == {"sent"}
    assert all(r.message_ts for r in rows)
    again = nudges.run([TEAM], DIGEST + timedelta(minutes=1))
    assert (again.planned, again.messages) == (0, 0)
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_a_crash_between_claim_and_send_is_delivered_after_the_lease_runs_out(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    nudges = _pass(seeded, fake, wall, slept)
    nudges._plan(TEAM, DIGEST, PassReport())
    with unit_of_work(seeded, TEAM) as uow:  # a worker that dies after claiming
        held = uow.nudges.claim_next(
            due_by=DIGEST,
            wall_now=wall.now(),
            worker="dead",
            lease_until=wall.now() + timedelta(minutes=2),
        )
    assert len(held) == 2
    assert nudges.run([TEAM], DIGEST).messages == 0  # still leased to the dead worker
    wall.advance(timedelta(minutes=3))
    report = nudges.run([TEAM], DIGEST)
    assert (report.reaped, report.messages, report.delivered) == (2, 1, 2)
    assert len(fake.calls_to("chat.postMessage")) == 1


def _posts(fake: FakeSlack) -> list[bool]:
    return [c.ok for c in fake.calls_to("chat.postMessage")]


def test_a_rate_limit_is_waited_out_on_real_time_with_the_lease_given_back(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    """Slack asks for 130 s, longer than a lease: the worker does not sleep on its lease (a
    replica would take over and post too); the rows wait, pending, and go out once after."""
    fake.fail_next("chat.postMessage", status=429, retry_after=130)
    nudges = _pass(seeded, fake, wall, slept)
    first = nudges.run([TEAM], DIGEST)
    assert (first.messages, first.failed, slept) == (0, 0, [])
    rows = _ledger(seeded)
    assert {(r.status, r.lease_owner) for r in rows} == {("pending", None)}
    assert {r.retry_after for r in rows} == {wall.now() + timedelta(seconds=130)}
    wall.advance(timedelta(seconds=129))
    other = _pass(seeded, fake, wall, slept, worker="w2").run([TEAM], DIGEST)
    assert other.messages == 0 and _posts(fake) == [False]
    wall.advance(timedelta(seconds=1))
    assert other.messages == 0
    assert _pass(seeded, fake, wall, slept, worker="w2").run([TEAM], DIGEST).messages == 1
    assert _posts(fake) == [False, True]
    assert {r.status for r in _ledger(seeded)} == {"sent"}


def test_server_errors_back_off_on_real_time_and_stay_pending_until_slack_recovers(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    """35 s of 500s used to spend all five attempts within one pass; now each attempt waits
    longer (30 s, 60 s, …) and nothing is lost."""
    per_attempt = 4  # the client's own quick retries: 1 s, 2 s, 4 s
    fake.fail_next("chat.postMessage", status=500, times=2 * per_attempt)
    nudges = _pass(seeded, fake, wall, slept)
    nudges.run([TEAM], DIGEST)
    nudges.run([TEAM], DIGEST)  # at once again: nothing is tried, nothing spins
    assert len(_posts(fake)) == per_attempt
    [retry] = {r.retry_after for r in _ledger(seeded)}
    assert retry == wall.now() + FIRST_RETRY
    wall.advance(FIRST_RETRY)
    nudges.run([TEAM], DIGEST)
    assert {r.retry_after for r in _ledger(seeded)} == {wall.now() + 2 * FIRST_RETRY}
    assert {r.status for r in _ledger(seeded)} == {"pending"}
    wall.advance(2 * FIRST_RETRY)
    report = nudges.run([TEAM], DIGEST)
    assert (report.messages, report.delivered) == (1, 2)
    assert _posts(fake).count(True) == 1
    assert {(r.status, r.attempts) for r in _ledger(seeded)} == {("sent", 3)}


def test_after_a_day_of_failures_they_are_failed_and_the_admins_told(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    per_attempt = 4
    fake.fail_next("chat.postMessage", status=500, times=3 * per_attempt)
    nudges = _pass(seeded, fake, wall, slept)
    nudges.run([TEAM], DIGEST)
    wall.advance(GIVE_UP_AFTER - timedelta(minutes=1))
    nudges.run([TEAM], DIGEST)  # still within the day: pending, retried a minute later
    assert {r.status for r in _ledger(seeded)} == {"pending"}
    wall.advance(timedelta(minutes=1))
    report = nudges.run([TEAM], DIGEST)
    rows = _ledger(seeded)
    assert report.failed == 2 and {r.status for r in rows} == {"failed"}
    assert all("internal_error" in (r.last_error or "") for r in rows)
    told = [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.ok and (c.response or {}).get("channel") == "DUADMIN"
    ]
    assert len(told) == 1 and "could not deliver 2 reminders to <@UALICE>" in told[0].args["text"]


def test_an_error_no_retry_fixes_fails_at_once_and_is_escalated(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    fake.add_channel("CESC", "crm-escalations")
    _escalate_to(seeded, "CESC")
    fake.fail_next("chat.postMessage", error="messages_tab_disabled")
    report = _pass(seeded, fake, wall, slept).run([TEAM], DIGEST)
    assert report.failed == 2
    assert {r.last_error for r in _ledger(seeded)} == {"messages_tab_disabled"}
    [told] = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "CESC"]
    assert "<@UALICE> (messages_tab_disabled)" in told.args["text"]


def test_a_worker_that_lost_its_lease_does_not_post(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    """A worker stalls between its claim and its post past the lease (a long GC pause, a
    slow database): another worker reaps the rows and sends them; the first must not post."""
    late = FixedClock(DIGEST + timedelta(minutes=3))
    other = _pass(seeded, fake, late, slept, worker="w2")
    stalled = _pass(seeded, fake, wall, slept, worker="w1")
    render = stalled.render

    def stall_then_render(*args, **kwargs):  # type: ignore[no-untyped-def]
        other.run([TEAM], DIGEST)  # meanwhile: the lease ran out, w2 reaped and sent
        wall.advance(timedelta(minutes=3))
        return render(*args, **kwargs)

    stalled.render = stall_then_render
    report = stalled.run([TEAM], DIGEST)
    assert (report.messages, report.lost_leases) == (0, 2)  # it saw them go, and kept out
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert {r.status for r in _ledger(seeded)} == {"sent"}


def test_a_deleted_follow_up_is_never_nudged(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    with seeded() as session, session.begin():
        session.execute(delete(models.FollowUpRow))
    _pass(seeded, fake, wall, slept).run([TEAM], DIGEST)
    shown = json.dumps([c.args for c in fake.calls_to("chat.postMessage")])
    assert "Send the proposal" not in shown
    assert all(r.item_kind != "follow_up" for r in _ledger(seeded))


def test_a_follow_up_done_after_planning_is_skipped_not_sent(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    nudges = _pass(seeded, fake, wall, slept)
    nudges._plan(TEAM, DIGEST, PassReport())
    _run(seeded, ALICE, DIGEST, follow_ups.complete_follow_up, number=1)
    report = nudges.run([TEAM], DIGEST)
    assert report.skipped == 1 and report.delivered == 1
    statuses = {r.item_kind: r.status for r in _ledger(seeded)}
    assert statuses == {"follow_up": "skipped", "contract": "sent"}


def _escalate_to(sessions: sessionmaker[Session], channel: str) -> None:
    admin = Actor(team_id=TEAM, user_id="UADMIN", timezone="Europe/Berlin", is_admin=True)
    _run(sessions, admin, DIGEST, workspace_settings.update_workspace, escalation_channel=channel)


def test_escalations_join_a_public_channel_the_bot_is_not_in(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    fake.add_channel("CESC", "crm-escalations", is_member=False)
    _escalate_to(seeded, "CESC")
    later = DIGEST + timedelta(days=7)  # the follow-up is 7 days overdue by now
    wall.advance(timedelta(days=7))
    _pass(seeded, fake, wall, slept).run([TEAM], later)
    assert [c.args["channel"] for c in fake.calls_to("conversations.join")] == ["CESC"]
    posted = [c for c in fake.calls_to("chat.postMessage") if c.ok and c.args["channel"] == "CESC"]
    assert len(posted) == 1 and "Send the proposal" in json.dumps(posted[0].args)


def test_a_private_channel_it_cannot_join_fails_loudly_with_the_error_kept(
    seeded: sessionmaker[Session],
    fake: FakeSlack,
    wall: FixedClock,
    slept: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.add_channel("GPRIV", "secret-escalations", is_private=True, is_member=False)
    _escalate_to(seeded, "GPRIV")
    wall.advance(timedelta(days=7))
    _pass(seeded, fake, wall, slept).run([TEAM], DIGEST + timedelta(days=7))
    escalation = [r for r in _ledger(seeded) if r.recipient_id == "GPRIV"]
    assert [r.status for r in escalation] == ["failed"]
    assert escalation[0].last_error
    assert "nudge not delivered" in caplog.text


def test_the_admins_are_asked_to_invite_the_bot_to_a_private_channel(
    seeded: sessionmaker[Session], fake: FakeSlack, wall: FixedClock, slept: list[float]
) -> None:
    fake.add_channel("GPRIV", "secret-escalations", is_private=True, is_member=False)
    _escalate_to(seeded, "GPRIV")
    wall.advance(timedelta(days=7))
    client = make_client("xoxb-test", fake.api_url, sleep=slept.append)
    nudges = create_nudge_pass(
        Settings(slack_bot_token="xoxb-test", admins=frozenset({"UADMIN"})),
        client=client,
        session_factory=seeded,
        wall=wall,
        worker="w1",
    )
    nudges.run([TEAM], DIGEST + timedelta(days=7))
    asked = [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.ok
        and "invite" in str(c.args.get("text"))
        and (c.response or {}).get("channel") == "DUADMIN"
    ]
    assert len(asked) == 1
