"""What each button does: the use case behind a click, by its action id and value."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import When
from bot.domain import Actor
from bot.errors import NotFound, NothingToDo
from bot.nudges.model import ItemKind
from bot.ports import UnitOfWork
from bot.render import ids
from bot.services import contracts, follow_ups
from bot.services.lookup import account_by_id
from bot.services.nudge_snoozes import NudgesSnoozed, snooze_renewal_nudges, snooze_stale_nudges
from bot.validation import row_id

DECISIONS = frozenset(
    {
        ids.FOLLOW_UP_DONE,
        ids.FOLLOW_UP_SNOOZE_DAY,
        ids.FOLLOW_UP_SNOOZE_WEEK,
        ids.RENEWAL_RENEWED,
        ids.RENEWAL_NOT_RENEWING,
        ids.RENEWAL_SNOOZE_WEEK,
        ids.STALE_SNOOZE,
    }
)


def _number(value: str, what: str) -> int:
    # A button value is ours, but a forged or stale request can carry anything.
    number = row_id(value)
    if number is None:
        raise NotFound(what, value)
    return number


def _renewal(value: str) -> tuple[int, date]:
    """The (contract id, renewal date) a renewal button decides. A button that names no
    renewal (forged, or from before buttons named one) decides nothing."""
    number, _, day = value.partition(":")
    contract_id = row_id(number)
    try:
        renews_on: date | None = date.fromisoformat(day)
    except ValueError:
        renews_on = None
    if contract_id is None or renews_on is None:
        raise NothingToDo(
            "This button doesn't say which renewal it decides, so it decides nothing.",
            hint="Use `renewed <account>` or `churned <account>`, or the buttons of a fresh "
            "`show <account>`.",
        )
    return contract_id, renews_on


def _days_ahead(actor: Actor, now: datetime, days: int, text: str) -> When:
    """ "Snooze 1 day" is a count of days, like `snooze 4 for 1 day`: it keeps the time of day."""
    today = now.astimezone(ZoneInfo(actor.timezone)).date()
    return When(day=today + timedelta(days=days), time_of_day=None, text=text, counted=True)


def press(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    action_id: str,
    value: str,
    message: tuple[str, str] | None = None,
) -> object:
    """Run the decision a button stands for; the result says what happened. When the button
    was on a nudge (``message`` is its channel and ts), the ledger records the decision."""
    result = _decide(uow, actor, now, action_id, value)
    if message is not None:
        item_kind, item_id = _item_of(result)
        uow.nudges.record_decision(
            channel_id=message[0],
            message_ts=message[1],
            item_kind=item_kind,
            item_id=item_id,
            decision=action_id,
            by=actor.user_id,
            at=now,
        )
    return result


def _item_of(result: object) -> tuple[ItemKind, int]:
    match result:
        case follow_ups.FollowUpChange(follow_up=follow_up):
            return ItemKind.FOLLOW_UP, follow_up.id
        case contracts.RenewalRecorded(closed=closed):
            return ItemKind.CONTRACT, closed.id
        case NudgesSnoozed(what="renewal", item_id=contract_id):
            return ItemKind.CONTRACT, contract_id
        case NudgesSnoozed(item_id=account_id):
            return ItemKind.ACCOUNT, account_id
    raise TypeError(f"no ledger item for {result!r}")


def _decide(uow: UnitOfWork, actor: Actor, now: datetime, action_id: str, value: str) -> object:
    match action_id:
        case ids.FOLLOW_UP_DONE:
            number = _number(value, "a follow-up numbered")
            return follow_ups.complete_follow_up(uow, actor, now, number)
        case ids.FOLLOW_UP_SNOOZE_DAY:
            number = _number(value, "a follow-up numbered")
            until = _days_ahead(actor, now, 1, "in 1 day")
            return follow_ups.snooze_follow_up(uow, actor, now, number, until)
        case ids.FOLLOW_UP_SNOOZE_WEEK:
            number = _number(value, "a follow-up numbered")
            until = _days_ahead(actor, now, 7, "in 1 week")
            return follow_ups.snooze_follow_up(uow, actor, now, number, until)
        case ids.RENEWAL_RENEWED | ids.RENEWAL_NOT_RENEWING:
            contract, account = contracts.renewal_still_open(uow, *_renewal(value))
            renewed = action_id == ids.RENEWAL_RENEWED
            return contracts.record_outcome(
                uow, actor, now, account=account, renewed=renewed, contract=contract
            )
        case ids.RENEWAL_SNOOZE_WEEK:
            contract, account = contracts.renewal_still_open(uow, *_renewal(value))
            return snooze_renewal_nudges(uow, actor, now, account, contract)
        case ids.STALE_SNOOZE:
            account = account_by_id(uow, _number(value, "an account numbered"))
            return snooze_stale_nudges(uow, actor, now, account)
    raise ValueError(f"no decision for the action {action_id!r}")
