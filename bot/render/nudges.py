"""The nudge message: one DM (or channel post) grouped by kind, each item with its buttons and
the context to act without looking anything up (last touch, contract value, why now)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.nudges.delivery import NudgeItem
from bot.nudges.model import NudgeKind
from bot.render import ids
from bot.render.blocks import actions, context, header, section
from bot.render.items import (
    account_line,
    follow_up_item,
    interaction_text,
    log_touch_button,
    renewal_item,
    renewal_line,
    stale_item,
)
from bot.render.layout import Item, Part, fallback_text, fit
from bot.render.reply import Viewer
from bot.render.text import calendar_day, mention, money, safe

MESSAGE_BLOCKS = 50

_SECTIONS: tuple[tuple[str, frozenset[NudgeKind]], ...] = (
    ("Escalated", frozenset({NudgeKind.ESCALATION_FOLLOW_UP, NudgeKind.ESCALATION_RENEWAL})),
    ("Overdue follow-ups", frozenset({NudgeKind.FOLLOW_UP_OVERDUE})),
    ("Due today", frozenset({NudgeKind.FOLLOW_UP_DUE})),
    (
        "Renewals",
        frozenset(
            {
                NudgeKind.RECORD_OUTCOME,
                NudgeKind.RENEWAL_STEP,
                NudgeKind.NOTICE_STEP,
                NudgeKind.NOTICE_PASSED,
                NudgeKind.AUTO_RENEWED,
            }
        ),
    ),
    ("Stale accounts", frozenset({NudgeKind.STALE})),
    # Only channel notify rules post these two.
    ("Outcomes recorded", frozenset({NudgeKind.OUTCOME_RECORDED})),
    ("Accounts entering at risk", frozenset({NudgeKind.ENTERED_AT_RISK})),
)
# What a channel rule posts with nothing to decide (outcomes told, not asked for).
_NEWS = frozenset({NudgeKind.OUTCOME_RECORDED, NudgeKind.ENTERED_AT_RISK})
# Items about accounts the recipient watches: their own section, whatever their kind.
WATCHED_SECTION = "Accounts you watch"


def _why(item: NudgeItem, viewer: Viewer) -> str:
    entry = item.entry
    pieces = [safe(entry.reason, 300)] if entry.reason else []
    if item.contract is not None:
        pieces.append(money(item.contract.value, item.contract.currency))
    if item.last_touch is not None:
        pieces.append(
            "last touch: "
            + interaction_text(item.last_touch, viewer, summary_limit=200).replace("\n", " — ")
        )
    elif item.follow_up is None:
        pieces.append("never touched")
    if entry.details.get("orphaned"):
        owner = safe(str(entry.details.get("owner", "nobody")), 100)
        pieces.append(f"its owner ({owner}) is not an active Slack user: please reassign")
    return " · ".join(pieces)


def _watched(item: NudgeItem) -> bool:
    return bool(item.entry.details.get("watching"))


def _watched_item(item: NudgeItem, viewer: Viewer) -> Item:
    """News of an account the recipient watches: its terms, why now, its owner, and only
    "Log a touch" — the Renewed / Not renewing decision stays with the owner."""
    contract = item.contract
    assert contract is not None, "watchers are told of contracts only"
    line = renewal_line(contract, item.account, viewer, show_owner=True)
    why = _why(item, viewer)
    by = str(item.entry.details.get("by") or "")
    if item.entry.kind is NudgeKind.OUTCOME_RECORDED and by:
        why = f"{why} · recorded by {mention(by)}"
    notes = [why]
    if item.entry.kind is NudgeKind.AUTO_RENEWED and contract.outcome is None:
        notes.append(
            f"Renewed by itself; next renewal {calendar_day(contract.renewal_date, viewer)}."
        )
    buttons = actions(
        f"{ids.ACCOUNT_BLOCK_PREFIX}{item.account.id}", [log_touch_button(item.account.id)]
    )
    return Item(f"{line} — {why}", (section(line), context(*notes), buttons))


def _news_item(item: NudgeItem, viewer: Viewer) -> Item:
    """A channel rule's news that asks nothing of the channel (an outcome recorded, an account
    entering at risk): the account, its owner, when, the value; no buttons."""
    entry = item.entry
    why = _why(item, viewer)
    if item.contract is not None:
        line = renewal_line(item.contract, item.account, viewer, show_owner=True)
        by = str(entry.details.get("by") or "")
        if by:
            why = f"{why} · recorded by {mention(by)}"
    else:
        line = account_line(item.account)
        entered = str(entry.details.get("entered_at") or "")
        if entered:
            day = calendar_day(datetime.fromisoformat(entered).astimezone(viewer.tz).date(), viewer)
            why = f"{why} · since {day}"
    return Item(f"{line} — {why}", (section(line), context(why)))


def _item(item: NudgeItem, viewer: Viewer, *, show_owner: bool) -> Item:
    entry = item.entry
    if _watched(item):
        return _watched_item(item, viewer)
    if entry.kind in _NEWS:
        return _news_item(item, viewer)
    if item.follow_up is not None:
        shown = follow_up_item(item.follow_up, item.account, viewer, show_owner=show_owner)
    elif item.contract is not None:
        shown = renewal_item(
            item.contract,
            item.account,
            viewer,
            show_owner=show_owner,
            snooze=entry.kind is not NudgeKind.AUTO_RENEWED,
        )
        if entry.kind is NudgeKind.AUTO_RENEWED:
            renews = calendar_day(item.contract.renewal_date, viewer)
            shown = Item(
                shown.line, (shown.blocks[0], context(f"Renewed by itself; next renewal {renews}."))
            )
    else:
        shown = stale_item(
            item.account, viewer, show_owner=show_owner, snooze_days=item.account.cadence_days
        )
    why = _why(item, viewer)
    first, *rest = shown.blocks
    return Item(f"{shown.line} — {why}", (first, context(why), *rest))


def nudge_message(
    items: Sequence[NudgeItem], recipient: str, zone: ZoneInfo, now: datetime
) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks) for one recipient's nudge; ≤50 blocks, cut with "…and N more"."""
    viewer = Viewer(user_id=recipient, tz=zone, now=now)
    to_channel = recipient.startswith(("C", "G"))
    own = [i for i in items if not _watched(i)]
    parts = [
        Part(
            title=f"*{title}*",
            items=[_item(i, viewer, show_owner=to_channel) for i in own if i.entry.kind in kinds],
            empty="",
        )
        for title, kinds in _SECTIONS
    ]
    watched = [_watched_item(i, viewer) for i in items if _watched(i)]
    parts.append(Part(title=f"*{WATCHED_SECTION}*", items=watched, empty=""))
    parts = [p for p in parts if p.items]
    if not to_channel:
        lead = f"Your Rapport digest for {calendar_day(viewer.today, viewer)}"
    elif all("rule" in i.entry.details for i in items):
        lead = "Rapport: news for this channel"
    else:
        lead = "Rapport: these need someone's attention"
    blocks = [header(lead), *fit(parts, MESSAGE_BLOCKS - 1)]
    return fallback_text(lead, parts), blocks
