"""Follow-ups: create, done, snooze, cancel."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import When
from bot.domain import DEFAULT_WORKDAY_START, Account, Actor, FollowUp, FollowUpStatus
from bot.errors import InvalidInput, NothingToDo
from bot.ports import UnitOfWork
from bot.services import audit
from bot.services.lookup import resolve_account, resolve_follow_up, user_zone
from bot.validation import clean_follow_up_text


@dataclass(frozen=True, slots=True)
class FollowUpChange:
    follow_up: FollowUp
    account: Account


def due_moment(uow: UnitOfWork, actor: Actor, owner_id: str, when: When) -> datetime:
    """When a follow-up is due: the given time, else the start of the owner's working day."""
    preferences = uow.users.preferences(owner_id)
    start_of_day = preferences.hours_start if preferences else DEFAULT_WORKDAY_START
    return when.at(user_zone(uow, actor, owner_id), start_of_day)


def create_follow_up(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    account: str | Account,
    when: When,
    text: str,
    owner_id: str | None = None,
) -> FollowUpChange:
    """A new follow-up, owned by the caller unless ``owner_id`` says otherwise."""
    target = resolve_account(uow, account)
    owner = owner_id or actor.user_id
    due_at = due_moment(uow, actor, owner, when)
    _refuse_past(when, now, actor)
    uow.workspaces.get_or_create(now)
    follow_up = uow.follow_ups.add(
        number=uow.workspaces.next_follow_up_number(),
        account_id=target.id,
        owner_id=owner,
        due_at=due_at,
        text=clean_follow_up_text(text),
        created_by=actor.user_id,
        now=now,
    )
    audit.record(
        uow,
        actor,
        now,
        "follow_up.create",
        entity="follow_up",
        entity_id=follow_up.number,
        after=follow_up,
    )
    return FollowUpChange(follow_up=follow_up, account=target)


def _refuse_past(when: When, now: datetime, actor: Actor) -> None:
    # Today is fine even if its morning has passed (it is simply due); earlier days are not.
    today = now.astimezone(ZoneInfo(actor.timezone)).date()
    if when.day < today:
        raise InvalidInput(
            "when",
            f"“{when.text}” is in the past; a follow-up needs a date from today on.",
            hint="For example: `tomorrow`, `next friday`, `in 2 weeks`.",
        )


def _open_follow_up(uow: UnitOfWork, number: int) -> FollowUp:
    follow_up = resolve_follow_up(uow, number)
    if follow_up.status is not FollowUpStatus.OPEN:
        raise NothingToDo(f"Follow-up #{number} is already {follow_up.status.value}.")
    return follow_up


def _save(
    uow: UnitOfWork, actor: Actor, now: datetime, action: str, before: FollowUp, after: FollowUp
) -> FollowUpChange:
    saved = uow.follow_ups.save(after, now)
    audit.record(
        uow,
        actor,
        now,
        action,
        entity="follow_up",
        entity_id=saved.number,
        before=before,
        after=saved,
    )
    account = uow.accounts.get(saved.account_id)
    assert account is not None, "a follow-up's account is deleted with it"
    return FollowUpChange(follow_up=saved, account=account)


def complete_follow_up(uow: UnitOfWork, actor: Actor, now: datetime, number: int) -> FollowUpChange:
    before = _open_follow_up(uow, number)
    after = dataclasses.replace(
        before, status=FollowUpStatus.DONE, completed_by=actor.user_id, completed_at=now
    )
    return _save(uow, actor, now, "follow_up.done", before, after)


def cancel_follow_up(uow: UnitOfWork, actor: Actor, now: datetime, number: int) -> FollowUpChange:
    before = _open_follow_up(uow, number)
    after = dataclasses.replace(
        before, status=FollowUpStatus.CANCELLED, completed_by=actor.user_id, completed_at=now
    )
    return _save(uow, actor, now, "follow_up.cancel", before, after)


def snooze_follow_up(
    uow: UnitOfWork, actor: Actor, now: datetime, number: int, until: When
) -> FollowUpChange:
    before = _open_follow_up(uow, number)
    snoozed_until = due_moment(uow, actor, before.owner_id, until)
    if snoozed_until <= now:
        raise InvalidInput(
            "until",
            f"“{until.text}” isn't later than now; snooze to a time still ahead.",
            hint="For example: `snooze 42 until monday` or `snooze 42 for 3 days`.",
        )
    after = dataclasses.replace(before, snoozed_until=snoozed_until)
    return _save(uow, actor, now, "follow_up.snooze", before, after)
