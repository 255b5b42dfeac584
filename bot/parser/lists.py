"""Lists and help: overdue, stale, due, renewals, mine, help."""

from __future__ import annotations

import re

from bot.commands import Due, Help, Mine, Overdue, Renewals, Scope, Stale
from bot.domain import MAX_NOTICE_DAYS
from bot.parser import reading
from bot.parser.reading import ParseContext, Unreadable


def _scope(rest: str) -> tuple[Scope, str | None]:
    text = rest.strip()
    if text.casefold() in ("", "me", "mine", "my"):
        return Scope.MINE, None
    if text.casefold() in ("all", "everyone", "team"):
        return Scope.ALL, None
    user_id = reading.user_id(text)
    if user_id is None:
        raise Unreadable(f"Whose? I understand an @mention or `all`, not {reading.quote(text)}.")
    return Scope.USER, user_id


def parse_overdue(rest: str, context: ParseContext) -> Overdue:
    scope, user_id = _scope(rest)
    return Overdue(scope, user_id)


def parse_stale(rest: str, context: ParseContext) -> Stale:
    scope, user_id = _scope(rest)
    return Stale(scope, user_id)


def parse_due(rest: str, context: ParseContext) -> Due:
    period = reading.collapse(rest).casefold()
    if period in ("", "today"):
        return Due("today")
    if period in ("this week", "week"):
        return Due("this week")
    raise Unreadable(f"Due when? `today` or `this week`, not {reading.quote(rest)}.")


def parse_renewals(rest: str, context: ParseContext) -> Renewals:
    text = reading.collapse(rest).casefold()
    if not text:
        return Renewals()
    if text in ("this quarter", "quarter"):
        return Renewals(this_quarter=True)
    found = re.fullmatch(r"(?:in |next |within )?([0-9]+) (days?|weeks?|months?)", text)
    days = None
    if found is not None:
        count = reading.small_int(found[1])
        days = None if count is None else count * reading.CADENCE_UNITS[found[2]]
    if days is None or not 1 <= days <= MAX_NOTICE_DAYS:
        raise Unreadable(
            f"I couldn't read {reading.quote(rest)}: say `in 30 days` (1 to {MAX_NOTICE_DAYS}) "
            "or `this quarter`."
        )
    return Renewals(within_days=days)


def parse_mine(rest: str, context: ParseContext) -> Mine:
    if rest.strip():
        raise Unreadable(f"`mine` takes nothing after it, not {reading.quote(rest)}.")
    return Mine()


def parse_help(rest: str, context: ParseContext) -> Help:
    topic = reading.collapse(rest).casefold().removeprefix("/crm ")
    topic = re.sub(r"^follow[- ]?up\b", "follow up", topic)
    return Help(topic or None)
