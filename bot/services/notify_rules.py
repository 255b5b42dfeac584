"""`settings workspace notify …`: admins choose which channel hears which event (renewal
steps, notice deadlines, outcomes, accounts entering at risk, follow-ups 7 days overdue),
for every account or one kind, tier or tag. Each change is audited; `undo` takes it back."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Actor
from bot.errors import NothingToDo
from bot.notify import NotifyRule, NotifyRuleSpec
from bot.ports import UnitOfWork
from bot.services import audit
from bot.services.settings import only_admins


class RuleResult(enum.StrEnum):
    ADDED = "added"
    ALREADY = "already"  # the same rule was there: nothing changed
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class NotifyRuleChange:
    """What a rule change did, and every rule now (numbered as `settings workspace` shows)."""

    rule: NotifyRule
    result: RuleResult
    rules: tuple[NotifyRule, ...]
    escalation_channel: str | None


def add_notify_rule(
    uow: UnitOfWork, actor: Actor, now: datetime, spec: NotifyRuleSpec
) -> NotifyRuleChange:
    """Add the rule, unless the same one (channel, event, filter) is there already."""
    only_admins(actor)
    uow.workspaces.get_or_create(now)
    existing = uow.notify_rules.find(spec)
    if existing is not None:
        return _change(uow, now, existing, RuleResult.ALREADY)
    rule = uow.notify_rules.add(spec, created_by=actor.user_id, now=now)
    audit.record(
        uow, actor, now, "notify_rule.create", entity="notify_rule", entity_id=rule.id, after=rule
    )
    return _change(uow, now, rule, RuleResult.ADDED)


def remove_notify_rule(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    number: int | None = None,
    spec: NotifyRuleSpec | None = None,
) -> NotifyRuleChange:
    """Remove rule ``number`` (1 is the oldest, as listed), or the one that is ``spec``."""
    only_admins(actor)
    rules = uow.notify_rules.all()
    if number is not None:
        if not 1 <= number <= len(rules):
            raise NothingToDo(
                f"There is no channel rule {number}: "
                + (f"they are numbered 1 to {len(rules)}." if rules else "there are none."),
                hint="`settings workspace` lists them, numbered.",
            )
        rule: NotifyRule | None = rules[number - 1]
    else:
        assert spec is not None, "a rule to remove is named by its number or written out"
        rule = uow.notify_rules.find(spec)
    if rule is None:
        raise NothingToDo(
            "There is no such channel rule, so nothing changed.",
            hint="`settings workspace` lists the rules, numbered: "
            "`settings workspace notify remove <N>`.",
        )
    uow.notify_rules.remove(rule)
    audit.record(
        uow, actor, now, "notify_rule.delete", entity="notify_rule", entity_id=rule.id, before=rule
    )
    return _change(uow, now, rule, RuleResult.REMOVED)


def _change(
    uow: UnitOfWork, now: datetime, rule: NotifyRule, result: RuleResult
) -> NotifyRuleChange:
    channel = uow.workspaces.get_or_create(now).escalation_channel
    return NotifyRuleChange(rule, result, tuple(uow.notify_rules.all()), channel)
