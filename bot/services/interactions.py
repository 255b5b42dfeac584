"""Logging a touch: the interaction, the account's next-touch date, an optional follow-up."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.dates import When
from bot.domain import Account, Actor, Interaction, InteractionKind
from bot.errors import InvalidInput
from bot.ports import UnitOfWork
from bot.services import audit
from bot.services.follow_ups import FollowUpChange, create_follow_up
from bot.services.lookup import resolve_account
from bot.validation import clean_summary

# A past day without a time of day is logged at noon: in the middle, so the zone can't move it.
_PAST_DAY_TIME = time(12, 0)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s|\n")


@dataclass(frozen=True, slots=True)
class LoggedInteraction:
    interaction: Interaction
    account: Account
    follow_up: FollowUpChange | None = None


def first_sentence(text: str, limit: int = 200) -> str:
    """The summary's first sentence, used as a follow-up's text when none was given."""
    sentence = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def occurred_moment(when: When | None, now: datetime, zone: ZoneInfo) -> datetime:
    """When the touch happened: now, or the day given (its time, else noon); never in the future."""
    if when is None:
        return now
    if when.time_of_day is None and when.day == now.astimezone(zone).date():
        return now
    moment = when.at(zone, when.time_of_day or _PAST_DAY_TIME)
    if moment > now:
        raise InvalidInput(
            "when",
            f"“{when.text}” is in the future; `log` records what already happened.",
            hint="To plan something, use `follow up <account> <when>: <text>`.",
        )
    return min(moment, now)


def log_interaction(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    account: str | Account,
    kind: InteractionKind,
    summary: str,
    when: When | None = None,
    follow_up_when: When | None = None,
    follow_up_text: str | None = None,
    permalink: str | None = None,
) -> LoggedInteraction:
    """Record a touch; any teammate's touch resets the account's next-touch-due date."""
    target = resolve_account(uow, account)
    summary = clean_summary(summary)
    occurred_at = occurred_moment(when, now, ZoneInfo(actor.timezone))
    interaction = uow.interactions.add(
        account_id=target.id,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        logged_by=actor.user_id,
        contact_id=None,
        permalink=permalink,
        now=now,
    )
    audit.record(
        uow,
        actor,
        now,
        "interaction.create",
        entity="interaction",
        entity_id=interaction.id,
        after=interaction,
    )
    touched = _touch(uow, actor, now, target, occurred_at)
    follow_up = None
    if follow_up_when is not None:
        follow_up = create_follow_up(
            uow,
            actor,
            now,
            account=touched,
            when=follow_up_when,
            text=follow_up_text or first_sentence(summary),
        )
    return LoggedInteraction(interaction=interaction, account=touched, follow_up=follow_up)


def _touch(
    uow: UnitOfWork, actor: Actor, now: datetime, account: Account, occurred_at: datetime
) -> Account:
    # A touch logged late for an earlier day must not move the last touch backwards.
    if account.last_touch_at is not None and account.last_touch_at >= occurred_at:
        return account
    touched = dataclasses.replace(
        account,
        last_touch_at=occurred_at,
        next_touch_due=occurred_at + timedelta(days=account.cadence_days),
        updated_at=now,
    )
    saved = uow.accounts.save(touched)
    audit.record(
        uow,
        actor,
        now,
        "account.touch",
        entity="account",
        entity_id=saved.id,
        before=account,
        after=saved,
    )
    return saved
