"""`undo`: take back the caller's own last change of the last hour, through the audit trail.

A change is what one request wrote: the audit rows of one unit of work. Its rows are taken
back newest first. An entity the change edited gets back the fields that change changed, as
they were before it; what the change created goes again: an interaction or a contact is
deleted, a contract too (a renewal's next term, before its old term is opened again), a
follow-up is cancelled, and an account is deleted, or archived when something hangs off it
by now. Each row is checked as it is taken back: an entity changed since (by anyone) is left
as it is and the whole undo refused, so an undo never overwrites another's change.

Every undo is audited (``<entity>.undo``, before and after), each row naming the row it took
back, so the next `undo` goes one further back. A watch is the one thing a change removes
that `undo` brings back: `unwatch` taken back watches again (the watch is all there was);
so is a channel notify rule (`settings workspace notify … off` taken back adds it again).
A bulk import is never taken back: when it is the caller's last change, `undo` says so and
goes no further back (taking back something older instead would surprise).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from bot.domain import (
    Account,
    AccountStatus,
    Actor,
    AuditEvent,
    Contact,
    Contract,
    FollowUp,
    FollowUpStatus,
    Interaction,
    UserPreferences,
    Watch,
    Workspace,
    name_key,
)
from bot.errors import NothingToDo, RapportError
from bot.notify import NotifyRule
from bot.ports import UnitOfWork
from bot.services import audit

UNDO_WINDOW = timedelta(hours=1)
NOTHING_TO_UNDO = "Nothing of yours to undo from the last hour."

# Fields every write moves on by itself, and what Slack's profile refreshes without anyone
# changing anything: not part of what a change changed.
_UNCOMPARED = frozenset({"version", "updated_at", "slack_timezone"})
# The edits `undo` knows, each taken back by restoring the fields it changed.
_EDITS = frozenset(
    {
        "account.rename",
        "account.status",
        "account.update",
        "account.tag",
        "account.untag",
        "account.assign",
        "account.touch",
        "account.stale_snoozed",
        "contact.update",
        "contract.replace",
        "contract.renewed",
        "contract.churned",
        "contract.cancelled",
        "contract.nudges_snoozed",
        "follow_up.done",
        "follow_up.snooze",
        "follow_up.cancel",
        "follow_up.reopen",
        "user.settings",
        "workspace.settings",
    }
)
_CREATED = frozenset(
    {"account", "contact", "contract", "follow_up", "interaction", "watch", "notify_rule"}
)
# What a change removed and `undo` puts back.
_REMOVED = frozenset({"watch.delete", "notify_rule.delete"})


class CannotUndo(RapportError):
    """The caller's last change can't be taken back (an import, a kind of change `undo` does
    not know, or an entity someone changed since); nothing was changed."""


@dataclass(frozen=True, slots=True)
class Undone:
    """What `undo` took back: the change's audit rows (oldest first), when it was made, the
    names of the accounts they concern (by id), and the accounts the change had added that
    were archived rather than deleted (something hangs off them by now)."""

    events: tuple[AuditEvent, ...]
    at: datetime
    account_names: Mapping[int, str]
    archived: frozenset[int] = frozenset()


def undo_last_change(uow: UnitOfWork, actor: Actor, now: datetime) -> Undone:
    """Take back the caller's newest change of the last hour not taken back yet."""
    events = uow.audit.latest_change(actor.user_id, now - UNDO_WINDOW)
    if not events:
        raise NothingToDo(NOTHING_TO_UNDO)
    imported = [e for e in events if e.action.endswith(".import")]
    if imported:
        raise CannotUndo(
            "Your last change was an import, and `undo` doesn't take back imports.",
            hint="Correct the rows with commands, or import a corrected file.",
        )
    unknown = [e.action for e in events if not _created(e) and not _edited(e) and not _removed(e)]
    if unknown:
        raise CannotUndo(f"Your last change ({unknown[0]}) is one `undo` can't take back.")
    names = _account_names(uow, events)
    archived: set[int] = set()
    for event in reversed(events):
        if _take_back(uow, actor, now, event):
            archived.add(int(str(event.entity_id)))
    return Undone(tuple(events), events[0].at, names, frozenset(archived))


def _account_names(uow: UnitOfWork, events: list[AuditEvent]) -> dict[int, str]:
    """Every account the rows concern, by id, named as the rows last saw it (or as stored)."""
    names: dict[int, str] = {}
    wanted: set[int] = set()
    for event in events:
        state = event.after or event.before or {}
        if event.entity == "account":
            names[int(str(event.entity_id))] = str(state.get("name"))
        elif isinstance(state.get("account_id"), int):
            wanted.add(int(str(state["account_id"])))
    for account_id, account in uow.accounts.by_ids(wanted - names.keys()).items():
        names[account_id] = account.name
    return names


def _take_back(uow: UnitOfWork, actor: Actor, now: datetime, event: AuditEvent) -> bool:
    """Take back one audit row; True when an account it added was archived, not deleted."""
    current = _current(uow, now, event)
    if _removed(event):
        _put_back(uow, actor, now, event, current)
        return False
    if current is None or event.after is None:
        raise CannotUndo(f"{_what(event)} is gone since, so there is nothing to take back.")
    if not _same(audit.snapshot(current), event.after):
        raise CannotUndo(
            f"{_what(event)} was changed since{_by_whom(uow, event)}, so I left your change "
            "as it is: undoing it would overwrite that.",
            hint="See it as it is now, and change it by hand.",
        )
    if _created(event):
        kept = _remove(uow, actor, now, current)
    else:
        assert event.before is not None, "an edit has a before"
        kept = _restore(uow, now, current, event.before, event.after)
    audit.record(
        uow,
        actor,
        now,
        f"{event.entity}.undo",
        entity=event.entity,
        entity_id=event.entity_id,
        before=current,
        after=kept,
        undoes=event.id,
    )
    return _created(event) and isinstance(kept, Account)


def _created(event: AuditEvent) -> bool:
    return event.before is None and event.action.endswith(".create") and event.entity in _CREATED


def _removed(event: AuditEvent) -> bool:
    return event.before is not None and event.after is None and event.action in _REMOVED


def _put_back(
    uow: UnitOfWork, actor: Actor, now: datetime, event: AuditEvent, current: object | None
) -> None:
    """Watch again what `unwatch` stopped watching, unless it is watched again since; a
    channel rule removed comes back, unless the same rule was added again since."""
    assert event.before is not None, "a removal has a before"
    if current is not None:
        again = "watched" if event.entity == "watch" else "there"
        raise CannotUndo(f"{_what(event)} is {again} again since, so there is nothing to undo.")
    # The same row back (its id, since when): an `undo` after this one finds it as it was.
    back: Watch | NotifyRule
    if event.entity == "notify_rule":
        rule = audit.revive(NotifyRule, event.before)
        if uow.notify_rules.find(rule.spec) is not None:
            raise CannotUndo(f"{_what(event)} is there again since, so there is nothing to undo.")
        back = uow.notify_rules.restore(rule)
    else:
        removed = audit.revive(Watch, event.before)
        if uow.accounts.get(removed.account_id) is None:
            raise CannotUndo(f"{_what(event)} is gone since, so there is nothing to take back.")
        back = uow.watchers.restore(removed)
    audit.record(
        uow,
        actor,
        now,
        f"{event.entity}.undo",
        entity=event.entity,
        entity_id=back.id,
        after=back,
        undoes=event.id,
    )


def _edited(event: AuditEvent) -> bool:
    return event.before is not None and event.after is not None and event.action in _EDITS


def _current(uow: UnitOfWork, now: datetime, event: AuditEvent) -> object | None:
    """The entity the row changed, as it stands now (None when it is gone)."""
    key = str(event.entity_id)
    state = event.after or event.before or {}
    match event.entity:
        case "account":
            return uow.accounts.get(int(key))
        case "follow_up":
            return uow.follow_ups.by_number(int(key))
        case "contract":
            return uow.contracts.get(int(key))
        case "interaction":
            return uow.interactions.get(int(key))
        case "contact":
            contacts = uow.contacts.for_account(int(str(state.get("account_id"))))
            return next((c for c in contacts if str(c.id) == key), None)
        case "user":
            return uow.users.preferences(key)
        case "workspace":
            return uow.workspaces.get_or_create(now)
        case "watch":
            return uow.watchers.get(int(str(state.get("account_id"))), str(state.get("user_id")))
        case "notify_rule":
            return uow.notify_rules.get(int(key))
    return None


def _same(now_state: audit.Snapshot, then: audit.Snapshot) -> bool:
    """Whether an entity is as a change left it (tags in any order; versions aside)."""
    return _comparable(now_state) == _comparable(then)


def _comparable(state: audit.Snapshot) -> dict[str, object]:
    return {
        name: sorted(value, key=str) if isinstance(value, list) else value
        for name, value in state.items()
        if name not in _UNCOMPARED
    }


def _remove(uow: UnitOfWork, actor: Actor, now: datetime, current: object) -> object | None:
    """Take back an entity the change created: what is left of it (None: deleted)."""
    match current:
        case FollowUp():
            cancelled = dataclasses.replace(
                current,
                status=FollowUpStatus.CANCELLED,
                completed_by=actor.user_id,
                completed_at=now,
            )
            return uow.follow_ups.save(cancelled, now)
        case Account() if _has_dependents(uow, current.id):
            archived = dataclasses.replace(current, status=AccountStatus.ARCHIVED, updated_at=now)
            return uow.accounts.save(archived)
        case Account():
            uow.accounts.delete(current)
        case Contract():
            uow.contracts.delete(current)
        case Contact():
            uow.contacts.delete(current.id)
        case Interaction():
            uow.interactions.delete(current.id)
        case Watch():
            uow.watchers.remove(current)
        case NotifyRule():
            uow.notify_rules.remove(current)
        case _:
            raise TypeError(f"no way to take back {current!r}")
    return None


def _has_dependents(uow: UnitOfWork, account_id: int) -> bool:
    return bool(
        uow.contacts.for_account(account_id)
        or uow.interactions.recent(account_id, 1)
        or uow.follow_ups.for_account(account_id)
        or uow.contracts.for_account(account_id)
    )


def _restore(
    uow: UnitOfWork,
    now: datetime,
    current: object,
    before: audit.Snapshot,
    after: audit.Snapshot,
) -> object:
    """Put back, on the entity as it stands, the fields the change changed: only those."""
    changed = {name for name in after if name not in _UNCOMPARED and before[name] != after[name]}
    old = audit.revive(type(current), before)
    restored = dataclasses.replace(cast(Any, current), **{n: getattr(old, n) for n in changed})
    match restored:
        case Account():
            _refuse_taken_name(uow, restored, changed)
            return uow.accounts.save(dataclasses.replace(restored, updated_at=now))
        case FollowUp():
            return uow.follow_ups.save(restored, now)
        case Contract():
            return uow.contracts.save(restored, now)
        case Contact():
            return uow.contacts.update(restored)
        case UserPreferences():
            return uow.users.save_preferences(restored, now)
        case Workspace():
            return uow.workspaces.save(restored)
    raise TypeError(f"no way to restore {restored!r}")


def _refuse_taken_name(uow: UnitOfWork, account: Account, changed: set[str]) -> None:
    if "name" not in changed:
        return
    clash = uow.accounts.by_key(name_key(account.name))
    if clash is not None and clash.id != account.id:
        raise CannotUndo(
            f"Another account is called “{clash.name}” now, so I can't give the old name back."
        )


def _what(event: AuditEvent) -> str:
    """The entity a row is about, as the refusal names it."""
    state = event.after or event.before or {}
    match event.entity:
        case "account":
            return f"“{state.get('name')}”"
        case "follow_up":
            return f"Follow-up #{event.entity_id}"
        case "contact":
            return f"The contact “{state.get('name')}”"
        case "user":
            return "Your settings"
        case "workspace":
            return "The workspace's settings"
        case "watch":
            return "The account you watched"
        case "notify_rule":
            return "The channel rule"
    return f"The {event.entity.replace('_', '-')} you changed"


def _by_whom(uow: UnitOfWork, event: AuditEvent) -> str:
    """ " by @them" when a later audit row of the entity says who changed it."""
    later = [
        e
        for e in uow.audit.for_entity(event.entity, str(event.entity_id))
        if e.id is not None and event.id is not None and e.id > event.id
    ]
    return f" by <@{later[-1].actor}>" if later else ""
