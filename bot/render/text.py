"""Text for Slack: escaping user text, cutting to limits, dates in the viewer's zone, amounts.

Everything a person typed goes through ``escape`` before it is echoed, so ``<!channel>`` or
``<@U123>`` in an account name or a summary pings nobody. Only what the bot itself means is
written as a Slack control sequence: owners (``<@U…>``), channels (``<#C…>``), dates
(``<!date^…>``) and permalinks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from bot.dates import format_day
from bot.domain import Owner
from bot.render.reply import Viewer

ELLIPSIS = "…"

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")
_SAFE_URL = re.compile(r"https://[^\s<>|&]{1,1000}")
_DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")


def escape(text: str) -> str:
    """Make user text inert in mrkdwn and plain_text: ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """The reverse of ``escape``, for showing a reply's text outside Slack (the console)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    """Cut Slack markup to at most ``limit`` characters, ending in "…", never inside an
    ``&…;`` entity or a ``<…>`` token (a half token would be shown raw or rejected)."""
    if len(text) <= limit:
        return text
    cut = max(limit - len(ELLIPSIS), 0)
    opened = text.rfind("<", 0, cut)
    if opened != -1 and text.find(">", opened, cut) == -1:
        cut = opened
    amp = text.rfind("&", 0, cut)
    if amp != -1 and text.find(";", amp, cut) == -1:
        cut = amp
    return text[:cut].rstrip() + ELLIPSIS


def safe(text: str, limit: int | None = None) -> str:
    """User text escaped, then cut to ``limit`` characters (counted after escaping)."""
    escaped = escape(text)
    return escaped if limit is None else clip(escaped, limit)


def one_line(text: str) -> str:
    """Line breaks folded to spaces, for a text shown inside one line of a list."""
    return " ".join(text.split())


def to_plain(markup: str) -> str:
    """Date tokens replaced by their fallback: for the notification/console ``text``."""
    return _DATE_TOKEN.sub(lambda m: m[1], markup)


def pack_lines(lines: Sequence[str], limit: int, *, more: int = 0) -> str:
    """As many whole lines as fit in ``limit`` characters, then "…and N more" (counting
    ``more`` lines that come after these, never read)."""
    shown: list[str] = []
    used = 0  # len("\n".join(shown))
    for index, line in enumerate(lines):
        after = len(lines) - index - 1 + more
        reserve = len(more_line(after)) + 1 if after else 0
        needed = len(line) + (1 if shown else 0)
        if used + needed + reserve <= limit:
            shown.append(line)
            used += needed
            continue
        if not shown:  # one very long first line: show its start rather than nothing
            shown.append(clip(line, limit - reserve))
            if after:
                shown.append(more_line(after))
        else:  # the previous line reserved room for this
            shown.append(more_line(len(lines) - index + more))
        break
    else:
        if more:  # every line fitted, and each reserved room for this
            shown.append(more_line(more))
    return "\n".join(shown)


def more_line(count: int, *, at_least: bool = False) -> str:
    """ "…and N more"; "…and N+ more" when the list was counted only that far."""
    return f"{ELLIPSIS}and {count}{'+' if at_least else ''} more"


# --- people and places the bot itself names --------------------------------------------


def mention(user_id: str) -> str:
    """``<@U…>`` for a real Slack user id; anything else is shown as inert text."""
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id) else escape(user_id)


def channel(channel_id: str) -> str:
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(channel_id) else escape(channel_id)


def owner_text(owner: Owner, *, assign_hint: str | None = None) -> str:
    """An owner as a mention; an unresolved one (imported name or e-mail) as inert text, with
    the command that fixes it when ``assign_hint`` (the account's name) is given."""
    if owner.user_id is not None:
        return mention(owner.user_id)
    if owner.unresolved:
        shown = safe(owner.unresolved, 100)
        if assign_hint is None:
            return f"{shown} (not a Slack user yet)"
        return f"{shown} (not a Slack user yet — `assign {safe(assign_hint, 100)} @user`)"
    return "nobody"


def link(url: str | None, label: str) -> str | None:
    """A Slack link to an https URL with no characters that could break out of the token."""
    if url is None or not _SAFE_URL.fullmatch(url):
        return None
    return f"<{url}|{label}>"


# --- dates -----------------------------------------------------------------------------


def local_day(moment: datetime, viewer: Viewer) -> date:
    return moment.astimezone(viewer.tz).date()


def date_token(moment: datetime, viewer: Viewer, *, with_time: bool = False) -> str:
    """A moment as Slack's date token (each reader sees their own zone), with a fallback in
    the viewer's zone: "Fri 4 Dec", or "Fri 4 Dec 09:00" where the time matters."""
    local = moment.astimezone(viewer.tz)
    fallback = format_day(local.date(), today=viewer.today)
    pattern = "{date_short_pretty}"
    if with_time:
        fallback += f" {local.hour:02d}:{local.minute:02d}"
        pattern += " {time}"
    return f"<!date^{int(moment.timestamp())}^{pattern}|{fallback}>"


def calendar_day(day: date, viewer: Viewer) -> str:
    """A calendar date (renewal, notice deadline) as plain text: "Wed 31 Mar 2027".

    Not a date token: a token shows an instant in each reader's zone, and any instant chosen
    for a calendar date (even noon UTC) falls on the previous or next day somewhere (UTC-12,
    UTC+13/+14); the contract's date is the same date for everyone.
    """
    return format_day(day, today=viewer.today)


def days_phrase(days: int) -> str:
    """A distance to a calendar date, as people say it."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


# --- numbers ---------------------------------------------------------------------------


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def money(value: Decimal | None, currency: str) -> str:
    """24000 EUR as "24,000 EUR"; cents only when there are some: "24,000.50 EUR". A value
    not known (an import gave a renewal date without one) is "value unknown", never 0."""
    if value is None:
        return "value unknown"
    whole = value == value.to_integral_value()
    amount = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return f"{amount} {escape(currency)}"
