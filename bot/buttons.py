"""What each button does: the use case behind a click, by its action id and value."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import When
from bot.domain import Actor
from bot.errors import NotFound
from bot.ports import UnitOfWork
from bot.render import ids
from bot.services import contracts, follow_ups
from bot.services.lookup import account_by_id

DECISIONS = frozenset(
    {
        ids.FOLLOW_UP_DONE,
        ids.FOLLOW_UP_SNOOZE_DAY,
        ids.FOLLOW_UP_SNOOZE_WEEK,
        ids.RENEWAL_RENEWED,
        ids.RENEWAL_NOT_RENEWING,
    }
)


def _number(value: str, what: str) -> int:
    # A button value is ours, but a forged or stale request can carry anything.
    if not value.isdigit() or len(value) > 10:
        raise NotFound(what, value)
    return int(value)


def _days_ahead(actor: Actor, now: datetime, days: int, text: str) -> When:
    today = now.astimezone(ZoneInfo(actor.timezone)).date()
    return When(day=today + timedelta(days=days), time_of_day=None, text=text)


def press(uow: UnitOfWork, actor: Actor, now: datetime, action_id: str, value: str) -> object:
    """Run the decision a button stands for; the result says what happened."""
    match action_id:
        case ids.FOLLOW_UP_DONE:
            number = _number(value, "a follow-up numbered")
            return follow_ups.complete_follow_up(uow, actor, now, number)
        case ids.FOLLOW_UP_SNOOZE_DAY:
            number = _number(value, "a follow-up numbered")
            until = _days_ahead(actor, now, 1, "tomorrow")
            return follow_ups.snooze_follow_up(uow, actor, now, number, until)
        case ids.FOLLOW_UP_SNOOZE_WEEK:
            number = _number(value, "a follow-up numbered")
            until = _days_ahead(actor, now, 7, "in 1 week")
            return follow_ups.snooze_follow_up(uow, actor, now, number, until)
        case ids.RENEWAL_RENEWED | ids.RENEWAL_NOT_RENEWING:
            account = account_by_id(uow, _number(value, "an account numbered"))
            renewed = action_id == ids.RENEWAL_RENEWED
            return contracts.record_outcome(uow, actor, now, account=account, renewed=renewed)
    raise ValueError(f"no decision for the action {action_id!r}")
