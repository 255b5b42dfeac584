"""Replies to `watch` and `unwatch`, and how an account's watchers are named."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.confirmations import confirmation
from bot.render.items import account_name
from bot.render.reply import Reply
from bot.render.text import mention, one_line, owner_text, safe
from bot.services.watchers import WatchChange, WatchResult

WATCHERS_NAMED = 10  # mentions shown before "and N more"
_WHAT_COMES = (
    "renewal steps, notice deadlines and outcomes (renewed, churned or cancelled) "
    "come in your own digest, on your workdays at your digest time"
)


def watchers_text(watchers: Sequence[str]) -> str:
    """ "@ann, @bob and 3 more", or "nobody"."""
    if not watchers:
        return "nobody"
    shown = ", ".join(mention(w) for w in watchers[:WATCHERS_NAMED])
    more = len(watchers) - WATCHERS_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def watch_changed(change: WatchChange) -> Reply:
    """What `watch` or `unwatch` did, and what the caller will (or won't) be told now."""
    account = change.account
    name = account_name(account)
    typed = safe(one_line(account.name), 250)
    others = f"Watching it: {watchers_text(change.watchers)}"
    match change.result:
        case WatchResult.WATCHING:
            return confirmation(
                f"You're now watching {name}: its {_WHAT_COMES}.",
                "Its follow-ups stay with their owners, and the Renewed / Not renewing "
                f"decision with its owner ({owner_text(account.owner)}).",
                f"{others} · Stop with `unwatch {typed}`",
            )
        case WatchResult.ALREADY_WATCHING:
            return confirmation(
                f"You're already watching {name}; nothing changed.",
                f"{others} · Stop with `unwatch {typed}`",
            )
        case WatchResult.STOPPED:
            return confirmation(
                f"You've stopped watching {name}: its renewal news no longer comes to you.",
                f"{others} · Watch it again with `watch {typed}`",
            )
        case WatchResult.NOT_WATCHING:
            return confirmation(
                f"You weren't watching {name}; nothing changed.", f"Watch it with `watch {typed}`"
            )
        case WatchResult.OWNER:
            return confirmation(
                f"You own {name}, so its renewal news already comes to you with its follow-ups; "
                "there's nothing to watch.",
                others,
            )
    raise TypeError(f"no reply for {change.result!r}")
