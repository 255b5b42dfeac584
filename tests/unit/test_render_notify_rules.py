"""Channel notify rules in `settings workspace` and in the replies to `… notify`: numbered,
in words, within Slack's limits however many there are."""

from __future__ import annotations

from bot import commands as c
from bot.domain import UserPreferences, Workspace
from bot.execute import Executed
from bot.notify import FilterBy, NotifyEvent, NotifyFilter, NotifyRule
from bot.render import render_result
from bot.services.notify_rules import NotifyRuleChange, RuleResult
from bot.services.settings import SettingsView
from tests.unit.test_render_support import ME, NOW, block_texts, check_reply, viewer


def rule(id: int, event: NotifyEvent = NotifyEvent.RENEWAL_STEP, **filters: str) -> NotifyRule:
    [(by, value)] = filters.items() or [("", "")]
    chosen = NotifyFilter(FilterBy(by), value) if by else None
    return NotifyRule(id, "T1", f"C{id:04d}", event, ME, NOW, chosen)


def settings(*rules: NotifyRule, escalation: str | None = None) -> str:
    view = SettingsView(
        UserPreferences("T1", ME), Workspace("T1", escalation_channel=escalation), "UTC", rules
    )
    reply = render_result(Executed(c.ShowSettings(), view), viewer())
    check_reply(reply)
    return block_texts(reply.blocks)


def test_rules_are_listed_numbered_in_words_after_the_escalation_channel() -> None:
    text = settings(
        rule(7, kind="customer"),
        rule(9, NotifyEvent.FOLLOW_UP_OVERDUE, tier="Gold"),
        rule(12, NotifyEvent.OUTCOME_RECORDED, tag="key account"),
        rule(13, NotifyEvent.ACCOUNT_AT_RISK),
        escalation="CESC",
    )
    assert text.index("Escalation channel: <#CESC> hears of follow-ups 7 days overdue") < (
        text.index("1. <#C0007> hears of *renewal step*, for customers")
    )
    assert "2. <#C0009> hears of *follow-up overdue 7 days*, for tier Gold" in text
    assert "3. <#C0012> hears of *outcome recorded*, for tag `key account`" in text
    assert "4. <#C0013> hears of *account at risk*, for every account" in text


def test_no_rules_says_how_to_add_one() -> None:
    text = settings()
    assert "Escalation channel: none" in text
    assert "`settings workspace notify #channel when renewal step [for customer]`" in text


def test_hundreds_of_rules_stay_within_slacks_limits() -> None:
    many = [rule(i, tag="t" * 50) for i in range(1, 301)]
    text = settings(*many)
    assert "1. <#C0001>" in text and "more" in text
    change = NotifyRuleChange(many[0], RuleResult.ADDED, tuple(many), "CESC")
    reply = render_result(Executed(c.AddNotifyRule(many[0].spec), change), viewer())
    check_reply(reply)
    assert "Now <#C0001> hears of *renewal step*" in block_texts(reply.blocks)
