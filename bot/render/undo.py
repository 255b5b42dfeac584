"""The reply to `undo`: exactly what it took back, named, and how long ago it was done."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import AccountStatus, AuditEvent
from bot.notify import NotifyEvent
from bot.render.confirmations import confirmation
from bot.render.reply import Reply, Viewer
from bot.render.text import channel, mention, one_line, plural, safe
from bot.services.undo import Undone

_NAME = 200


def taken_back(undone: Undone, viewer: Viewer) -> Reply:
    """ "Took back: renamed *Acme Corp* to *Acme Inc* (2 minutes ago)."."""
    said = [_said(event, undone) for event in undone.events]
    what = "; ".join(s for s in said if s) or "your last change"
    return confirmation(
        f"Took back: {what} ({_ago(viewer.now - undone.at)}).",
        "`undo` again takes back the change before it.",
    )


def _ago(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    return "just now" if minutes < 1 else f"{plural(minutes, 'minute')} ago"


def _bold(name: object) -> str:
    return f"*{safe(one_line(str(name)), _NAME)}*"


def _said(event: AuditEvent, undone: Undone) -> str | None:
    """What one audit row did, in the words of the command that did it (None: a row that
    only went with another, such as the touch a `log` moved)."""
    before, after = event.before or {}, event.after or {}
    account = _bold(undone.account_names.get(_int(after.get("account_id")), "an account"))
    number = f"*#{event.entity_id}*"
    match event.action:
        case "account.create":
            archived = _int(event.entity_id) in undone.archived
            kept = " (archived, not deleted: things were added to it since)" if archived else ""
            return f"added {_bold(after.get('name'))}{kept}"
        case "account.rename":
            return f"renamed {_bold(before.get('name'))} to {_bold(after.get('name'))}"
        case "account.status":
            status = AccountStatus(str(after.get("status")))
            if status is AccountStatus.ARCHIVED:
                return f"archived {_bold(after.get('name'))}"
            return f"set {_bold(after.get('name'))} to {status.label}"
        case "account.update":
            return f"changed {_bold(after.get('name'))} ({_fields(before, after)})"
        case "account.tag":
            return f"tagged {_bold(after.get('name'))} {_tags(after, before)}"
        case "account.untag":
            return f"took {_tags(before, after)} off {_bold(after.get('name'))}"
        case "account.assign":
            owner = after.get("owner")
            user = owner.get("user_id") if isinstance(owner, dict) else None
            to = mention(str(user)) if user else "nobody"
            return f"gave {_bold(after.get('name'))} to {to}"
        case "account.stale_snoozed":
            return f"snoozed the reminders of {_bold(after.get('name'))}"
        case "contact.create":
            return f"added contact {_bold(after.get('name'))} to {account}"
        case "contact.update":
            return f"updated contact {_bold(after.get('name'))} at {account}"
        case "interaction.create":
            return f"logged a {safe(str(after.get('kind')))} with {account}"
        case "follow_up.create":
            return f"added follow-up {number} on {account}"
        case "follow_up.done":
            return f"closed follow-up {number} as done"
        case "follow_up.cancel":
            return f"cancelled follow-up {number}"
        case "follow_up.snooze":
            return f"snoozed follow-up {number}"
        case "follow_up.reopen":
            return f"reopened follow-up {number}"
        case "contract.create" if after.get("previous_id") is None:
            return f"added a contract for {account}"
        case "contract.replace":
            return f"changed the contract of {account}"
        case "contract.renewed":
            return f"recorded {account} as renewed"
        case "contract.churned" | "contract.cancelled":
            return f"recorded {account} as not renewing"
        case "watch.create" | "watch.delete":
            state = after or before
            watched = _bold(undone.account_names.get(_int(state.get("account_id")), "an account"))
            verb = "started" if event.action == "watch.create" else "stopped"
            return f"{verb} watching {watched}"
        case "notify_rule.create" | "notify_rule.delete":
            state = after or before
            event_words = NotifyEvent(str(state.get("event"))).words
            verb = "added" if event.action == "notify_rule.create" else "removed"
            where = channel(str(state.get("channel_id")))
            return f"{verb} the channel rule: {where} hears of *{event_words}*"
        case "contract.nudges_snoozed":
            return f"snoozed the renewal reminders of {account}"
        case "user.settings":
            return f"changed your settings ({_fields(before, after)})"
        case "workspace.settings":
            return f"changed the workspace settings ({_fields(before, after)})"
    return None


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _fields(before: dict[str, object], after: dict[str, object]) -> str:
    """The fields a change changed, as they were given back: "tier back to silver"."""
    changed = [
        name
        for name in after
        if name not in ("version", "updated_at", "next_touch_due")
        and before.get(name) != after[name]
    ]
    return ", ".join(
        f"{name.replace('_', ' ')} back to {_value(before.get(name))}" for name in changed
    )


def _value(value: object) -> str:
    if value is None or value == []:
        return "none"
    if isinstance(value, list):
        return safe(", ".join(str(v) for v in value), 100)
    return safe(one_line(str(value)), 100)


def _tags(more: dict[str, object], fewer: dict[str, object]) -> str:
    """The tags ``more`` has and ``fewer`` does not, as code."""
    have, gone = more.get("tags"), fewer.get("tags")
    if not isinstance(have, list):
        return ""
    extra = [t for t in have if not isinstance(gone, list) or t not in gone]
    return " ".join(f"`{safe(str(t), 60)}`" for t in extra)
