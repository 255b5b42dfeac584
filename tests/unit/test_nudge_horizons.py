"""A pass reads only what can be due (``gather.horizons``) and plans it a chunk at a time:
neither may change the plan. The SQL behind the horizons is tested in
tests/integration/test_nudge_pass_reads.py; here, the same conditions in Python."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import AccountStatus, FollowUpStatus
from bot.nudges.gather import horizons
from bot.nudges.model import NudgeKind, PlanningInput
from bot.nudges.planning import plan
from tests.unit.test_nudge_planning import account, contract, owner, planning, planning_inputs

LIVE = (AccountStatus.ACTIVE, AccountStatus.AT_RISK)


def only_what_can_be_due(data: PlanningInput) -> PlanningInput:
    """The input as the repositories' due queries would read it."""
    follow_ups_before, renewals_by, notices_by = horizons(data.workspace, data.now)
    return replace(
        data,
        follow_ups=[
            f
            for f in data.follow_ups
            if f.status is FollowUpStatus.OPEN and f.effective_due < follow_ups_before
        ],
        contracts=[
            (c, a)
            for c, a in data.contracts
            if c.outcome is None
            and a.status in LIVE
            and (
                c.renewal_date <= renewals_by
                or (c.notice_deadline is not None and c.notice_deadline <= notices_by)
            )
        ],
        accounts=[a for a in data.accounts if a.status in LIVE and a.next_touch_due < data.now],
    )


@settings(max_examples=400, deadline=None)
@given(planning_inputs())
def test_reading_only_what_can_be_due_plans_the_same(data: PlanningInput) -> None:
    assert plan(only_what_can_be_due(data)) == plan(data)


# Thursday 23:30 UTC is Friday 08:30 in Tokyo: the owner's day is a UTC day ahead.
LATE_THURSDAY = datetime(2027, 1, 7, 23, 30, tzinfo=UTC)
TOKYO_FRIDAY = date(2027, 1, 8)


def test_the_largest_ladder_step_of_a_zone_a_day_ahead_of_utc_is_read() -> None:
    data = planning(
        LATE_THURSDAY,
        owners=[owner("U1", tz="Asia/Tokyo", digest_time=datetime.min.time())],
        contracts=[(contract(1, TOKYO_FRIDAY + timedelta(days=90)), account(1))],
    )
    found = plan(only_what_can_be_due(data)).occasions
    assert [(o.kind, o.details["step"]) for o in found] == [(NudgeKind.RENEWAL_STEP, 90)]


def test_the_largest_notice_step_of_a_zone_a_day_ahead_of_utc_is_read() -> None:
    renewal = TOKYO_FRIDAY + timedelta(days=200)
    notice = (renewal - (TOKYO_FRIDAY + timedelta(days=14))).days  # deadline in 14 days
    data = planning(
        LATE_THURSDAY,
        owners=[owner("U1", tz="Asia/Tokyo", digest_time=datetime.min.time())],
        contracts=[(contract(1, renewal, notice=notice), account(1))],
    )
    found = plan(only_what_can_be_due(data)).occasions
    assert [(o.kind, o.details["step"]) for o in found] == [(NudgeKind.NOTICE_STEP, 14)]


@settings(max_examples=200, deadline=None)
@given(planning_inputs(), st.integers(0, 5))
def test_planning_in_chunks_plans_the_same(data: PlanningInput, cut: int) -> None:
    first = replace(
        data,
        follow_ups=data.follow_ups[:cut],
        contracts=data.contracts[:cut],
        accounts=data.accounts[:cut],
    )
    second = replace(
        data,
        follow_ups=data.follow_ups[cut:],
        contracts=data.contracts[cut:],
        accounts=data.accounts[cut:],
    )
    whole, parts = plan(data), [plan(first), plan(second)]
    occasions = sorted(
        (o for p in parts for o in p.occasions),
        key=lambda o: (o.recipient, o.deliver_after, o.kind.value, o.key),
    )
    assert occasions == whole.occasions
    assert sorted(i for p in parts for i in p.auto_renewals) == whole.auto_renewals
