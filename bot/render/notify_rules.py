"""Channel notify rules in words: as `settings workspace` lists them, and the replies to
`settings workspace notify …`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.notify import FilterBy, NotifyEvent, NotifyFilter, NotifyRule
from bot.render.confirmations import confirmation
from bot.render.reply import Reply
from bot.render.text import channel, pack_lines, safe
from bot.services.notify_rules import NotifyRuleChange, RuleResult

RULES_IN_CONTEXT = 1_800  # characters: a context element holds 2,000 with the lead
ESCALATION_EVENTS = (
    "follow-ups 7 days overdue; renewals within 14 days with no outcome and no touch in 30 "
    "days; items whose owner is not an active Slack user"
)


def filter_text(chosen: NotifyFilter | None) -> str:
    """ "every account", "customers", "tier Gold", "tag `key account`"."""
    if chosen is None:
        return "every account"
    match chosen.by:
        case FilterBy.KIND:
            return f"{chosen.value}s"
        case FilterBy.TIER:
            return f"tier {safe(chosen.value, 60)}"
        case FilterBy.TAG:
            return f"tag `{safe(chosen.value, 60)}`"


def rule_text(where: str, event: NotifyEvent, chosen: NotifyFilter | None) -> str:
    """ "<#C1> hears of *renewal step*, for customers"."""
    return f"{channel(where)} hears of *{event.words}*, for {filter_text(chosen)}"


def rules_lines(rules: Sequence[NotifyRule], escalation_channel: str | None) -> list[str]:
    """The escalation channel first (the one rule set on its own), then each rule numbered
    as `settings workspace notify remove <N>` names it."""
    if escalation_channel:
        escalation = (
            f"• Escalation channel: {channel(escalation_channel)} hears of {ESCALATION_EVENTS} "
            "(`settings workspace escalation #channel` moves it)"
        )
    else:
        escalation = "• Escalation channel: none (`settings workspace escalation #channel`)"
    lines = [escalation]
    lines += [
        f"• {number}. {rule_text(r.channel_id, r.event, r.filter)}"
        for number, r in enumerate(rules, start=1)
    ]
    if not rules:
        lines.append(
            "• No other rules: `settings workspace notify #channel when renewal step "
            "[for customer]`"
        )
    return lines


def notify_rule_changed(change: NotifyRuleChange) -> Reply:
    rule = change.rule
    said = rule_text(rule.channel_id, rule.event, rule.filter)
    listed = pack_lines(rules_lines(change.rules, change.escalation_channel), RULES_IN_CONTEXT)
    match change.result:
        case RuleResult.ADDED:
            return confirmation(
                f"Now {said}: each posted once, from today on.",
                "If I'm not a member there yet, invite me so nothing is lost.",
                f"Channel rules:\n{listed}",
            )
        case RuleResult.ALREADY:
            return confirmation(
                f"Already so: {said}. Nothing changed.", f"Channel rules:\n{listed}"
            )
        case RuleResult.REMOVED:
            return confirmation(
                f"Removed: {said.replace(' hears of ', ' no longer hears of ', 1)}.",
                f"Channel rules:\n{listed}",
            )
