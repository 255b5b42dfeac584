"""Preferences: each user's own, and the workspace's (admins only)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.dates import is_known_zone
from bot.domain import Actor, NudgeMode, UserPreferences, Workspace
from bot.errors import InvalidInput, PermissionDenied
from bot.ports import UnitOfWork
from bot.services import audit
from bot.validation import check_currency


@dataclass(frozen=True, slots=True)
class SettingsView:
    preferences: UserPreferences
    workspace: Workspace
    effective_timezone: str


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


def update_workspace(uow: UnitOfWork, actor: Actor, now: datetime, **changes: Any) -> Workspace:
    """Change workspace settings (``dayfirst``, ``currency``, ``escalation_channel``,
    ``renewal_ladder``)."""
    if not actor.is_admin:
        raise PermissionDenied(
            "Only a Rapport admin can change workspace settings.",
            hint="Admins are listed in RAPPORT_ADMINS.",
        )
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


def _check_zone(name: str) -> None:
    if not is_known_zone(name):
        raise InvalidInput(
            "timezone", f"“{name}” isn't a time zone; use a name like `Europe/Berlin`."
        )
