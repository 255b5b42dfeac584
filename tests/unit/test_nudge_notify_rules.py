"""Channel notify rules in nudge planning: each rule's event becomes occasions for its
channel, now, each (rule, item, occasion) once; other events stay silent; the filter is the
item's account's (kind, tier in any case, tag by key); archived and churned accounts never;
a rule tells what happens from its own day on. (Dates: see test_nudge_planning.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.domain import Account, AccountKind, AccountStatus, RenewalOutcome
from bot.notify import FilterBy, NotifyEvent, NotifyFilter, NotifyRule
from bot.nudges.model import SYSTEM_ACTOR, ItemKind, NudgeKind, Occasion, PlanningInput
from bot.nudges.planning import plan
from tests.unit.test_nudge_planning import (
    A_YEAR_AGO,
    NOW,
    WEDNESDAY,
    account,
    at,
    contract,
    follow_up,
    planning,
)

NEWS = "CNEWS"
BOB = "UBOB"

# What each event may post, and nothing else.
KINDS = {
    NotifyEvent.RENEWAL_STEP: {NudgeKind.RENEWAL_STEP},
    NotifyEvent.NOTICE_DEADLINE: {NudgeKind.NOTICE_STEP, NudgeKind.NOTICE_PASSED},
    NotifyEvent.OUTCOME_RECORDED: {NudgeKind.OUTCOME_RECORDED, NudgeKind.AUTO_RENEWED},
    NotifyEvent.ACCOUNT_AT_RISK: {NudgeKind.ENTERED_AT_RISK},
    NotifyEvent.FOLLOW_UP_OVERDUE: {NudgeKind.FOLLOW_UP_OVERDUE},
}


def rule(
    event: NotifyEvent,
    chosen: NotifyFilter | None = None,
    *,
    id: int = 1,
    since: datetime = A_YEAR_AGO,
    channel: str = NEWS,
) -> NotifyRule:
    return NotifyRule(id, "T1", channel, event, "UADMIN", since, chosen)


def touched(id: int, **changes: Any) -> Account:
    return replace(account(id, last_touch=NOW - timedelta(days=1)), **changes)


def everything(*rules: NotifyRule, **changes: Any) -> PlanningInput:
    """One of each event, each on an account of its own: a ladder step (account 1, step 30),
    a notice step (account 2, 7 days before its deadline; its ladder step too), an outcome
    recorded two hours ago (account 3), a follow-up 8 days overdue (account 1), an account
    entering at risk yesterday (account 4)."""
    renewing = (contract(1, WEDNESDAY + timedelta(days=30)), touched(1))
    notice = (contract(2, WEDNESDAY + timedelta(days=37), notice=30, account_id=2), touched(2))
    closed = replace(
        contract(3, WEDNESDAY - timedelta(days=1), account_id=3),
        outcome=RenewalOutcome.RENEWED,
        outcome_at=NOW - timedelta(hours=2),
        outcome_by=BOB,
    )
    data = replace(
        planning(contracts=[renewing, notice], follow_ups=[follow_up(1, NOW - timedelta(days=8))]),
        outcomes=[(closed, touched(3))],
        follow_up_accounts={1: touched(1)},
        entered_at_risk=((touched(4, status=AccountStatus.AT_RISK), NOW - timedelta(days=1)),),
        notify_rules=rules,
    )
    return replace(data, **changes)


def posted(data: PlanningInput, channel: str = NEWS) -> list[Occasion]:
    return [o for o in plan(data).occasions if o.recipient == channel]


# --- each event fires for its rule and not for others ---------------------------------


@pytest.mark.parametrize("event", list(NotifyEvent))
def test_each_rule_posts_its_own_event_and_no_other(event: NotifyEvent) -> None:
    found = posted(everything(rule(event)))
    assert found, f"{event} posted nothing"
    assert {o.kind for o in found} <= KINDS[event]
    assert all(o.key.endswith(":notify:1") and o.details["rule"] == 1 for o in found)
    assert all(o.deliver_after == NOW for o in found)  # now, like escalations


def test_what_each_event_posts_exactly() -> None:
    def keys(event: NotifyEvent) -> list[str]:
        return sorted(o.key for o in posted(everything(rule(event))))

    assert keys(NotifyEvent.RENEWAL_STEP) == [
        "renewal:1:step:30:notify:1",
        "renewal:2:step:60:notify:1",
    ]
    assert keys(NotifyEvent.NOTICE_DEADLINE) == ["notice:2:step:7:notify:1"]
    assert keys(NotifyEvent.OUTCOME_RECORDED) == ["outcome:3:notify:1"]
    assert keys(NotifyEvent.FOLLOW_UP_OVERDUE) == ["overdue7:1:notify:1"]
    day = (NOW - timedelta(days=1)).date().isoformat()
    assert keys(NotifyEvent.ACCOUNT_AT_RISK) == [f"atrisk:4:{day}:notify:1"]


def test_no_rule_no_channel_posting_and_the_owner_is_told_as_before() -> None:
    without = plan(everything())
    assert not [o for o in without.occasions if o.recipient == NEWS]
    with_rules = plan(everything(*(rule(e, id=i) for i, e in enumerate(NotifyEvent, start=1))))
    owners = [o for o in with_rules.occasions if o.recipient != NEWS]
    assert owners == without.occasions


def test_two_rules_to_one_channel_post_each_once_under_their_own_keys() -> None:
    data = everything(rule(NotifyEvent.RENEWAL_STEP, id=1), rule(NotifyEvent.RENEWAL_STEP, id=2))
    found = sorted(o.key for o in posted(data) if o.item_id == 1)
    assert found == ["renewal:1:step:30:notify:1", "renewal:1:step:30:notify:2"]


def test_an_outcome_details_say_by_whom_and_an_auto_renewal_is_told_as_such() -> None:
    [told] = posted(everything(rule(NotifyEvent.OUTCOME_RECORDED)))
    assert told.kind is NudgeKind.OUTCOME_RECORDED and told.details["by"] == BOB
    assert told.details["outcome"] == "renewed"
    data = everything(rule(NotifyEvent.OUTCOME_RECORDED))
    rolled = [(replace(c, outcome_by=SYSTEM_ACTOR), a) for c, a in data.outcomes]
    [auto] = posted(replace(data, outcomes=rolled))
    assert auto.kind is NudgeKind.AUTO_RENEWED


def test_at_risk_items_are_the_account() -> None:
    [told] = posted(everything(rule(NotifyEvent.ACCOUNT_AT_RISK)))
    assert (told.item_kind, told.item_id) == (ItemKind.ACCOUNT, 4)


# --- once ---------------------------------------------------------------------------------


@pytest.mark.parametrize("event", list(NotifyEvent))
def test_planning_again_later_yields_the_same_keys(event: NotifyEvent) -> None:
    data = everything(rule(event))
    first = {o.key for o in posted(data)}
    for later in (NOW + timedelta(hours=3), at(WEDNESDAY, 23, 30)):
        assert {o.key for o in posted(replace(data, now=later))} == first


def test_an_account_entering_at_risk_again_is_told_again() -> None:
    data = everything(rule(NotifyEvent.ACCOUNT_AT_RISK))
    [(risky, _entered)] = data.entered_at_risk
    first = {o.key for o in posted(data)}
    again = replace(data, entered_at_risk=((risky, NOW - timedelta(hours=1)),))
    second = {o.key for o in posted(again)}
    assert first and second and first.isdisjoint(second)
    # Entered 8 days ago: outside the week the input covers, nothing.
    old = replace(data, entered_at_risk=((risky, NOW - timedelta(days=8)),))
    assert posted(old) == []


# --- filters ------------------------------------------------------------------------------


def test_a_kind_filter_lets_only_that_kind_through() -> None:
    suppliers = rule(NotifyEvent.RENEWAL_STEP, NotifyFilter(FilterBy.KIND, "supplier"))
    assert posted(everything(suppliers)) == []  # every account is a customer
    data = everything(suppliers)
    first, second = data.contracts
    supplier = (first[0], replace(first[1], kind=AccountKind.SUPPLIER))
    found = posted(replace(data, contracts=[supplier, second]))
    assert [o.key for o in found] == ["renewal:1:step:30:notify:1"]


def test_a_tier_filter_matches_in_any_case() -> None:
    gold = rule(NotifyEvent.FOLLOW_UP_OVERDUE, NotifyFilter(FilterBy.TIER, "gold"))
    data = everything(gold)
    assert posted(data) == []  # no tier
    golden = replace(data, follow_up_accounts={1: touched(1, tier="GOLD")})
    assert [o.key for o in posted(golden)] == ["overdue7:1:notify:1"]
    silver = replace(data, follow_up_accounts={1: touched(1, tier="Silver")})
    assert posted(silver) == []


def test_a_tag_filter_matches_by_the_tags_key() -> None:
    key_accounts = rule(NotifyEvent.OUTCOME_RECORDED, NotifyFilter(FilterBy.TAG, "Key  Account"))
    data = everything(key_accounts)
    assert posted(data) == []
    [(closed, holder)] = data.outcomes
    tagged = replace(data, outcomes=[(closed, replace(holder, tags=("emea", "key account")))])
    assert [o.key for o in posted(tagged)] == ["outcome:3:notify:1"]
    other = replace(data, outcomes=[(closed, replace(holder, tags=("key",)))])
    assert posted(other) == []


# --- archived and churned accounts, and the rule's own day ----------------------------------


@pytest.mark.parametrize("status", [AccountStatus.ARCHIVED, AccountStatus.CHURNED])
@pytest.mark.parametrize(
    "event",
    [NotifyEvent.RENEWAL_STEP, NotifyEvent.ACCOUNT_AT_RISK, NotifyEvent.FOLLOW_UP_OVERDUE],
)
def test_archived_and_churned_accounts_never(event: NotifyEvent, status: AccountStatus) -> None:
    data = everything(rule(event))
    gone = replace(
        data,
        contracts=[(c, replace(a, status=status)) for c, a in data.contracts],
        follow_up_accounts={
            i: replace(a, status=status) for i, a in data.follow_up_accounts.items()
        },
        entered_at_risk=tuple((replace(a, status=status), t) for a, t in data.entered_at_risk),
    )
    assert posted(gone) == []


def test_an_outcome_of_an_archived_account_is_not_told_but_a_churn_is() -> None:
    data = everything(rule(NotifyEvent.OUTCOME_RECORDED))
    [(closed, holder)] = data.outcomes
    archived = replace(data, outcomes=[(closed, replace(holder, status=AccountStatus.ARCHIVED))])
    assert posted(archived) == []
    churn = replace(closed, outcome=RenewalOutcome.CHURNED)
    churned = replace(data, outcomes=[(churn, replace(holder, status=AccountStatus.CHURNED))])
    assert [o.details["outcome"] for o in posted(churned)] == ["churned"]


def test_a_rule_tells_what_happens_from_its_own_day_on() -> None:
    today = rule(NotifyEvent.RENEWAL_STEP, since=NOW - timedelta(hours=1))
    # Step 30 of contract 1 is reached today: told; step 60 of contract 2 was reached a week
    # ago, before the rule: not replayed.
    assert [o.key for o in posted(everything(today))] == ["renewal:1:step:30:notify:1"]
    # The outcome was recorded two hours ago: before a rule made an hour ago.
    recent = rule(NotifyEvent.OUTCOME_RECORDED, since=NOW - timedelta(hours=1))
    assert posted(everything(recent)) == []
    # The follow-up turned 7 days overdue yesterday.
    overdue = rule(NotifyEvent.FOLLOW_UP_OVERDUE, since=NOW - timedelta(hours=1))
    assert posted(everything(overdue)) == []
    at_risk = rule(NotifyEvent.ACCOUNT_AT_RISK, since=NOW - timedelta(hours=1))
    assert posted(everything(at_risk)) == []


def test_escalations_keep_their_keys_and_channel_beside_rules() -> None:
    data = everything(rule(NotifyEvent.FOLLOW_UP_OVERDUE), workspace=None)
    data = replace(data, workspace=replace(planning(channel="C0ESC").workspace))
    found = plan(data).occasions
    assert [o.key for o in found if o.recipient == "C0ESC"] == ["escalate:fu:1"]
    assert [o.key for o in found if o.recipient == NEWS] == ["overdue7:1:notify:1"]
