"""`watch <account>` and `unwatch <account>`: someone who is not the owner follows an
account's renewal news (ladder steps, notice deadlines, outcomes) in their own digest.
Follow-ups stay with their owners; the owner already gets all of it, so nothing is stored
for them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Account, AccountStatus, Actor
from bot.errors import NothingToDo
from bot.ports import UnitOfWork
from bot.services import audit
from bot.services.lookup import resolve_account


class WatchResult(enum.StrEnum):
    WATCHING = "watching"  # a new watch
    ALREADY_WATCHING = "already_watching"  # nothing changed
    STOPPED = "stopped"  # the watch is gone
    NOT_WATCHING = "not_watching"  # `unwatch` of an account not watched: nothing changed
    OWNER = "owner"  # the caller owns it and gets its news anyway: nothing stored


@dataclass(frozen=True, slots=True)
class WatchChange:
    """What `watch` or `unwatch` did for the caller, and who watches the account now."""

    account: Account
    result: WatchResult
    watchers: tuple[str, ...]  # user ids, first to watch first


def watch_account(uow: UnitOfWork, actor: Actor, now: datetime, *, account: str) -> WatchChange:
    """Watch the account's renewal news; the owner and an archived account are refused kindly."""
    target = resolve_account(uow, account)
    if target.status is AccountStatus.ARCHIVED:
        raise NothingToDo(
            f"“{target.name}” is archived, and archived accounts send no nudges to watch.",
            hint=f"Bring it back first with `status {target.name} active`.",
        )
    if target.owner.user_id == actor.user_id:
        return _change(uow, target, WatchResult.OWNER)
    if uow.watchers.get(target.id, actor.user_id) is not None:
        return _change(uow, target, WatchResult.ALREADY_WATCHING)
    watch = uow.watchers.add(account_id=target.id, user_id=actor.user_id, now=now)
    audit.record(uow, actor, now, "watch.create", entity="watch", entity_id=watch.id, after=watch)
    return _change(uow, target, WatchResult.WATCHING)


def unwatch_account(uow: UnitOfWork, actor: Actor, now: datetime, *, account: str) -> WatchChange:
    """Stop watching; saying so when the caller was not watching (or owns it)."""
    target = resolve_account(uow, account)
    watch = uow.watchers.get(target.id, actor.user_id)
    if watch is None:
        owner = target.owner.user_id == actor.user_id
        return _change(uow, target, WatchResult.OWNER if owner else WatchResult.NOT_WATCHING)
    uow.watchers.remove(watch)
    audit.record(uow, actor, now, "watch.delete", entity="watch", entity_id=watch.id, before=watch)
    return _change(uow, target, WatchResult.STOPPED)


def watcher_ids(uow: UnitOfWork, account: Account) -> tuple[str, ...]:
    """Who watches the account (its owner left out: they get its news as owner)."""
    return tuple(
        w.user_id
        for w in uow.watchers.for_account(account.id)
        if w.user_id != account.owner.user_id
    )


def _change(uow: UnitOfWork, account: Account, result: WatchResult) -> WatchChange:
    return WatchChange(account=account, result=result, watchers=watcher_ids(uow, account))
