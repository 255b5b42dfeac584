"""The rules of bot.nudges.planning, one table per rule, plus properties for any input.

January 2027 for reading the tables:   Mo Tu We Th Fr Sa Su
                                                      1  2  3
                                        4  5  6  7  8  9 10
                                       11 12 13 14 15 16 17
Europe/Berlin is UTC+1 in winter, so 09:00 there is 08:00 UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import (
    Account,
    AccountKind,
    AccountStatus,
    Contract,
    ContractDirection,
    FollowUp,
    FollowUpStatus,
    NudgeMode,
    Owner,
    RenewalOutcome,
    Workspace,
)
from bot.nudges.model import ItemKind, NudgeKind, Occasion, OwnerSettings, Plan, PlanningInput
from bot.nudges.planning import (
    Delivery,
    latest_step_reached,
    orphans_with_nowhere_to_go,
    plan,
    slot_for,
)

BERLIN = ZoneInfo("Europe/Berlin")
TEAM = "T1"
CHANNEL = "C0ESCALATE"
ALL_WEEK = frozenset(range(7))

WEDNESDAY = date(2027, 1, 6)
THURSDAY = date(2027, 1, 7)
FRIDAY = date(2027, 1, 8)
SATURDAY = date(2027, 1, 9)
MONDAY = date(2027, 1, 11)


def at(day: date, hh: int, mm: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    """An aware UTC instant: ``day`` at hh:mm wall time in ``tz``."""
    return datetime.combine(day, time(hh, mm), tzinfo=tz).astimezone(UTC)


NOW = at(WEDNESDAY, 9, 5)  # Wednesday 09:05 in Berlin, 08:05 UTC
WEDNESDAY_15 = at(WEDNESDAY, 15)
A_YEAR_AGO = at(date(2026, 1, 5), 10)


def owner(user_id: str = "U1", tz: str = "Europe/Berlin", **changes: Any) -> OwnerSettings:
    return OwnerSettings(user_id, tz, **changes)


def follow_up(
    id: int = 1,
    due: datetime = WEDNESDAY_15,
    *,
    owner_id: str = "U1",
    snoozed_until: datetime | None = None,
    status: FollowUpStatus = FollowUpStatus.OPEN,
) -> FollowUp:
    return FollowUp(
        id=id,
        team_id=TEAM,
        number=id,
        account_id=1,
        owner_id=owner_id,
        due_at=due,
        text="send the proposal",
        status=status,
        created_by=owner_id,
        created_at=due - timedelta(days=30),
        snoozed_until=snoozed_until,
    )


def account(
    id: int = 1,
    *,
    owner_id: str | None = "U1",
    unresolved: str | None = None,
    last_touch: datetime | None = None,
    cadence: int = 30,
    next_touch_due: datetime | None = None,
    created: datetime = A_YEAR_AGO,
) -> Account:
    if next_touch_due is None:
        next_touch_due = (last_touch or created) + timedelta(days=cadence)
    return Account(
        id=id,
        team_id=TEAM,
        name=f"Account {id}",
        kind=AccountKind.CUSTOMER,
        owner=Owner(owner_id, unresolved),
        tier=None,
        status=AccountStatus.ACTIVE,
        cadence_days=cadence,
        tags=(),
        last_touch_at=last_touch,
        next_touch_due=next_touch_due,
        created_at=created,
        updated_at=created,
    )


def contract(
    id: int = 1,
    renewal: date = date(2027, 3, 31),
    *,
    notice: int | None = None,
    auto_renew: bool = False,
    outcome: RenewalOutcome | None = None,
    account_id: int = 1,
) -> Contract:
    return Contract(
        id=id,
        team_id=TEAM,
        account_id=account_id,
        value=Decimal("24000"),
        currency="EUR",
        renewal_date=renewal,
        direction=ContractDirection.WE_SELL,
        start_date=date(2026, 3, 31),
        notice_days=notice,
        auto_renew=auto_renew,
        outcome=outcome,
    )


def planning(
    now: datetime = NOW,
    *,
    owners: Iterable[OwnerSettings] = (owner(),),
    follow_ups: Sequence[FollowUp] = (),
    contracts: Sequence[tuple[Contract, Account]] = (),
    accounts: Sequence[Account] = (),
    channel: str | None = None,
    admins: Iterable[str] = (),
    ladder: tuple[int, ...] = (90, 60, 30, 14, 7, 1),
    renewal_snoozed_until: Mapping[int, datetime] | None = None,
    stale_snoozed_until: Mapping[int, datetime] | None = None,
    default_timezone: str = "UTC",
) -> PlanningInput:
    return PlanningInput(
        team_id=TEAM,
        now=now,
        workspace=Workspace(TEAM, escalation_channel=channel, renewal_ladder=ladder),
        admins=frozenset(admins),
        owners={o.user_id: o for o in owners},
        follow_ups=follow_ups,
        contracts=contracts,
        accounts=accounts,
        renewal_snoozed_until=renewal_snoozed_until or {},
        stale_snoozed_until=stale_snoozed_until or {},
        default_timezone=default_timezone,
    )


def keys(result: Plan, kind: NudgeKind | None = None) -> list[str]:
    return [o.key for o in result.occasions if kind is None or o.kind is kind]


def only(result: Plan, kind: NudgeKind | None = None) -> Occasion:
    found = [o for o in result.occasions if kind is None or o.kind is kind]
    assert len(found) == 1, found
    return found[0]


def renewing_in(days: int, **changes: Any) -> tuple[Contract, Account]:
    """A contract renewing ``days`` calendar days after Wednesday, with a recent touch."""
    renewal = WEDNESDAY + timedelta(days=days)
    return contract(renewal=renewal, **changes), account(last_touch=NOW - timedelta(days=1))


# --- the owner's slot -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "opens_at"),
    [
        (at(WEDNESDAY, 8, 59), None),  # before the digest time
        (at(WEDNESDAY, 9, 0), at(WEDNESDAY, 9)),
        (at(WEDNESDAY, 15, 0), at(WEDNESDAY, 9)),  # a missed morning: the rest of the day
        (at(WEDNESDAY, 23, 59), at(WEDNESDAY, 9)),
        (at(SATURDAY, 10, 0), None),  # not a working day
    ],
)
def test_digest_slot_is_the_rest_of_a_working_day_from_the_digest_time(
    now: datetime, opens_at: datetime | None
) -> None:
    slot = slot_for(owner(), now)
    assert (slot and slot.opens_at) == opens_at
    if slot is not None:
        assert slot.delivery is Delivery.DIGEST
        assert slot.day == now.astimezone(BERLIN).date()


def test_a_custom_digest_time_and_workdays() -> None:
    late = owner(digest_time=time(10, 30), workdays=frozenset({5}))  # Saturdays only
    assert slot_for(late, at(WEDNESDAY, 11)) is None
    assert slot_for(late, at(SATURDAY, 10, 29)) is None
    slot = slot_for(late, at(SATURDAY, 10, 30))
    assert slot is not None
    assert slot.opens_at == at(SATURDAY, 10, 30)


@pytest.mark.parametrize(
    ("now", "open"),
    [
        (at(WEDNESDAY, 8, 59), False),
        (at(WEDNESDAY, 9, 0), True),
        (at(WEDNESDAY, 17, 59), True),
        (at(WEDNESDAY, 18, 0), False),
        (at(SATURDAY, 12, 0), False),
    ],
)
def test_instant_slot_is_working_hours(now: datetime, open: bool) -> None:
    slot = slot_for(owner(mode=NudgeMode.INSTANT), now)
    assert (slot is not None) is open
    if slot is not None:
        assert slot.delivery is Delivery.INSTANT
        assert slot.opens_at == at(WEDNESDAY, 9)


def test_off_mode_has_no_slot() -> None:
    assert slot_for(owner(mode=NudgeMode.OFF), at(WEDNESDAY, 12)) is None


def test_an_unknown_zone_falls_back_to_the_default() -> None:
    slot = slot_for(owner(tz="Mars/Olympus_Mons"), at(WEDNESDAY, 12), default_zone="Asia/Tokyo")
    assert slot is not None
    assert slot.zone == ZoneInfo("Asia/Tokyo")


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        slot_for(owner(), datetime(2027, 1, 6, 9, 5))


# --- daylight-saving days: 09:00 stays 09:00 ---------------------------------------------


# The days around each change, and when 09:00 local is in UTC on each.
NINE_ACROSS_DST = [
    ("Europe/Berlin", date(2027, 3, 27), datetime(2027, 3, 27, 8, 0, tzinfo=UTC)),
    ("Europe/Berlin", date(2027, 3, 28), datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),
    ("Europe/Berlin", date(2027, 3, 29), datetime(2027, 3, 29, 7, 0, tzinfo=UTC)),
    ("Europe/Berlin", date(2027, 10, 30), datetime(2027, 10, 30, 7, 0, tzinfo=UTC)),
    ("Europe/Berlin", date(2027, 10, 31), datetime(2027, 10, 31, 8, 0, tzinfo=UTC)),
    ("Europe/Berlin", date(2027, 11, 1), datetime(2027, 11, 1, 8, 0, tzinfo=UTC)),
    ("America/New_York", date(2027, 3, 13), datetime(2027, 3, 13, 14, 0, tzinfo=UTC)),
    ("America/New_York", date(2027, 3, 14), datetime(2027, 3, 14, 13, 0, tzinfo=UTC)),
    ("America/New_York", date(2027, 3, 15), datetime(2027, 3, 15, 13, 0, tzinfo=UTC)),
    ("America/New_York", date(2027, 11, 6), datetime(2027, 11, 6, 13, 0, tzinfo=UTC)),
    ("America/New_York", date(2027, 11, 7), datetime(2027, 11, 7, 14, 0, tzinfo=UTC)),
    ("America/New_York", date(2027, 11, 8), datetime(2027, 11, 8, 14, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone", "day", "nine_utc"), NINE_ACROSS_DST)
def test_the_digest_is_at_nine_local_on_both_sides_of_a_dst_change(
    zone: str, day: date, nine_utc: datetime
) -> None:
    someone = owner(tz=zone, workdays=ALL_WEEK)  # the change days are Sundays
    overdue = follow_up(due=nine_utc - timedelta(days=2))
    minute = timedelta(minutes=1)
    assert plan(planning(nine_utc - minute, owners=[someone], follow_ups=[overdue])).occasions == []
    for now in (nine_utc, nine_utc + timedelta(hours=6)):
        found = only(plan(planning(now, owners=[someone], follow_ups=[overdue])))
        assert found.deliver_after == nine_utc
        assert found.key == f"fu:1:overdue:{day.isoformat()}"
        assert found.details["days_overdue"] == 2


@pytest.mark.parametrize(("zone", "day", "nine_utc"), NINE_ACROSS_DST)
def test_instant_hours_start_at_nine_local_on_both_sides_of_a_dst_change(
    zone: str, day: date, nine_utc: datetime
) -> None:
    """Instant mode computes the start of working hours on its own: 09:00 stays 09:00 there too,
    and 18:00 stays 18:00."""
    someone = owner(tz=zone, mode=NudgeMode.INSTANT, workdays=ALL_WEEK)
    overdue = follow_up(due=nine_utc - timedelta(days=2))
    minute = timedelta(minutes=1)
    assert plan(planning(nine_utc - minute, owners=[someone], follow_ups=[overdue])).occasions == []
    found = only(plan(planning(nine_utc, owners=[someone], follow_ups=[overdue])))
    assert (found.key, found.deliver_after) == (f"fu:1:overdue:{day.isoformat()}", nine_utc)
    six_pm = at(day, 18, tz=ZoneInfo(zone))
    assert plan(planning(six_pm - minute, owners=[someone], follow_ups=[overdue])).occasions
    assert plan(planning(six_pm, owners=[someone], follow_ups=[overdue])).occasions == []


# --- follow-ups ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "snoozed_until", "kind", "key", "days_overdue"),
    [
        (at(WEDNESDAY, 15), None, NudgeKind.FOLLOW_UP_DUE, "fu:1:due:2027-01-06", None),
        (at(WEDNESDAY, 0, 30), None, NudgeKind.FOLLOW_UP_DUE, "fu:1:due:2027-01-06", None),
        (at(WEDNESDAY, 23, 59), None, NudgeKind.FOLLOW_UP_DUE, "fu:1:due:2027-01-06", None),
        (at(date(2027, 1, 5), 23, 59), None, NudgeKind.FOLLOW_UP_OVERDUE,
         "fu:1:overdue:2027-01-06", 1),
        (at(date(2026, 12, 27), 9), None, NudgeKind.FOLLOW_UP_OVERDUE,
         "fu:1:overdue:2027-01-06", 10),
        # A snooze wins over the original date: to today is due today, to later is neither.
        (at(date(2027, 1, 1), 9), at(WEDNESDAY, 16), NudgeKind.FOLLOW_UP_DUE,
         "fu:1:due:2027-01-06", None),
        (at(date(2027, 1, 1), 9), at(THURSDAY, 9), None, None, None),
        (at(THURSDAY, 0, 0), None, None, None, None),
    ],
)  # fmt: skip
def test_follow_ups_due_today_and_overdue(
    due: datetime,
    snoozed_until: datetime | None,
    kind: NudgeKind | None,
    key: str | None,
    days_overdue: int | None,
) -> None:
    result = plan(planning(follow_ups=[follow_up(due=due, snoozed_until=snoozed_until)]))
    if kind is None:
        assert result.occasions == []
        return
    found = only(result)
    assert (found.kind, found.key, found.recipient) == (kind, key, "U1")
    assert found.deliver_after == at(WEDNESDAY, 9)
    assert found.item_kind is ItemKind.FOLLOW_UP
    assert found.details.get("days_overdue") == days_overdue
    if days_overdue is not None:
        assert found.reason == f"Overdue by {days_overdue} day{'s' * (days_overdue > 1)}"


@pytest.mark.parametrize("status", [FollowUpStatus.DONE, FollowUpStatus.CANCELLED])
def test_closed_follow_ups_are_never_nudged(status: FollowUpStatus) -> None:
    closed = follow_up(due=at(date(2026, 12, 1), 9), status=status)
    assert plan(planning(follow_ups=[closed], channel=CHANNEL)).occasions == []


def test_overdue_is_said_every_working_day_with_a_new_key_and_not_at_weekends() -> None:
    overdue = follow_up(due=at(date(2027, 1, 5), 11))
    by_day = {
        day: plan(planning(at(day, 9, 30), follow_ups=[overdue])).occasions
        for day in (WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, date(2027, 1, 10), MONDAY)
    }
    assert [o.key for o in by_day[WEDNESDAY]] == ["fu:1:overdue:2027-01-06"]
    assert [o.key for o in by_day[THURSDAY]] == ["fu:1:overdue:2027-01-07"]
    assert [o.key for o in by_day[FRIDAY]] == ["fu:1:overdue:2027-01-08"]
    assert by_day[SATURDAY] == by_day[date(2027, 1, 10)] == []
    monday = only(Plan(by_day[MONDAY], []))
    assert monday.key == "fu:1:overdue:2027-01-11"
    assert monday.details["days_overdue"] == 6
    assert monday.deliver_after == at(MONDAY, 9)


def test_before_the_digest_time_nothing_is_due() -> None:
    data = planning(at(WEDNESDAY, 8, 59), follow_ups=[follow_up(due=at(WEDNESDAY, 8))])
    assert plan(data).occasions == []


def test_a_missed_morning_goes_out_the_same_day_with_the_same_key() -> None:
    items: dict[str, Any] = dict(
        follow_ups=[follow_up(1, at(WEDNESDAY, 15)), follow_up(2, at(date(2027, 1, 4), 9))],
        contracts=[renewing_in(30)],
        accounts=[account(2, next_touch_due=at(date(2026, 12, 1), 9))],
    )
    on_time = plan(planning(at(WEDNESDAY, 9, 5), **items))
    missed = plan(planning(at(WEDNESDAY, 15, 0), **items))
    later = plan(planning(at(WEDNESDAY, 15, 1), **items))
    assert len(on_time.occasions) == 4
    assert on_time == missed == later  # same keys, same deliver_after: stable all day
    assert {o.deliver_after for o in missed.occasions} == {at(WEDNESDAY, 9)}
    next_day = plan(planning(at(THURSDAY, 9, 5), **items))
    assert keys(next_day, NudgeKind.FOLLOW_UP_OVERDUE) == [
        "fu:1:overdue:2027-01-07",
        "fu:2:overdue:2027-01-07",
    ]


def test_a_missed_morning_in_los_angeles_goes_out_until_local_midnight_not_utc_midnight() -> None:
    """Back at 23:30 on Wednesday in Los Angeles (07:30 UTC on Thursday): Wednesday's digest still
    goes out, with the keys and time 09:00 would have had. Thursday 08:59 there says nothing: a
    day's missed digest is not carried into the next."""
    la = ZoneInfo("America/Los_Angeles")
    items: dict[str, Any] = dict(
        owners=[owner(tz="America/Los_Angeles")],
        follow_ups=[
            follow_up(1, at(WEDNESDAY, 15, tz=la)),
            follow_up(2, at(date(2027, 1, 4), 9, tz=la)),
        ],
        contracts=[renewing_in(30)],
        accounts=[account(2, next_touch_due=at(date(2026, 12, 1), 9, tz=la))],
    )
    on_time = plan(planning(at(WEDNESDAY, 9, 5, tz=la), **items))
    missed = plan(planning(at(WEDNESDAY, 23, 30, tz=la), **items))
    assert len(on_time.occasions) == 4
    assert missed == on_time
    assert {o.deliver_after for o in missed.occasions} == {at(WEDNESDAY, 9, tz=la)}
    assert plan(planning(at(THURSDAY, 8, 59, tz=la), **items)).occasions == []
    assert keys(plan(planning(at(THURSDAY, 9, tz=la), **items)), NudgeKind.FOLLOW_UP_OVERDUE) == [
        "fu:1:overdue:2027-01-07",
        "fu:2:overdue:2027-01-07",
    ]


# --- zones east and west of UTC -------------------------------------------------------


def test_tokyo_today_is_ahead_of_utc() -> None:
    tokyo = owner(tz="Asia/Tokyo", digest_time=time(7, 0))
    now = datetime(2027, 1, 6, 22, 30, tzinfo=UTC)  # Thursday 07:30 in Tokyo
    due_wednesday_utc = follow_up(1, datetime(2027, 1, 6, 20, 0, tzinfo=UTC))  # Thu 05:00 JST
    due_tuesday_utc = follow_up(2, datetime(2027, 1, 5, 20, 0, tzinfo=UTC))  # Wed 05:00 JST
    result = plan(planning(now, owners=[tokyo], follow_ups=[due_wednesday_utc, due_tuesday_utc]))
    assert keys(result) == ["fu:1:due:2027-01-07", "fu:2:overdue:2027-01-07"]
    assert {o.deliver_after for o in result.occasions} == {datetime(2027, 1, 6, 22, 0, tzinfo=UTC)}


def test_los_angeles_today_is_behind_utc() -> None:
    la = owner(tz="America/Los_Angeles", digest_time=time(16, 0))
    now = datetime(2027, 1, 7, 1, 0, tzinfo=UTC)  # Wednesday 17:00 in Los Angeles
    due = follow_up(1, datetime(2027, 1, 7, 0, 30, tzinfo=UTC))  # Wednesday 16:30 PST
    # Renewal on 6 Feb: 31 days away in Los Angeles (no step yet), 30 in UTC.
    renewal = (contract(renewal=date(2027, 2, 6)), account(last_touch=now))
    renewal_30 = (contract(2, renewal=date(2027, 2, 5)), account(last_touch=now))
    items = [renewal, renewal_30]
    result = plan(planning(now, owners=[la], follow_ups=[due], contracts=items, ladder=(30,)))
    assert keys(result) == ["fu:1:due:2027-01-06", "renewal:2:step:30"]
    assert only(result, NudgeKind.RENEWAL_STEP).details["days_left"] == 30


def test_a_workday_is_judged_by_the_owners_date_in_los_angeles_friday_evening() -> None:
    """Friday 17:30 in Los Angeles is already Saturday in UTC: still Friday's digest, and the
    mirror, Sunday 17:30 there (Monday in UTC), is still a day off."""
    la = owner(tz="America/Los_Angeles")  # Monday to Friday, digest at 09:00
    friday_evening = datetime(2027, 1, 9, 1, 30, tzinfo=UTC)  # Sat 01:30 UTC
    overdue = follow_up(due=datetime(2027, 1, 7, 17, 0, tzinfo=UTC))  # Thursday 09:00 PST
    found = only(plan(planning(friday_evening, owners=[la], follow_ups=[overdue])))
    assert found.key == "fu:1:overdue:2027-01-08"
    assert found.deliver_after == datetime(2027, 1, 8, 17, 0, tzinfo=UTC)  # Friday 09:00 PST
    sunday_evening = datetime(2027, 1, 11, 1, 30, tzinfo=UTC)  # Mon 01:30 UTC
    assert plan(planning(sunday_evening, owners=[la], follow_ups=[overdue])).occasions == []


def test_a_workday_is_judged_by_the_owners_date_in_auckland_monday_morning() -> None:
    """Monday 08:00 in Auckland is still Sunday in UTC: Monday's digest goes out; Saturday
    08:00 there (Friday in UTC) is a day off."""
    auckland = owner(tz="Pacific/Auckland", digest_time=time(8, 0))  # NZDT, UTC+13 in January
    monday_morning = datetime(2027, 1, 10, 19, 0, tzinfo=UTC)  # Sun 19:00 UTC
    due_monday = follow_up(due=datetime(2027, 1, 10, 22, 0, tzinfo=UTC))  # Monday 11:00 NZDT
    found = only(plan(planning(monday_morning, owners=[auckland], follow_ups=[due_monday])))
    assert (found.kind, found.key) == (NudgeKind.FOLLOW_UP_DUE, "fu:1:due:2027-01-11")
    assert found.deliver_after == monday_morning
    saturday_morning = datetime(2027, 1, 8, 19, 0, tzinfo=UTC)  # Fri 19:00 UTC
    overdue = follow_up(due=datetime(2027, 1, 5, 22, 0, tzinfo=UTC))
    assert plan(planning(saturday_morning, owners=[auckland], follow_ups=[overdue])).occasions == []


# --- the renewal ladder ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("ladder", "days_left", "step"),
    [
        *[((90, 60, 30, 14, 7, 1), n, n) for n in (90, 60, 30, 14, 7, 1)],
        ((90, 60, 30, 14, 7, 1), 91, None),
        ((90, 60, 30, 14, 7, 1), 89, 90),
        ((90, 60, 30, 14, 7, 1), 61, 90),
        ((90, 60, 30, 14, 7, 1), 31, 60),
        ((90, 60, 30, 14, 7, 1), 20, 30),  # added late: the latest step reached, no other
        ((90, 60, 30, 14, 7, 1), 8, 14),
        ((90, 60, 30, 14, 7, 1), 2, 7),
        ((45, 10), 46, None),
        ((45, 10), 45, 45),
        ((45, 10), 11, 45),
        ((45, 10), 10, 10),
        ((45, 10), 1, 10),
        ((), 1, None),
    ],
)
def test_ladder_steps(ladder: tuple[int, ...], days_left: int, step: int | None) -> None:
    result = plan(planning(contracts=[renewing_in(days_left)], ladder=ladder))
    if step is None:
        assert result.occasions == []
        return
    found = only(result)
    assert found.kind is NudgeKind.RENEWAL_STEP
    assert found.key == f"renewal:1:step:{step}"
    assert found.item_kind is ItemKind.CONTRACT
    assert found.details["step"] == step
    assert found.details["days_left"] == days_left
    assert found.reason.startswith(f"Renews in {days_left} day")
    assert found.reason.endswith(f"(ladder step {step})")


def test_a_late_contract_gets_only_the_latest_step_then_each_smaller_one() -> None:
    item = [(contract(renewal=date(2027, 1, 26)), account(last_touch=NOW))]  # 20 days ahead
    day_keys = {}
    for offset in range(20):
        day = WEDNESDAY + timedelta(days=offset)
        data = planning(at(day, 10), owners=[owner(workdays=ALL_WEEK)], contracts=item)
        day_keys[day] = keys(plan(data))
    said = {key for found in day_keys.values() for key in found}
    assert said == {"renewal:1:step:30", "renewal:1:step:14", "renewal:1:step:7",
                    "renewal:1:step:1"}  # fmt: skip
    assert day_keys[date(2027, 1, 12)] == ["renewal:1:step:14"]  # 14 days before
    assert day_keys[date(2027, 1, 11)] == ["renewal:1:step:30"]


def test_latest_step_reached_ignores_non_positive_steps() -> None:
    assert latest_step_reached(0, (0, -3)) is None
    assert latest_step_reached(5, (7, 0)) == 7


@pytest.mark.parametrize("days_past", [0, 1, 3])
def test_record_the_outcome_every_digest_day_from_the_renewal_date(days_past: int) -> None:
    result = plan(planning(contracts=[renewing_in(-days_past, notice=30)]))
    found = only(result)
    assert found.kind is NudgeKind.RECORD_OUTCOME
    assert found.key == "renewal:1:outcome:2027-01-06"
    assert "record the outcome" in found.reason
    assert result.auto_renewals == []
    tomorrow = plan(planning(at(THURSDAY, 9), contracts=[renewing_in(-days_past)]))
    assert keys(tomorrow) == ["renewal:1:outcome:2027-01-07"]


@pytest.mark.parametrize("outcome", list(RenewalOutcome))
def test_a_recorded_outcome_ends_every_renewal_nudge(outcome: RenewalOutcome) -> None:
    for days in (-3, 0, 7, 30):
        data = planning(contracts=[renewing_in(days, outcome=outcome, notice=10)], channel=CHANNEL)
        assert plan(data).occasions == []


def test_auto_renew_rolls_forward_and_the_owner_is_told_once() -> None:
    result = plan(planning(contracts=[renewing_in(0, auto_renew=True)]))
    found = only(result)
    assert (found.kind, found.key) == (NudgeKind.AUTO_RENEWED, "renewal:1:auto_renewed")
    assert found.deliver_after == at(WEDNESDAY, 9)
    assert result.auto_renewals == [1]


def test_auto_renew_waits_for_the_owners_next_slot() -> None:
    item = [renewing_in(-3, auto_renew=True)]
    assert plan(planning(at(SATURDAY, 10), contracts=item)) == Plan([], [])
    assert plan(planning(at(WEDNESDAY, 8), contracts=item)) == Plan([], [])
    assert plan(planning(at(MONDAY, 9), contracts=item)).auto_renewals == [1]


def test_auto_renew_of_an_owner_who_hears_nothing_still_rolls() -> None:
    quiet = owner(mode=NudgeMode.OFF)
    result = plan(
        planning(at(SATURDAY, 1), owners=[quiet], contracts=[renewing_in(-3, auto_renew=True)])
    )
    assert result == Plan([], [1])
    early = plan(planning(owners=[quiet], contracts=[renewing_in(1, auto_renew=True)]))
    assert early == Plan([], [])


def test_renewal_snooze_holds_steps_but_not_the_roll_forward() -> None:
    snooze = {1: at(FRIDAY, 9, 5)}
    data = planning(contracts=[renewing_in(30)], renewal_snoozed_until=snooze)
    assert plan(data).occasions == []
    # In digest mode a snooze ends by the day: on Friday it is back in the 09:00 digest.
    friday = planning(at(FRIDAY, 9), contracts=[renewing_in(30)], renewal_snoozed_until=snooze)
    assert keys(plan(friday)) == ["renewal:1:step:30"]
    rolled = planning(contracts=[renewing_in(0, auto_renew=True)], renewal_snoozed_until=snooze)
    assert plan(rolled).auto_renewals == [1]


# --- the notice deadline ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_to_deadline", "kind", "key"),
    [
        (15, None, None),
        (14, NudgeKind.NOTICE_STEP, "notice:1:step:14"),
        (8, NudgeKind.NOTICE_STEP, "notice:1:step:14"),
        (7, NudgeKind.NOTICE_STEP, "notice:1:step:7"),
        (2, NudgeKind.NOTICE_STEP, "notice:1:step:7"),
        (1, NudgeKind.NOTICE_STEP, "notice:1:step:1"),
        (0, NudgeKind.NOTICE_STEP, "notice:1:step:1"),  # the deadline is today
        (-1, NudgeKind.NOTICE_PASSED, "notice:1:passed"),
        (-50, NudgeKind.NOTICE_PASSED, "notice:1:passed"),
    ],
)
def test_notice_steps_and_passed(days_to_deadline: int, kind: NudgeKind | None, key: str) -> None:
    # Renewal 100 days ahead, so the ladder stays quiet; the deadline moves with the notice.
    item = renewing_in(100, notice=100 - days_to_deadline)
    found = [o for o in plan(planning(contracts=[item])).occasions]
    if kind is None:
        assert found == []
        return
    assert [(o.kind, o.key) for o in found] == [(kind, key)]
    assert found[0].details["days_left"] == days_to_deadline


def test_notice_passed_is_said_once_whatever_the_day() -> None:
    item = [renewing_in(100, notice=120)]
    monday = plan(planning(at(MONDAY, 9), contracts=item))
    assert keys(plan(planning(contracts=item))) == keys(monday) == ["notice:1:passed"]
    assert only(monday).reason == "Notice deadline passed 25 days ago (2026-12-17)"


def test_a_notice_added_late_walked_day_by_day_says_each_step_and_passed_once() -> None:
    """Added 5 days before the notice deadline (Monday 11 January): the 7-day step, never the
    14, then the 1-day step; after the deadline one and the same "passed" occasion every day,
    across a month's end, until the renewal date silences the notice."""
    item = [(contract(renewal=date(2027, 2, 5), notice=25), account(last_touch=NOW))]
    said: dict[date, list[Occasion]] = {}
    for offset in range(31):
        day = WEDNESDAY + timedelta(days=offset)
        data = planning(at(day, 10), owners=[owner(workdays=ALL_WEEK)], contracts=item, ladder=())
        said[day] = [o for o in plan(data).occasions if o.kind is not NudgeKind.RECORD_OUTCOME]
    steps = {
        day: [o.details["step"] for o in found if o.kind is NudgeKind.NOTICE_STEP]
        for day, found in said.items()
    }
    assert [step for found in steps.values() for step in found] == [7, 7, 7, 7, 1, 1]
    assert steps[MONDAY] == [1]  # the deadline is today
    after_deadline = [said[MONDAY + timedelta(days=n)] for n in range(1, 25)]  # to 4 February
    assert all([o.kind for o in found] == [NudgeKind.NOTICE_PASSED] for found in after_deadline)
    assert len({found[0].key for found in after_deadline}) == 1  # the ledger says it once
    assert said[date(2027, 2, 5)] == []


def test_notice_is_not_said_once_the_renewal_date_is_reached() -> None:
    result = plan(planning(contracts=[renewing_in(-2, notice=30)]))
    assert keys(result) == ["renewal:1:outcome:2027-01-06"]
    result = plan(planning(contracts=[renewing_in(0, notice=0)]))
    assert keys(result) == ["renewal:1:outcome:2027-01-06"]


def test_notice_and_ladder_together() -> None:
    result = plan(planning(contracts=[renewing_in(30, notice=23)]))  # deadline in 7 days
    assert sorted(keys(result)) == ["notice:1:step:7", "renewal:1:step:30"]
    assert only(result, NudgeKind.NOTICE_STEP).reason == "Notice deadline in 7 days"


# --- stale accounts ---------------------------------------------------------------------


def stale_keys(now: datetime, *items: Account, **changes: Any) -> list[str]:
    owners = [owner(workdays=ALL_WEEK)]
    return keys(plan(planning(now, owners=owners, accounts=list(items), **changes)))


def test_stale_once_per_cadence_period() -> None:
    touched = at(date(2026, 11, 20), 14)  # next touch due Sun 20 Dec 14:00 Berlin
    quiet = account(last_touch=touched)
    key_0, key_1 = "stale:1:2026-12-20:0", "stale:1:2026-12-20:1"
    assert stale_keys(at(date(2026, 12, 20), 9), quiet) == []
    assert stale_keys(at(date(2026, 12, 21), 9), quiet) == [key_0]
    assert stale_keys(at(date(2027, 1, 18), 9), quiet) == [key_0]  # 29 days past
    assert stale_keys(at(date(2027, 1, 19), 9), quiet) == [key_0]  # 13:00 UTC is not yet 30
    assert stale_keys(at(date(2027, 1, 20), 9), quiet) == [key_1]
    assert stale_keys(at(date(2027, 2, 19), 9), quiet) == ["stale:1:2026-12-20:2"]


def test_a_touch_restarts_the_stale_keys() -> None:
    before = account(last_touch=at(date(2026, 11, 20), 14))
    after = account(last_touch=at(date(2026, 11, 25), 10))  # a teammate logged a call
    now = at(date(2027, 1, 4), 9)
    assert stale_keys(now, before) == ["stale:1:2026-12-20:0"]
    assert stale_keys(now, after) == ["stale:1:2026-12-25:0"]
    recent = account(last_touch=at(date(2027, 1, 3), 10))
    assert stale_keys(now, recent) == []


def test_stale_counts_from_creation_when_never_touched() -> None:
    fresh = account(created=at(date(2026, 12, 1), 10), cadence=14)
    found = only(plan(planning(accounts=[fresh])))
    assert found.key == "stale:1:2026-12-15:1"
    assert found.reason == "No touch for 35 days (cadence 14)"  # 09:00, not 10:00
    assert found.details["days_past"] == 21
    assert found.item_kind is ItemKind.ACCOUNT


def test_a_digest_judges_staleness_at_the_digest_time() -> None:
    noon = account(next_touch_due=at(WEDNESDAY, 12))
    assert stale_keys(at(WEDNESDAY, 15), noon) == []  # not stale at 09:00: tomorrow's digest
    assert stale_keys(at(THURSDAY, 9), noon) == ["stale:1:2027-01-06:0"]


def test_stale_snooze() -> None:
    quiet = account(next_touch_due=at(date(2026, 12, 20), 14))
    snooze = {1: at(THURSDAY, 10)}
    assert stale_keys(NOW, quiet, stale_snoozed_until=snooze) == []
    assert stale_keys(at(THURSDAY, 9), quiet, stale_snoozed_until=snooze) == [
        "stale:1:2026-12-20:0"
    ]
    assert stale_keys(NOW, quiet, stale_snoozed_until={2: at(THURSDAY, 10)}) != []


# --- escalations --------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "escalated"), [(6, False), (7, True), (30, True)])
def test_follow_up_escalation_at_seven_days_overdue(days: int, escalated: bool) -> None:
    late = follow_up(due=NOW - timedelta(days=days))
    result = plan(planning(follow_ups=[late], channel=CHANNEL))
    found = [o for o in result.occasions if o.recipient == CHANNEL]
    assert [o.key for o in found] == (["escalate:fu:1"] if escalated else [])
    if escalated:
        assert found[0].kind is NudgeKind.ESCALATION_FOLLOW_UP
        assert found[0].deliver_after == NOW
        assert found[0].reason == f"Escalated: {days} days overdue"
    assert keys(result, NudgeKind.FOLLOW_UP_OVERDUE) == ["fu:1:overdue:2027-01-06"]


@pytest.mark.parametrize(
    ("days_left", "last_touch_days_ago", "escalated"),
    [
        (14, None, True),
        (15, None, False),
        (0, None, True),
        (-1, None, False),
        (14, 31, True),
        (14, 29, False),
        (3, 31, True),
    ],
)
def test_renewal_escalation(
    days_left: int, last_touch_days_ago: int | None, escalated: bool
) -> None:
    touch = None if last_touch_days_ago is None else NOW - timedelta(days=last_touch_days_ago)
    item = (contract(renewal=WEDNESDAY + timedelta(days=days_left)), account(last_touch=touch))
    result = plan(planning(contracts=[item], channel=CHANNEL))
    assert keys(result, NudgeKind.ESCALATION_RENEWAL) == (
        ["escalate:renewal:1"] if escalated else []
    )
    if escalated:
        found = only(result, NudgeKind.ESCALATION_RENEWAL)
        assert (found.recipient, found.deliver_after) == (CHANNEL, NOW)


def test_follow_up_escalation_counts_seven_days_of_time_from_the_snoozed_due() -> None:
    """Seven days of elapsed time, not seven calendar days: due last Wednesday at 15:00, it is
    escalated this Wednesday at 15:00, not at 09:05. A snooze moves the count: overdue for 10
    days but snoozed until 3 days ago is not escalated; snoozed until 8 days ago it is."""

    def escalated(now: datetime, late: FollowUp) -> list[str]:
        result = plan(planning(now, follow_ups=[late], channel=CHANNEL))
        return keys(result, NudgeKind.ESCALATION_FOLLOW_UP)

    last_wednesday = follow_up(due=at(date(2026, 12, 30), 15))
    assert escalated(NOW, last_wednesday) == []
    assert escalated(at(WEDNESDAY, 14, 59), last_wednesday) == []
    assert escalated(at(WEDNESDAY, 15), last_wednesday) == ["escalate:fu:1"]
    ten_days = NOW - timedelta(days=10)
    assert escalated(NOW, follow_up(due=ten_days, snoozed_until=NOW - timedelta(days=3))) == []
    snoozed_long_ago = follow_up(due=ten_days, snoozed_until=NOW - timedelta(days=8))
    assert escalated(NOW, snoozed_long_ago) == ["escalate:fu:1"]


def test_no_channel_no_escalation() -> None:
    data = planning(
        follow_ups=[follow_up(due=NOW - timedelta(days=30))],
        contracts=[(contract(renewal=THURSDAY), account(last_touch=None))],
    )
    kinds = {o.kind for o in plan(data).occasions}
    assert kinds.isdisjoint({NudgeKind.ESCALATION_FOLLOW_UP, NudgeKind.ESCALATION_RENEWAL})


def test_escalations_keep_no_hours_and_have_no_day_in_their_keys() -> None:
    items: dict[str, Any] = dict(
        follow_ups=[follow_up(due=at(date(2026, 12, 1), 9))],
        contracts=[(contract(renewal=MONDAY), account(last_touch=None))],
        channel=CHANNEL,
    )
    saturday_night = at(SATURDAY, 23, 30)
    first = plan(planning(saturday_night, **items))
    assert keys(first) == ["escalate:fu:1", "escalate:renewal:1"]
    assert {o.deliver_after for o in first.occasions} == {saturday_night}
    assert keys(plan(planning(at(date(2027, 1, 10), 3), **items))) == keys(first)


def test_off_mode_gets_nothing_but_the_channel_still_escalates() -> None:
    data = planning(
        owners=[owner(mode=NudgeMode.OFF)],
        follow_ups=[follow_up(1, NOW - timedelta(days=8)), follow_up(2, at(WEDNESDAY, 15))],
        contracts=[renewing_in(7)],
        accounts=[account(2, next_touch_due=at(date(2026, 12, 1), 9))],
        channel=CHANNEL,
    )
    result = plan(data)
    assert [(o.recipient, o.key) for o in result.occasions] == [(CHANNEL, "escalate:fu:1")]


# --- instant mode -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(WEDNESDAY, 8, 30), []),  # before working hours
        (at(WEDNESDAY, 10, 59), [("fu:2:overdue:2027-01-06", at(WEDNESDAY, 9))]),
        (at(WEDNESDAY, 11, 0), [("fu:2:overdue:2027-01-06", at(WEDNESDAY, 9)),
                                ("fu:1:due:2027-01-06", at(WEDNESDAY, 11))]),
        (at(WEDNESDAY, 17, 59), [("fu:2:overdue:2027-01-06", at(WEDNESDAY, 9)),
                                 ("fu:1:due:2027-01-06", at(WEDNESDAY, 11))]),
        (at(WEDNESDAY, 18, 0), []),  # after working hours
        (at(SATURDAY, 11, 0), []),
    ],
)  # fmt: skip
def test_instant_mode_sends_each_item_as_it_becomes_due_within_hours(
    now: datetime, expected: list[tuple[str, datetime]]
) -> None:
    data = planning(
        now,
        owners=[owner(mode=NudgeMode.INSTANT)],
        follow_ups=[follow_up(1, at(WEDNESDAY, 11)), follow_up(2, at(date(2027, 1, 5), 17))],
    )
    assert [(o.key, o.deliver_after) for o in plan(data).occasions] == expected


def test_instant_mode_early_follow_up_waits_for_the_start_of_hours() -> None:
    data = planning(
        at(WEDNESDAY, 9, 30),
        owners=[owner(mode=NudgeMode.INSTANT)],
        follow_ups=[follow_up(due=at(WEDNESDAY, 7))],
        contracts=[renewing_in(14)],
    )
    assert {o.deliver_after for o in plan(data).occasions} == {at(WEDNESDAY, 9)}
    assert len(plan(data).occasions) == 2


def test_instant_mode_stale_goes_out_when_it_turns_stale() -> None:
    noon = account(next_touch_due=at(WEDNESDAY, 12))
    data = planning(at(WEDNESDAY, 12, 1), owners=[owner(mode=NudgeMode.INSTANT)], accounts=[noon])
    found = only(plan(data))
    assert (found.key, found.deliver_after) == ("stale:1:2027-01-06:0", at(WEDNESDAY, 12))


# --- owners unknown or deactivated ------------------------------------------------------


@pytest.mark.parametrize("owners", [(), (owner(active=False),)], ids=["unknown", "deactivated"])
def test_orphaned_items_go_to_the_channel_now(owners: tuple[OwnerSettings, ...]) -> None:
    now = at(SATURDAY, 3)  # no one's working hours: the channel keeps none
    data = planning(
        now,
        owners=owners,
        follow_ups=[follow_up(due=at(FRIDAY, 9))],
        channel=CHANNEL,
        admins=["UADMIN"],
        default_timezone="Europe/Berlin",
    )
    found = only(plan(data))
    assert (found.recipient, found.key) == (CHANNEL, "fu:1:overdue:2027-01-09")
    assert found.deliver_after == now
    assert found.details["orphaned"] == 1
    assert found.details["owner"] == "U1"
    assert "no active owner (U1)" in found.reason


def test_unresolved_account_owner_goes_to_the_channel_with_the_text() -> None:
    nobody = account(
        owner_id=None, unresolved="bob@example.com", next_touch_due=NOW - timedelta(days=3)
    )
    renewal = (contract(renewal=WEDNESDAY + timedelta(days=60)), nobody)
    result = plan(planning(accounts=[nobody], contracts=[renewal], channel=CHANNEL))
    assert keys(result) == ["renewal:1:step:60", "stale:1:2027-01-03:0"]
    assert {o.details["owner"] for o in result.occasions} == {"bob@example.com"}
    assert {o.recipient for o in result.occasions} == {CHANNEL}


def test_orphaned_items_without_a_channel_go_to_each_admin_in_their_own_slot() -> None:
    tokyo_admin = owner("UA2", tz="Asia/Tokyo", digest_time=time(8, 0))
    off_admin = owner("UA3", mode=NudgeMode.OFF)
    data = planning(
        NOW,
        owners=[tokyo_admin, off_admin],
        follow_ups=[follow_up(due=at(date(2027, 1, 4), 9), owner_id="UGONE")],
        admins=["UA1", "UA2", "UA3"],
        default_timezone="America/New_York",
    )
    found = plan(data).occasions
    # UA1 has no settings: 09:00 in New York, still ahead; UA2 is past 08:00 in Tokyo; UA3's
    # "off" does not drop an orphan.
    assert [(o.recipient, o.key) for o in found] == [
        ("UA2", "fu:1:overdue:2027-01-06:to:UA2"),
        ("UA3", "fu:1:overdue:2027-01-06:to:UA3"),
    ]
    assert found[0].deliver_after == datetime(2027, 1, 5, 23, 0, tzinfo=UTC)
    assert all(o.details["owner"] == "UGONE" for o in found)
    in_new_york = plan(
        planning(
            datetime(2027, 1, 6, 14, 0, tzinfo=UTC),  # 09:00 in New York
            owners=[tokyo_admin, off_admin],
            follow_ups=data.follow_ups,
            admins=["UA1"],
            default_timezone="America/New_York",
        )
    )
    assert keys(in_new_york) == ["fu:1:overdue:2027-01-06:to:UA1"]


def test_orphaned_auto_renewal_rolls_when_no_one_can_be_told() -> None:
    nobody = account(owner_id=None)
    result = plan(planning(contracts=[(contract(renewal=WEDNESDAY, auto_renew=True), nobody)]))
    assert result == Plan([], [1])


def test_escalation_of_an_orphaned_item_says_so() -> None:
    data = planning(owners=(), follow_ups=[follow_up(due=NOW - timedelta(days=9))], channel=CHANNEL)
    escalation = only(plan(data), NudgeKind.ESCALATION_FOLLOW_UP)
    assert escalation.details["orphaned"] == 1


# --- stable output ----------------------------------------------------------------------


def test_occasions_are_sorted_by_recipient_time_kind_and_key() -> None:
    data = planning(
        owners=[owner("U1"), owner("U2", tz="Asia/Tokyo")],
        follow_ups=[
            follow_up(3, at(date(2027, 1, 4), 9)),
            follow_up(1, at(WEDNESDAY, 15)),
            follow_up(2, at(date(2027, 1, 5), 9), owner_id="U2"),
            follow_up(4, NOW - timedelta(days=10), owner_id="U2"),
        ],
        channel=CHANNEL,
    )
    found = plan(data).occasions
    order = [(o.recipient, o.deliver_after, o.kind.value, o.key) for o in found]
    assert order == sorted(order)
    assert [o.recipient for o in found] == [CHANNEL, "U1", "U1", "U2", "U2"]


# --- properties -------------------------------------------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "America/Los_Angeles",
         "Asia/Kolkata", "Pacific/Chatham"]  # fmt: skip
USERS = ["U1", "U2", "U3", "U4"]
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
offsets = st.timedeltas(min_value=timedelta(days=-120), max_value=timedelta(days=120))
clock_times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@st.composite
def owner_settings(draw: st.DrawFn, user_id: str) -> OwnerSettings:
    start = draw(clock_times)
    return OwnerSettings(
        user_id,
        draw(st.sampled_from(ZONES)),
        digest_time=draw(clock_times),
        mode=draw(st.sampled_from(list(NudgeMode))),
        workdays=frozenset(draw(st.sets(st.integers(0, 6)))),
        hours_start=start,
        hours_end=draw(clock_times),
        active=draw(st.booleans()),
    )


@st.composite
def planning_inputs(draw: st.DrawFn) -> PlanningInput:
    now = draw(instants)
    known = draw(st.lists(st.sampled_from(USERS), unique=True))
    owners = [draw(owner_settings(user_id)) for user_id in known]
    maybe_user = st.one_of(st.none(), st.sampled_from([*USERS, "UNOBODY"]))
    accounts = []
    for i in range(draw(st.integers(0, 4))):
        touch = draw(st.one_of(st.none(), offsets.map(lambda d: now - abs(d))))
        accounts.append(
            account(
                i + 1,
                owner_id=draw(maybe_user),
                unresolved=draw(st.one_of(st.none(), st.just("bob@example.com"))),
                last_touch=touch,
                cadence=draw(st.integers(1, 120)),
                created=now - timedelta(days=draw(st.integers(0, 400))),
            )
        )
    follow_ups = [
        follow_up(
            i + 1,
            now + draw(offsets),
            owner_id=draw(st.sampled_from([*USERS, "UNOBODY"])),
            snoozed_until=draw(st.one_of(st.none(), offsets.map(lambda d: now + d))),
        )
        for i in range(draw(st.integers(0, 5)))
    ]
    contracts = [
        (
            contract(
                i + 1,
                now.date() + timedelta(days=draw(st.integers(-20, 120))),
                notice=draw(st.one_of(st.none(), st.integers(0, 90))),
                auto_renew=draw(st.booleans()),
            ),
            acct,
        )
        for i, acct in enumerate(accounts)
    ]
    snoozes = st.dictionaries(st.integers(1, 4), offsets.map(lambda d: now + d), max_size=2)
    return planning(
        now,
        owners=owners,
        follow_ups=follow_ups,
        contracts=contracts,
        accounts=accounts,
        channel=draw(st.one_of(st.none(), st.just(CHANNEL))),
        admins=draw(st.sets(st.sampled_from(["UA1", "U1"]))),
        ladder=tuple(draw(st.lists(st.integers(1, 120), max_size=6))),
        renewal_snoozed_until=draw(snoozes),
        stale_snoozed_until=draw(snoozes),
        default_timezone=draw(st.sampled_from(ZONES)),
    )


@settings(max_examples=300, deadline=None)
@given(planning_inputs())
def test_every_occasion_is_due_unique_and_addressed(data: PlanningInput) -> None:
    result = plan(data)
    active = {uid for uid, s in data.owners.items() if s.active}
    allowed = active | data.admins | {data.workspace.escalation_channel}
    seen = set()
    for occasion in result.occasions:
        assert occasion.deliver_after <= data.now
        assert occasion.deliver_after.tzinfo is UTC
        assert occasion.key not in seen
        seen.add(occasion.key)
        assert occasion.recipient in allowed
        assert occasion.reason
    order = [(o.recipient, o.deliver_after, o.kind.value, o.key) for o in result.occasions]
    assert order == sorted(order)
    auto = {c.id for c, _ in data.contracts if c.auto_renew}
    assert set(result.auto_renewals) <= auto
    assert plan(data) == result  # pure: the same input, the same plan


@settings(max_examples=100, deadline=None)
@given(planning_inputs(), st.integers(1, 600))
def test_a_digest_gives_the_same_keys_all_day(data: PlanningInput, minutes: int) -> None:
    """Occasions to digest owners with a day key stay put for the rest of that local day."""
    later = replace(data, now=data.now + timedelta(minutes=minutes))
    digest = {
        uid
        for uid, s in data.owners.items()
        if s.active and s.mode is NudgeMode.DIGEST and uid not in data.admins
    }
    first = {o.key: o for o in plan(data).occasions if o.recipient in digest}
    second = {o.key: o for o in plan(later).occasions if o.recipient in digest}
    for key, occasion in first.items():
        zone = ZoneInfo(data.owners[occasion.recipient].timezone)
        if data.now.astimezone(zone).date() != later.now.astimezone(zone).date():
            continue
        assert key in second  # nothing said in the morning disappears by the afternoon
        assert second[key].deliver_after == occasion.deliver_after


def test_orphans_with_nowhere_to_go_are_named_for_the_log() -> None:
    lost = FollowUp(
        id=7,
        team_id="T1",
        number=7,
        account_id=1,
        owner_id="UGONE",
        due_at=datetime(2027, 1, 1, tzinfo=UTC),
        text="x",
        status=FollowUpStatus.OPEN,
        created_by="UGONE",
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    base = PlanningInput(
        team_id="T1",
        now=datetime(2027, 1, 4, 9, tzinfo=UTC),
        workspace=Workspace("T1"),
        admins=frozenset(),
        owners={},
        follow_ups=[lost],
        contracts=[],
        accounts=[],
    )
    assert orphans_with_nowhere_to_go(base) == ["follow-up #7"]
    assert orphans_with_nowhere_to_go(replace(base, admins=frozenset({"UADMIN"}))) == []
    with_channel = replace(base, workspace=Workspace("T1", escalation_channel="C1"))
    assert orphans_with_nowhere_to_go(with_channel) == []
