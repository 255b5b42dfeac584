"""Rows become domain values here, and only here."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from bot.domain import (
    Account,
    AccountKind,
    AccountStatus,
    AuditEvent,
    CadenceRule,
    Contact,
    Contract,
    ContractDirection,
    FollowUp,
    FollowUpStatus,
    Interaction,
    InteractionKind,
    NudgeMode,
    Owner,
    RenewalOutcome,
    UserPreferences,
    Watch,
    Workspace,
)
from bot.notify import FilterBy, NotifyEvent, NotifyFilter, NotifyRule, NotifyRuleSpec
from bot.nudges.model import ItemKind, LedgerEntry, NudgeKind, NudgeStatus
from storage import models


def workspace(row: models.WorkspaceRow) -> Workspace:
    return Workspace(
        team_id=row.team_id,
        name=row.name,
        dayfirst=row.dayfirst,
        currency=row.currency,
        escalation_channel=row.escalation_channel,
        renewal_ladder=tuple(int(d) for d in row.renewal_ladder.split(",") if d),
        health_enabled=row.health_enabled,
        cadence_rules=cadence_rules(row.cadence_rules),
        report_channel=row.report_channel,
        report_weekday=row.report_weekday,
        report_time=time.fromisoformat(row.report_time),
        report_timezone=row.report_timezone,
        version=row.version,
    )


def cadence_rules(stored: str) -> tuple[CadenceRule, ...]:
    """``supplier:60:120,customer:21:`` as rules; the inverse of ``stored_cadence_rules``."""
    rules = []
    for item in stored.split(","):
        if item:
            kind, ideal, maximum = item.split(":")
            rules.append(
                CadenceRule(AccountKind(kind), int(ideal), int(maximum) if maximum else None)
            )
    return tuple(rules)


def stored_cadence_rules(rules: tuple[CadenceRule, ...]) -> str:
    return ",".join(f"{rule.kind.value}:{rule.ideal_days}:{rule.max_days or ''}" for rule in rules)


def preferences(row: models.UserRow) -> UserPreferences:
    return UserPreferences(
        team_id=row.team_id,
        user_id=row.slack_user_id,
        timezone=row.timezone,
        slack_timezone=row.slack_timezone,
        digest_time=time.fromisoformat(row.digest_time),
        nudge_mode=NudgeMode(row.nudge_mode),
        workdays=frozenset(int(d) for d in row.workdays.split(",") if d),
        hours_start=time.fromisoformat(row.hours_start),
        hours_end=time.fromisoformat(row.hours_end),
        version=row.version,
    )


def account(row: models.AccountRow, tags: tuple[str, ...]) -> Account:
    return Account(
        id=row.id,
        team_id=row.team_id,
        name=row.name,
        kind=AccountKind(row.kind),
        owner=Owner(user_id=row.owner_id, unresolved=row.owner_unresolved),
        tier=row.tier,
        status=AccountStatus(row.status),
        cadence_days=row.cadence_days,
        tags=tags,
        last_touch_at=row.last_touch_at,
        next_touch_due=row.next_touch_due,
        created_at=row.created_at,
        updated_at=row.updated_at,
        stale_snoozed_until=row.stale_snoozed_until,
        cadence_own=row.cadence_own,
        version=row.version,
    )


def contact(row: models.ContactRow) -> Contact:
    return Contact(
        id=row.id,
        team_id=row.team_id,
        account_id=row.account_id,
        name=row.name,
        title=row.title,
        email=row.email,
        phone=row.phone,
        slack_user_id=row.slack_user_id,
    )


def watch(row: models.AccountWatcherRow) -> Watch:
    return Watch(
        id=row.id,
        team_id=row.team_id,
        account_id=row.account_id,
        user_id=row.user_id,
        created_at=row.created_at,
    )


def notify_rule(row: models.NotifyRuleRow) -> NotifyRule:
    chosen = None
    if row.filter_by is not None and row.filter_value is not None:
        chosen = NotifyFilter(FilterBy(row.filter_by), row.filter_value)
    return NotifyRule(
        id=row.id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        event=NotifyEvent(row.event),
        created_by=row.created_by,
        created_at=row.created_at,
        filter=chosen,
    )


def fill_notify_rule(row: models.NotifyRuleRow, spec: NotifyRuleSpec) -> None:
    """A rule's where, when and for which accounts, onto its row."""
    row.channel_id = spec.channel_id
    row.event = spec.event.value
    row.filter_by = spec.filter.by.value if spec.filter is not None else None
    row.filter_value = spec.filter.value if spec.filter is not None else None
    row.filter_key = spec.filter_key


def interaction(row: models.InteractionRow) -> Interaction:
    return Interaction(
        id=row.id,
        team_id=row.team_id,
        account_id=row.account_id,
        kind=InteractionKind(row.kind),
        occurred_at=row.occurred_at,
        summary=row.summary,
        logged_by=row.logged_by,
        contact_id=row.contact_id,
        permalink=row.permalink,
    )


def follow_up(row: models.FollowUpRow) -> FollowUp:
    return FollowUp(
        id=row.id,
        team_id=row.team_id,
        number=row.number,
        account_id=row.account_id,
        owner_id=row.owner_id,
        due_at=row.due_at,
        text=row.text,
        status=FollowUpStatus(row.status),
        created_by=row.created_by,
        created_at=row.created_at,
        snoozed_until=row.snoozed_until,
        completed_by=row.completed_by,
        completed_at=row.completed_at,
        version=row.version,
    )


def contract(row: models.ContractRow) -> Contract:
    return Contract(
        id=row.id,
        team_id=row.team_id,
        account_id=row.account_id,
        value=None if row.value_cents is None else Decimal(row.value_cents).scaleb(-2),
        currency=row.currency,
        renewal_date=row.renewal_date,
        direction=ContractDirection(row.direction),
        start_date=row.start_date,
        notice_days=row.notice_days,
        notice_months=row.notice_months,
        auto_renew=row.auto_renew,
        outcome=RenewalOutcome(row.outcome) if row.outcome else None,
        outcome_at=row.outcome_at,
        outcome_by=row.outcome_by,
        previous_id=row.previous_id,
        nudges_snoozed_until=row.nudges_snoozed_until,
        version=row.version,
    )


def audit_event(row: models.AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        team_id=row.team_id,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        at=row.at,
        before=row.before,
        after=row.after,
        undoes=row.undoes,
    )


def ledger_entry(row: models.NudgeRow) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        team_id=row.team_id,
        key=row.occasion_key,
        kind=NudgeKind(row.nudge_kind),
        item_kind=ItemKind(row.item_kind),
        item_id=row.item_id,
        recipient=row.recipient_id,
        deliver_after=row.deliver_after,
        status=NudgeStatus(row.status),
        attempts=row.attempts,
        reason=row.reason,
        details=dict(row.details or {}),
        channel_id=row.channel_id,
        message_ts=row.message_ts,
        last_error=row.last_error,
        sent_at=row.sent_at,
        decision=row.decision,
        failing_since=row.failing_since,
    )
