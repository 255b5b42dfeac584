"""Nudges that are due right now, whatever the wall clock says: owners whose digest comes at
00:00 every day of the week, each with follow-ups overdue since yesterday."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.dates import Direction, parse_when
from bot.domain import Actor
from bot.fakeslack import Call, FakeSlack
from bot.render import ids
from bot.services import accounts, follow_ups, settings
from storage.unit_of_work import unit_of_work

TEAM = "T0001"


def overdue_follow_ups(
    sessions: sessionmaker[Session], owners: list[str], per_owner: int, now: datetime
) -> int:
    """``per_owner`` follow-ups overdue since yesterday for each owner; how many in all."""
    earlier = now - timedelta(days=2)
    tomorrow = parse_when("tomorrow", now=earlier, tz=ZoneInfo("UTC"), direction=Direction.FUTURE)
    for owner_id in owners:
        owner = Actor(team_id=TEAM, user_id=owner_id, timezone="UTC")
        with unit_of_work(sessions, TEAM) as uow:
            settings.update_preferences(
                uow, owner, earlier, digest_time=time(0, 0), workdays=frozenset(range(7))
            )
            account = accounts.add_account(uow, owner, earlier, name=f"Account of {owner_id}")
            for n in range(per_owner):
                follow_ups.create_follow_up(
                    uow, owner, earlier, account=account, when=tomorrow, text=f"item {n}"
                )
    return len(owners) * per_owner


def follow_up_numbers(call: Call) -> list[int]:
    """The follow-ups a posted nudge names (by their blocks' ids)."""
    blocks = call.args.get("blocks")
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks or []
    prefix = ids.FOLLOW_UP_BLOCK_PREFIX
    return [
        int(b["block_id"][len(prefix) :])
        for b in blocks
        if b.get("block_id", "").startswith(prefix)
    ]


def delivered(fake: FakeSlack) -> Counter[int]:
    """How often each follow-up reached Slack in a nudge that Slack took."""
    return Counter(
        n for c in fake.calls_to("chat.postMessage") if c.ok for n in follow_up_numbers(c)
    )


def split_digests(
    fake: FakeSlack, recipients: list[str] | None = None
) -> dict[str, set[str | None]]:
    """Recipients whose nudges went out from more than one process (told apart by the bot
    token each was given): a digest split between workers. ``recipients``: only these
    people's DMs are nudges (other posts are answers)."""
    channels = None if recipients is None else {f"D{user}" for user in recipients}
    senders: dict[str, set[str | None]] = {}
    for call in fake.calls_to("chat.postMessage"):
        if call.ok and (channels is None or call.args.get("channel") in channels):
            senders.setdefault(str(call.args["channel"]), set()).add(call.token)
    return {channel: tokens for channel, tokens in senders.items() if len(tokens) > 1}
