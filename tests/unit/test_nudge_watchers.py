"""Watchers in nudge planning: an account's renewal news reaches the owner and each watcher,
each once, in each one's own slot; its follow-ups and stale reminders never reach a watcher;
a recorded outcome reaches the watchers once, not the one who recorded it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from bot.domain import Account, Contract, NudgeMode, RenewalOutcome, Watch
from bot.nudges.model import SYSTEM_ACTOR, NudgeKind, Occasion, OwnerSettings, PlanningInput
from bot.nudges.planning import plan
from tests.unit.test_nudge_planning import (
    A_YEAR_AGO,
    NOW,
    SATURDAY,
    WEDNESDAY,
    account,
    at,
    contract,
    follow_up,
    owner,
    planning,
    renewing_in,
)

OWNER, ANN, BOB = "U1", "UANN", "UBOB"


def watch(user_id: str, account_id: int = 1, since: datetime = A_YEAR_AGO) -> Watch:
    return Watch(
        id=hash(user_id) % 1000,
        team_id="T1",
        account_id=account_id,
        user_id=user_id,
        created_at=since,
    )


def with_watchers(
    data: PlanningInput,
    *watchers: Watch,
    people: Sequence[OwnerSettings] = (),
    outcomes: Sequence[tuple[Contract, Account]] = (),
) -> PlanningInput:
    by_account: dict[int, list[Watch]] = {}
    for w in watchers:
        by_account.setdefault(w.account_id, []).append(w)
    everyone = {**data.owners}
    for person in people or [owner(w.user_id) for w in watchers]:
        everyone[person.user_id] = person
    return replace(data, watchers=by_account, owners=everyone, outcomes=outcomes)


def to(occasions: list[Occasion], recipient: str) -> list[Occasion]:
    return [o for o in occasions if o.recipient == recipient]


def recorded(
    outcome: RenewalOutcome, by: str, at_: datetime = NOW - timedelta(hours=2), **changes: Any
) -> tuple[Contract, Account]:
    closed = replace(contract(), outcome=outcome, outcome_at=at_, outcome_by=by, **changes)
    return closed, account()


# --- renewal steps ----------------------------------------------------------------------


def test_a_renewal_step_reaches_the_owner_and_each_watcher_once_each() -> None:
    data = with_watchers(planning(contracts=[renewing_in(30)]), watch(ANN), watch(BOB))
    first = plan(data).occasions
    step = [o for o in first if o.kind is NudgeKind.RENEWAL_STEP]
    assert sorted(o.recipient for o in step) == [OWNER, ANN, BOB]
    assert len({o.key for o in step}) == 3  # one ledger key per recipient
    assert to(step, ANN)[0].key == "renewal:1:step:30:watch:UANN"
    assert to(step, ANN)[0].details["watching"] == 1
    assert "watching" not in to(step, OWNER)[0].details
    # The same step planned again later that day (or tomorrow) has the same keys: once each.
    later = plan(replace(data, now=at(WEDNESDAY + timedelta(days=1), 11))).occasions
    assert {o.key for o in later if o.kind is NudgeKind.RENEWAL_STEP} == {o.key for o in step}


def test_notice_steps_and_notice_passed_reach_the_watcher() -> None:
    step = with_watchers(planning(contracts=[renewing_in(37, notice=30)]), watch(ANN))
    assert [o.key for o in to(plan(step).occasions, ANN)] == [
        "notice:1:step:7:watch:UANN",
        "renewal:1:step:60:watch:UANN",
    ]
    passed = with_watchers(planning(contracts=[renewing_in(20, notice=30)]), watch(ANN))
    kinds = {o.kind for o in to(plan(passed).occasions, ANN)}
    assert NudgeKind.NOTICE_PASSED in kinds


def test_record_the_outcome_reaches_a_watcher_once_not_every_day() -> None:
    data = with_watchers(planning(contracts=[renewing_in(-1)]), watch(ANN))
    today = to(plan(data).occasions, ANN)
    tomorrow = to(plan(replace(data, now=at(WEDNESDAY + timedelta(days=1), 10))).occasions, ANN)
    assert [o.key for o in today] == [o.key for o in tomorrow] == ["renewal:1:outcome:watch:UANN"]
    owners = {o.key for o in plan(data).occasions if o.recipient == OWNER}
    assert owners == {f"renewal:1:outcome:{WEDNESDAY.isoformat()}"}  # the owner's stays daily


def test_a_watcher_is_told_in_their_own_slot_and_mode() -> None:
    ann_at_ten = owner(ANN, digest_time=time(10, 0))  # 10:00 Berlin
    data = with_watchers(planning(contracts=[renewing_in(30)]), watch(ANN), people=[ann_at_ten])
    assert to(plan(data).occasions, ANN) == []  # 09:05: not yet for Ann
    assert len(to(plan(replace(data, now=at(WEDNESDAY, 10))).occasions, ANN)) == 1
    off = with_watchers(
        planning(contracts=[renewing_in(30)]), watch(ANN), people=[owner(ANN, mode=NudgeMode.OFF)]
    )
    assert to(plan(off).occasions, ANN) == []
    weekend = with_watchers(planning(at(SATURDAY, 10), contracts=[renewing_in(30)]), watch(ANN))
    assert to(plan(weekend).occasions, ANN) == []
    inactive = with_watchers(
        planning(contracts=[renewing_in(30)]), watch(ANN), people=[owner(ANN, active=False)]
    )
    assert to(plan(inactive).occasions, ANN) == []


def test_the_owners_snooze_does_not_hold_back_a_watchers_step() -> None:
    data = with_watchers(
        planning(contracts=[renewing_in(30)], renewal_snoozed_until={1: NOW + timedelta(days=7)}),
        watch(ANN),
    )
    assert [o.recipient for o in plan(data).occasions] == [ANN]


def test_an_owner_who_also_watches_gets_it_once_as_owner() -> None:
    data = with_watchers(planning(contracts=[renewing_in(30)]), watch(OWNER))
    assert [o.key for o in plan(data).occasions] == ["renewal:1:step:30"]


def test_a_watcher_never_triggers_an_auto_renewal_nor_hears_of_it_before_it_rolled() -> None:
    silent_owner = owner(OWNER, digest_time=time(11, 0))
    data = with_watchers(
        planning(owners=[silent_owner], contracts=[renewing_in(0, auto_renew=True)]), watch(ANN)
    )
    result = plan(data)
    assert result.auto_renewals == []  # the owner's slot is not open yet: no roll-forward
    assert to(result.occasions, ANN) == []


# --- never follow-ups, stale reminders or escalations ------------------------------------


def test_a_follow_up_never_reaches_a_watcher() -> None:
    overdue = follow_up(due=NOW - timedelta(days=10))
    stale = account(last_touch=NOW - timedelta(days=90))
    data = with_watchers(
        planning(
            follow_ups=[overdue, follow_up(2)],
            accounts=[stale],
            contracts=[renewing_in(10)],
            channel="C0ESCALATE",
        ),
        watch(ANN),
    )
    result = plan(data).occasions
    assert {o.kind for o in to(result, ANN)} == {NudgeKind.RENEWAL_STEP}
    assert {o.kind for o in to(result, OWNER)} >= {
        NudgeKind.FOLLOW_UP_OVERDUE,
        NudgeKind.FOLLOW_UP_DUE,
        NudgeKind.STALE,
        NudgeKind.RENEWAL_STEP,
    }


# --- outcomes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome", [RenewalOutcome.RENEWED, RenewalOutcome.CHURNED, RenewalOutcome.CANCELLED]
)
def test_an_outcome_reaches_the_watchers_once_not_the_one_who_recorded_it(
    outcome: RenewalOutcome,
) -> None:
    data = with_watchers(planning(), watch(ANN), watch(BOB), outcomes=[recorded(outcome, by=BOB)])
    told = plan(data).occasions
    assert [(o.recipient, o.key, o.kind) for o in told] == [
        (ANN, "outcome:1:watch:UANN", NudgeKind.OUTCOME_RECORDED)
    ]
    assert told[0].details["outcome"] == outcome.value
    assert told[0].details["by"] == BOB
    assert told[0].reason == f"Outcome recorded: {outcome.value}"
    again = plan(replace(data, now=at(WEDNESDAY + timedelta(days=1), 10))).occasions
    assert [o.key for o in again] == ["outcome:1:watch:UANN"]  # the same key: told once


def test_an_outcome_the_owner_recorded_is_not_news_to_the_owner() -> None:
    data = with_watchers(planning(), watch(ANN), outcomes=[recorded(RenewalOutcome.RENEWED, OWNER)])
    assert [o.recipient for o in plan(data).occasions] == [ANN]


def test_an_outcome_recorded_before_someone_watched_is_not_news_to_them() -> None:
    late = watch(ANN, since=NOW - timedelta(hours=1))
    data = with_watchers(planning(), late, outcomes=[recorded(RenewalOutcome.RENEWED, BOB)])
    assert plan(data).occasions == []


def test_an_auto_renewal_reaches_watchers_as_auto_renewed() -> None:
    rolled = recorded(RenewalOutcome.RENEWED, SYSTEM_ACTOR, auto_renew=True)
    data = with_watchers(planning(), watch(ANN), outcomes=[rolled])
    [told] = plan(data).occasions
    assert (told.recipient, told.kind, told.key) == (
        ANN,
        NudgeKind.AUTO_RENEWED,
        "outcome:1:watch:UANN",
    )


def test_nobody_but_watchers_hears_of_outcomes() -> None:
    data = planning(contracts=[], owners=[owner()])
    data = replace(data, outcomes=[recorded(RenewalOutcome.CHURNED, BOB)])
    assert plan(data).occasions == []
    assert date(2027, 3, 31) == contract().renewal_date  # the contract the outcomes close
