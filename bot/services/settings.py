"""Preferences: each user's own, and the workspace's (admins only)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.dates import is_known_zone
from bot.domain import (
    AccountFilter,
    AccountKind,
    Actor,
    CadenceRule,
    NudgeMode,
    UserPreferences,
    Workspace,
)
from bot.errors import InvalidInput, PermissionDenied
from bot.notify import NotifyRule
from bot.ports import UnitOfWork
from bot.services import audit
from bot.validation import check_cadence, check_currency


@dataclass(frozen=True, slots=True)
class SettingsView:
    preferences: UserPreferences
    workspace: Workspace
    effective_timezone: str
    notify_rules: tuple[NotifyRule, ...] = ()  # oldest first: numbered so


def _preferences(uow: UnitOfWork, actor: Actor) -> UserPreferences:
    return uow.users.preferences(actor.user_id) or UserPreferences(
        team_id=uow.team_id, user_id=actor.user_id
    )


def show_settings(uow: UnitOfWork, actor: Actor, now: datetime) -> SettingsView:
    preferences = _preferences(uow, actor)
    return SettingsView(
        preferences=preferences,
        workspace=uow.workspaces.get_or_create(now),
        effective_timezone=preferences.zone_name(actor.timezone),
        notify_rules=tuple(uow.notify_rules.all()),
    )


def update_preferences(
    uow: UnitOfWork, actor: Actor, now: datetime, **changes: Any
) -> UserPreferences:
    """Change the caller's own preferences (``timezone``, ``digest_time``, ``nudge_mode``, …)."""
    if "timezone" in changes:
        _check_zone(changes["timezone"])
    if "nudge_mode" in changes:
        changes["nudge_mode"] = NudgeMode(changes["nudge_mode"])
    if "workdays" in changes and not changes["workdays"]:
        raise InvalidInput("workdays", "Pick at least one working day, e.g. `mon-fri`.")
    before = _preferences(uow, actor)
    after = dataclasses.replace(before, **changes)
    if after.hours_start >= after.hours_end:
        raise InvalidInput("hours", "Working hours must end after they start, e.g. `08:00-18:00`.")
    uow.workspaces.get_or_create(now)
    saved = uow.users.save_preferences(after, now)
    audit.record(
        uow,
        actor,
        now,
        "user.settings",
        entity="user",
        entity_id=actor.user_id,
        before=before,
        after=saved,
    )
    return saved


def only_admins(actor: Actor) -> None:
    """Refuse anyone but a Rapport admin (workspace settings are theirs)."""
    if not actor.is_admin:
        raise PermissionDenied(
            "Only a Rapport admin can change workspace settings.",
            hint="Admins are listed in RAPPORT_ADMINS.",
        )


def update_workspace(uow: UnitOfWork, actor: Actor, now: datetime, **changes: Any) -> Workspace:
    """Change workspace settings (``dayfirst``, ``currency``, ``escalation_channel``,
    ``renewal_ladder``, ``health_enabled``)."""
    only_admins(actor)
    ladder = changes.get("renewal_ladder")
    if ladder is not None and (not ladder or any(d <= 0 for d in ladder)):
        raise InvalidInput("ladder", "A ladder is positive day counts, e.g. `90,60,30,14,7,1`.")
    if "currency" in changes:
        changes["currency"] = check_currency(changes["currency"])
    before = uow.workspaces.get_or_create(now)
    saved = uow.workspaces.save(dataclasses.replace(before, **changes))
    audit.record(
        uow,
        actor,
        now,
        "workspace.settings",
        entity="workspace",
        entity_id=uow.team_id,
        before=before,
        after=saved,
    )
    return saved


@dataclass(frozen=True, slots=True)
class CadenceRuleChange:
    """A kind's cadence rule set (or back to the default), and how many accounts of the kind
    that follow it moved to the new cadence."""

    workspace: Workspace
    rule: CadenceRule
    is_default: bool
    moved: int


def set_cadence_rule(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    kind: AccountKind,
    ideal_days: int | None,
    max_days: int | None = None,
) -> CadenceRuleChange:
    """Set how often accounts of ``kind`` should be touched (``ideal_days`` None: the built-in
    default again). New accounts of the kind get it; existing ones whose cadence was not set
    for them move to it, counted from their last touch, each written only if unchanged since
    read and audited, so `undo` takes the whole change back."""
    only_admins(actor)
    if ideal_days is not None:
        check_cadence(ideal_days)
        if max_days is not None and check_cadence(max_days) < ideal_days:
            raise InvalidInput("cadence", "The maximum can't be shorter than the cadence.")
    before = uow.workspaces.get_or_create(now)
    rules = [rule for rule in before.cadence_rules if rule.kind is not kind]
    if ideal_days is not None:
        rules.append(CadenceRule(kind, ideal_days, max_days))
    order = list(AccountKind)
    rules.sort(key=lambda rule: order.index(rule.kind))
    saved = uow.workspaces.save(dataclasses.replace(before, cadence_rules=tuple(rules)))
    audit.record(
        uow,
        actor,
        now,
        "workspace.settings",
        entity="workspace",
        entity_id=uow.team_id,
        before=before,
        after=saved,
    )
    rule = saved.cadence_rule(kind)
    moved = [
        account
        for account in uow.accounts.listed(AccountFilter(kind=kind))
        if not account.cadence_own and account.cadence_days != rule.ideal_days
    ]
    updates = []
    for account in moved:
        since = account.last_touch_at or account.created_at
        changed = dataclasses.replace(
            account,
            cadence_days=rule.ideal_days,
            next_touch_due=since + timedelta(days=rule.ideal_days),
            updated_at=now,
            version=account.version + 1,
        )
        updates.append((changed, account.version))
        audit.record(
            uow,
            actor,
            now,
            "account.update",
            entity="account",
            entity_id=account.id,
            before=account,
            after=changed,
        )
    uow.bulk.update_accounts(updates)
    return CadenceRuleChange(saved, rule, ideal_days is None, len(moved))


def _check_zone(name: str) -> None:
    if not is_known_zone(name):
        raise InvalidInput(
            "timezone", f"“{name}” isn't a time zone; use a name like `Europe/Berlin`."
        )
