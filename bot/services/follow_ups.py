"""Follow-ups: create, done, snooze, cancel."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import When, local_datetime
from bot.domain import DEFAULT_WORKDAY_START, Account, Actor, FollowUp, FollowUpStatus
from bot.errors import FollowUpNotFound, InvalidInput, NotFound, NothingToDo
from bot.ports import UnitOfWork
from bot.services import audit
from bot.services.lookup import resolve_account, resolve_follow_up, user_zone
from bot.validation import clean_follow_up_text


@dataclass(frozen=True, slots=True)
class FollowUpChange:
    follow_up: FollowUp
    account: Account


@dataclass(frozen=True, slots=True)
class FollowUpChanges:
    """What one line did to each follow-up it named (`done 4 10`), in the order typed."""

    changes: tuple[FollowUpChange, ...]


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


_ALL_OR_NONE = "Nothing was changed: a line with several numbers changes all of them or none."


def _open_follow_ups(uow: UnitOfWork, numbers: Sequence[int]) -> list[FollowUp]:
    """Every named follow-up, open; else a refusal naming each that is unknown (or closed),
    before anything changes, so that a line with several numbers is all or nothing."""
    if len(numbers) == 1:
        return [_open_follow_up(uow, numbers[0])]
    found = {number: uow.follow_ups.by_number(number) for number in dict.fromkeys(numbers)}
    unknown = [number for number, follow_up in found.items() if follow_up is None]
    if len(unknown) == 1:
        raise FollowUpNotFound(unknown[0], hint=_ALL_OR_NONE)
    if unknown:
        listed = ", ".join(f"#{number}" for number in unknown)
        raise NotFound("follow-ups numbered", listed, hint=_ALL_OR_NONE)
    closed = [f for f in found.values() if f is not None and f.status is not FollowUpStatus.OPEN]
    if len(closed) == 1:
        message = f"Follow-up #{closed[0].number} is already {closed[0].status.value}."
        raise NothingToDo(message, hint=_ALL_OR_NONE)
    if closed:
        listed = ", ".join(f"#{f.number} ({f.status.value})" for f in closed)
        raise NothingToDo(f"Follow-ups {listed} are already closed.", hint=_ALL_OR_NONE)
    return [follow_up for follow_up in found.values() if follow_up is not None]


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
    [change] = complete_follow_ups(uow, actor, now, [number]).changes
    return change


def cancel_follow_up(uow: UnitOfWork, actor: Actor, now: datetime, number: int) -> FollowUpChange:
    [change] = cancel_follow_ups(uow, actor, now, [number]).changes
    return change


def snooze_follow_up(
    uow: UnitOfWork, actor: Actor, now: datetime, number: int, until: When
) -> FollowUpChange:
    [change] = snooze_follow_ups(uow, actor, now, [number], until).changes
    return change


def complete_follow_ups(
    uow: UnitOfWork, actor: Actor, now: datetime, numbers: Sequence[int]
) -> FollowUpChanges:
    """Close each named follow-up as done: all of them, or (one unknown or closed) none."""
    return _change_each(
        uow,
        actor,
        now,
        numbers,
        "follow_up.done",
        lambda before: dataclasses.replace(
            before, status=FollowUpStatus.DONE, completed_by=actor.user_id, completed_at=now
        ),
    )


def cancel_follow_ups(
    uow: UnitOfWork, actor: Actor, now: datetime, numbers: Sequence[int]
) -> FollowUpChanges:
    """Cancel each named follow-up: all of them, or none."""
    return _change_each(
        uow,
        actor,
        now,
        numbers,
        "follow_up.cancel",
        lambda before: dataclasses.replace(
            before,
            status=FollowUpStatus.CANCELLED,
            completed_by=actor.user_id,
            completed_at=now,
        ),
    )


def snooze_follow_ups(
    uow: UnitOfWork, actor: Actor, now: datetime, numbers: Sequence[int], until: When
) -> FollowUpChanges:
    """Move each named follow-up to ``until`` (see ``snooze_moment``): all of them, or none."""

    def snoozed(before: FollowUp) -> FollowUp:
        moment = snooze_moment(uow, actor, before, until)
        if moment <= now:
            raise InvalidInput(
                "until",
                f"“{until.text}” isn't later than now; snooze to a time still ahead.",
                hint="For example: `snooze 42 until monday` or `snooze 42 for 3 days`.",
            )
        return dataclasses.replace(before, snoozed_until=moment)

    return _change_each(uow, actor, now, numbers, "follow_up.snooze", snoozed)


def snooze_moment(uow: UnitOfWork, actor: Actor, follow_up: FollowUp, until: When) -> datetime:
    """Where a snooze moves a follow-up. A time given wins. Moved by a count of days or weeks
    (`for 2 days`), it keeps its own time of day: due Tue 14:00, two days on is Thu 14:00.
    Moved to a named day (`until monday`), it is due at the start of the owner's working day,
    as a new follow-up on that day would be."""
    if until.time_of_day is None and until.counted:
        zone = user_zone(uow, actor, follow_up.owner_id)
        kept = follow_up.effective_due.astimezone(zone).time()
        return local_datetime(until.day, kept, zone)
    return due_moment(uow, actor, follow_up.owner_id, until)


def _change_each(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    numbers: Sequence[int],
    action: str,
    change: Callable[[FollowUp], FollowUp],
) -> FollowUpChanges:
    # Every follow-up is found and every change made (and refused) before anything is saved.
    befores = _open_follow_ups(uow, numbers)
    afters = [change(before) for before in befores]
    return FollowUpChanges(
        tuple(
            _save(uow, actor, now, action, before, after)
            for before, after in zip(befores, afters, strict=True)
        )
    )


def reopen_follow_ups(
    uow: UnitOfWork, actor: Actor, now: datetime, numbers: Sequence[int]
) -> FollowUpChanges:
    """Open again each named follow-up closed (done or cancelled) by mistake: all of them,
    or (one unknown or open) none. It keeps its due date, so it may be overdue at once."""
    befores = _closed_follow_ups(uow, numbers)
    return FollowUpChanges(
        tuple(
            _save(
                uow,
                actor,
                now,
                "follow_up.reopen",
                before,
                dataclasses.replace(
                    before, status=FollowUpStatus.OPEN, completed_by=None, completed_at=None
                ),
            )
            for before in befores
        )
    )


def _closed_follow_ups(uow: UnitOfWork, numbers: Sequence[int]) -> list[FollowUp]:
    """Every named follow-up, closed; else a refusal naming each unknown (or open) one."""
    found = {number: uow.follow_ups.by_number(number) for number in dict.fromkeys(numbers)}
    unknown = [number for number, follow_up in found.items() if follow_up is None]
    hint = _ALL_OR_NONE if len(found) > 1 else None
    if len(unknown) == 1:
        raise FollowUpNotFound(unknown[0], hint=hint)
    if unknown:
        listed = ", ".join(f"#{number}" for number in unknown)
        raise NotFound("follow-ups numbered", listed, hint=hint)
    still_open = [f for f in found.values() if f is not None and f.status is FollowUpStatus.OPEN]
    if still_open:
        listed = ", ".join(f"#{f.number}" for f in still_open)
        verb = "is" if len(still_open) == 1 else "are"
        raise NothingToDo(f"{listed} {verb} already open.", hint=hint)
    return [follow_up for follow_up in found.values() if follow_up is not None]
