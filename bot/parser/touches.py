"""Interactions and follow-ups: log, follow up, done, cancel, snooze."""

from __future__ import annotations

import re

from bot.commands import (
    CancelFollowUp,
    CompleteFollowUp,
    CreateFollowUp,
    FollowUpSpec,
    LogInteraction,
    SnoozeFollowUp,
)
from bot.dates import Direction
from bot.domain import MAX_FOLLOW_UP_TEXT_LENGTH, MAX_SUMMARY_LENGTH, InteractionKind
from bot.parser import reading
from bot.parser.reading import ParseContext, Unreadable

_INTERACTION_KINDS = {kind.value: kind for kind in InteractionKind} | {
    "e-mail": InteractionKind.EMAIL
}
_FOLLOW_UP_WORDS = re.compile(r"\bfollow[\s-]*up\b", re.IGNORECASE)
# `for @user`; a mention without the "for" means the same.
_FOR_USER = re.compile(
    r"(?:^|(?<=\s))(?:for\s+(?P<plain>@\S+)|(?:for\s+)?(?P<user><@[^<>]*>))", re.IGNORECASE
)


def _split_follow_up(body: str, context: ParseContext) -> tuple[str, FollowUpSpec | None]:
    """The summary and the `follow up <when>[: <text>]` tail: the last `follow up` whose
    <when> (up to the next colon or the end of its line) is a date. A tail ends the text."""
    for found in reversed(list(_FOLLOW_UP_WORDS.finditer(body))):
        tail = body[found.end() :]
        line_end = tail.find("\n")
        line_end = len(tail) if line_end == -1 else line_end
        colon = reading.SEPARATOR.search(tail, 0, line_end)
        if colon is not None:
            when_text, text = tail[: colon.start()], tail[colon.end() :]
        elif tail[line_end:].strip():
            continue  # lines follow that belong to no follow-up: this one is summary text
        else:
            when_text, text = tail[:line_end], ""
        when = reading.try_date(when_text, context, Direction.FUTURE)
        if when is not None:
            text = reading.free_text(text, MAX_FOLLOW_UP_TEXT_LENGTH, "A follow-up's text")
            return body[: found.start()], FollowUpSpec(when, text or None)
    return body, None


def parse_log(rest: str, context: ParseContext) -> LogInteraction:
    parts = rest.split(None, 1)
    if not parts:
        raise Unreadable("Log what? Give the kind, the account and a summary.")
    kind = _INTERACTION_KINDS.get(parts[0].casefold())
    if kind is None:
        raise Unreadable(reading.unknown_kind(parts[0], [k.value for k in InteractionKind]))
    remainder = re.sub(r"^with(?=\s)", "", parts[1] if len(parts) > 1 else "", flags=re.I)
    colon = reading.SEPARATOR.search(remainder)
    if colon is None:
        raise Unreadable(
            f"I need a “:” between the account and the summary in {reading.quote(rest)}."
        )
    account, when = reading.account_then_date(
        remainder[: colon.start()], context, Direction.PAST, required=False
    )
    summary, follow_up = _split_follow_up(remainder[colon.end() :], context)
    summary = reading.free_text(summary, MAX_SUMMARY_LENGTH, "A summary")
    if not summary:
        raise Unreadable("What happened? Write a summary after the “:”.")
    return LogInteraction(kind, account, summary, when, follow_up)


def parse_follow_up(rest: str, context: ParseContext) -> CreateFollowUp:
    colon = reading.SEPARATOR.search(rest)
    if colon is None:
        raise Unreadable(
            f"What is there to do? Add “: <text>” after the date in {reading.quote(rest)}."
        )
    head, text = rest[: colon.start()], rest[colon.end() :]
    owner_id: str | None = None
    for_user = _FOR_USER.search(head)
    if for_user is not None:
        mention = for_user["user"] or for_user["plain"]
        owner_id = reading.user_id(mention)
        if owner_id is None:
            raise Unreadable(reading.pick_person(mention))
        head = f"{head[: for_user.start()]} {head[for_user.end() :]}"
    account, when = reading.account_then_date(head, context, Direction.FUTURE, required=True)
    if when is None:  # not reached: required=True finds a date or refuses
        raise Unreadable("When? Put a date before the “:”.")
    text = reading.free_text(text, MAX_FOLLOW_UP_TEXT_LENGTH, "A follow-up's text")
    if not text:
        raise Unreadable("What is there to do? Write it after the “:”.")
    return CreateFollowUp(account, when, text, owner_id)


def _one_number(rest: str) -> int:
    words = rest.split()
    if not words:
        raise Unreadable("Which follow-up? Give its number.")
    if len(words) > 1:
        raise Unreadable(f"I need one follow-up number, not {reading.quote(rest)}.")
    return reading.follow_up_number(words[0])


def parse_done(rest: str, context: ParseContext) -> CompleteFollowUp:
    return CompleteFollowUp(_one_number(rest))


def parse_cancel(rest: str, context: ParseContext) -> CancelFollowUp:
    return CancelFollowUp(_one_number(rest))


def parse_snooze(rest: str, context: ParseContext) -> SnoozeFollowUp:
    parts = rest.split(None, 1)
    if not parts:
        raise Unreadable("Which follow-up, and until when?")
    number = reading.follow_up_number(parts[0])
    phrase = parts[1].strip() if len(parts) > 1 else ""
    keyword = re.match(r"(until|till|to|for)(?:\s+|$)", phrase, re.IGNORECASE)
    if keyword is not None:
        phrase = phrase[keyword.end() :]
    if not phrase:
        raise Unreadable("Until when? Add a date, like `until monday` or `for 3 days`.")
    if keyword is not None and keyword[1].casefold() == "for":
        # "for 3 days" is "in 3 days"; "for tomorrow" is just "tomorrow".
        when = reading.try_date(f"in {phrase}", context, Direction.FUTURE)
        if when is not None:
            return SnoozeFollowUp(number, when)
    return SnoozeFollowUp(number, reading.read_date(phrase, context, Direction.FUTURE))
