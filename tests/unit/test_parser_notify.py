"""`settings workspace notify …` as people type it: events in their everyday words, a
channel as Slack sends it, at most one filter, `off` or `remove <N>` to take one away."""

from __future__ import annotations

import pytest

from bot import commands as c
from bot.notify import FilterBy, NotifyEvent, NotifyFilter, NotifyRuleSpec
from tests.unit.test_parser import parse

LINE = "settings workspace notify "


def rule(event: NotifyEvent, chosen: NotifyFilter | None = None) -> c.AddNotifyRule:
    return c.AddNotifyRule(NotifyRuleSpec("C123", event, chosen))


@pytest.mark.parametrize(
    ("typed", "event"),
    [
        ("renewal step", NotifyEvent.RENEWAL_STEP),
        ("renewal steps", NotifyEvent.RENEWAL_STEP),
        ("renewal", NotifyEvent.RENEWAL_STEP),
        ("Renewals", NotifyEvent.RENEWAL_STEP),
        ("notice deadline", NotifyEvent.NOTICE_DEADLINE),
        ("notice", NotifyEvent.NOTICE_DEADLINE),
        ("notices", NotifyEvent.NOTICE_DEADLINE),
        ("outcome recorded", NotifyEvent.OUTCOME_RECORDED),
        ("outcome", NotifyEvent.OUTCOME_RECORDED),
        ("outcomes", NotifyEvent.OUTCOME_RECORDED),
        ("account at risk", NotifyEvent.ACCOUNT_AT_RISK),
        ("at risk", NotifyEvent.ACCOUNT_AT_RISK),
        ("follow-up overdue 7 days", NotifyEvent.FOLLOW_UP_OVERDUE),
        ("follow up overdue seven days", NotifyEvent.FOLLOW_UP_OVERDUE),
        ("followups overdue", NotifyEvent.FOLLOW_UP_OVERDUE),
        ("overdue", NotifyEvent.FOLLOW_UP_OVERDUE),
    ],
)
def test_events_as_people_type_them(typed: str, event: NotifyEvent) -> None:
    assert parse(f"{LINE}<#C123|renewals> when {typed}") == rule(event)
    assert parse(f"{LINE}<#C123> {typed}") == rule(event)  # `when` may be left out


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("for customer", NotifyFilter(FilterBy.KIND, "customer")),
        ("for suppliers", NotifyFilter(FilterBy.KIND, "supplier")),
        ("partner", NotifyFilter(FilterBy.KIND, "partner")),
        ("tier Gold", NotifyFilter(FilterBy.TIER, "Gold")),
        ("for tier gold", NotifyFilter(FilterBy.TIER, "gold")),
        ("tag emea", NotifyFilter(FilterBy.TAG, "emea")),
        ('for tag "key account"', NotifyFilter(FilterBy.TAG, "key account")),
        ("tag “key account”", NotifyFilter(FilterBy.TAG, "key account")),
        ("tag <#C999|emea>", NotifyFilter(FilterBy.TAG, "emea")),  # Slack made it a channel
    ],
)
def test_one_filter(typed: str, chosen: NotifyFilter) -> None:
    assert parse(f"{LINE}<#C123> when renewal step {typed}") == rule(
        NotifyEvent.RENEWAL_STEP, chosen
    )


def test_filters_compare_tiers_in_any_case_and_tags_by_key() -> None:
    assert NotifyFilter(FilterBy.TIER, "Gold").key == NotifyFilter(FilterBy.TIER, "GOLD").key
    assert NotifyFilter(FilterBy.TAG, "Key  Account").key == "tag:key account"
    assert (
        NotifyFilter(FilterBy.KIND, "customer").key != NotifyFilter(FilterBy.TIER, "customer").key
    )


def test_off_and_remove_take_a_rule_away() -> None:
    spec = NotifyRuleSpec("C123", NotifyEvent.OUTCOME_RECORDED, NotifyFilter(FilterBy.TAG, "vip"))
    assert parse(f"{LINE}<#C123> when outcomes tag vip off") == c.RemoveNotifyRule(rule=spec)
    assert parse(f"{LINE}remove 2") == c.RemoveNotifyRule(number=2)
    assert parse(f"{LINE}remove #2") == c.RemoveNotifyRule(number=2)


def test_escalation_is_the_escalation_channel() -> None:
    assert parse(f"{LINE}<#C123|esc> when escalations") == c.SetEscalationChannel("C123")
    refused = parse(f"{LINE}<#C123> when escalation for customer")
    assert isinstance(refused, c.ParseError)
    assert "`settings workspace escalation #channel`" in refused.message


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("<#C123> when birthdays", "`renewal step`, `notice deadline`, `outcome recorded`"),
        ("<#C123> when", "not no event"),
        ("#renewals when renewals", "pick it from Slack's list"),
        ("renewals", "pick it from Slack's list"),
        ("<#C123> when renewals for", "For which accounts?"),
        ("<#C123> when renewals for customer tier gold", "A rule is for one kind"),
        ("<#C123> when renewals tier gold silver", "at most one filter"),
        ("<#C123> when renewals for nobody", "A rule is for one kind"),
        ("remove zero", "Which rule?"),
        ("remove 0", "Which rule?"),
    ],
)
def test_friendly_refusals(typed: str, said: str) -> None:
    refused = parse(LINE + typed)
    assert isinstance(refused, c.ParseError), refused
    assert said in refused.message
    assert refused.usage is not None and "notify #channel when <event>" in refused.usage
