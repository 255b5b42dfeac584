"""Interactions and follow-ups: log, follow up, done, cancel, snooze."""

from __future__ import annotations

import difflib
import re

from bot.commands import (
    CancelFollowUp,
    CompleteFollowUp,
    CreateFollowUp,
    FollowUpSpec,
    LogInteraction,
    ReopenFollowUp,
    SnoozeFollowUp,
    Undo,
)
from bot.dates import Direction, When
from bot.domain import MAX_FOLLOW_UP_TEXT_LENGTH, MAX_SUMMARY_LENGTH, InteractionKind
from bot.parser import reading
from bot.parser.reading import ParseContext, Unreadable

_INTERACTION_KINDS = {kind.value: kind for kind in InteractionKind} | {
    "e-mail": InteractionKind.EMAIL
}
# The words that ask for a follow-up inside a `log` line.
_FOLLOW_UP_WORDS = re.compile(r"\b(?:follow[\s-]*up|f/u|remind\s+me)\b", re.IGNORECASE)
_CLAUSE_MARKS = ".!?;:,-–—•*"
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
# What a date is made of, to tell `follow up nxt week` (a date, mistyped) from `follow up
# items` (words): a digit, or one of these words or a near miss of one, or a word ending in
# "day". "may" is left out: "follow up may be needed" is a sentence.
_DATE_WORD_LIST = """
    mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday
    sun sunday jan january feb february mar march apr april jun june jul july aug august
    sep sept september oct october nov november dec december
    today tomorrow tmrw tmr tonight yesterday day days week weeks month months year years
    quarter weekend next end eod eow eom eoq soon later someday sometime asap morning
    afternoon evening noon am pm heute morgen tag tage tagen woche wochen monat monate
"""
_DATE_WORDS = frozenset(_DATE_WORD_LIST.split())
# Near misses are looked for among the longer words only: "jane" is near "jan", not a date.
_LONG_DATE_WORDS = sorted(word for word in _DATE_WORDS if len(word) >= 4)
_DATE_LIKE_WORDS = 6  # as many words as the longest date phrase ("Wed 31 Mar 2027 at 15:00")
_DATE_LIKE_LENGTH = 120  # a few words, typed long; longer is a sentence (and cheap to refuse)


def _starts_a_clause(body: str, start: int) -> bool:
    """Whether the words at ``start`` begin the summary, a line, or a sentence or clause: after
    `.`, `!`, `?`, `;`, `:`, `,` or a dash or bullet, and a space. A follow-up word there asks for
    a follow-up; one inside a sentence ("we agreed to follow up") is part of it."""
    i = start
    while i > 0 and body[i - 1] in " \t":
        i -= 1
    if i == 0 or body[i - 1] == "\n":
        return True
    return i < start and body[i - 1] in _CLAUSE_MARKS


def _looks_like_a_date(text: str) -> bool:
    """Whether ``text`` (what follows a follow-up word) is a date, maybe mistyped: a few words
    with a digit, a date word, or a near miss of one ("nxt", "tomorow")."""
    if len(text) > _DATE_LIKE_LENGTH:
        return False
    words = re.findall(r"\w+", text.casefold())
    if not words or len(words) > _DATE_LIKE_WORDS:
        return False
    return any(
        any(c.isdigit() for c in word)
        or word in _DATE_WORDS
        or word.endswith("day")
        or (len(word) >= 3 and difflib.get_close_matches(word, _LONG_DATE_WORDS, n=1, cutoff=0.8))
        for word in words
    )


# `for @user`; a mention without the "for" means the same.
_FOR_USER = re.compile(
    r"(?:^|(?<=\s))(?:for\s+(?P<plain>@\S+)|(?:for\s+)?(?P<user><@[^<>]*>))", re.IGNORECASE
)


def _split_follow_up(body: str, context: ParseContext) -> tuple[str, FollowUpSpec | None]:
    """The summary and the `follow up <when>[: <text>]` tail: the last follow-up word whose
    <when> (up to the next colon or the end of its line) is a date. A tail ends the text.
    A follow-up asked for and not understood refuses the line (see `_refuse_unread`)."""
    matches = list(_FOLLOW_UP_WORDS.finditer(body))
    for found in reversed(matches):
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
        when = _tail_date(when_text, context)
        if when is not None:
            _refuse_unread(body, [m for m in matches if m is not found], context, taken=True)
            text = reading.free_text(text, MAX_FOLLOW_UP_TEXT_LENGTH, "A follow-up's text")
            return body[: found.start()], FollowUpSpec(when, text or None)
    _refuse_unread(body, matches, context, taken=False)
    return body, None


def _tail_date(text: str, context: ParseContext) -> When | None:
    """The date of a follow-up at the end of a line; a full stop after it is the sentence's."""
    when = reading.try_date(text, context, Direction.FUTURE)
    if when is None and text.rstrip() != text.rstrip().rstrip(".!?"):
        when = reading.try_date(text.rstrip().rstrip(".!?"), context, Direction.FUTURE)
    return when


def _refuse_unread(
    body: str, matches: list[re.Match[str]], context: ParseContext, *, taken: bool
) -> None:
    """Refuse the line when a sentence starts with a follow-up word and a date follows that
    cannot be read: rather than log the touch and drop the follow-up the person believes is
    set. ``taken``: another follow-up in the line was read (then a readable one here is
    summary text, as PRODUCT says: the last one is the follow-up)."""
    for found in matches:
        if not _starts_a_clause(body, found.start()):
            continue  # "we agreed to follow up with legal": words in a sentence
        tail = body[found.end() : found.end() + 2 * _DATE_LIKE_LENGTH]
        # Its date runs to the first colon, or the end of its sentence, whichever comes first.
        stops = [reading.SEPARATOR.search(tail), _SENTENCE_END.search(tail)]
        when_text = tail[: min((stop.start() for stop in stops if stop), default=len(tail))]
        if not _looks_like_a_date(when_text):
            continue  # "Follow up items: …", "Follow-up: none needed"
        words = reading.quote(body[found.start() : found.end()])
        why = reading.date_refusal(when_text, context, Direction.FUTURE)
        if why is not None:
            raise Unreadable(
                f"I logged nothing: the follow-up after {words} needs a date I can read. {why}",
                retype=True,
            )
        if not taken:
            raise Unreadable(
                f"I logged nothing: the follow-up after {words} on {reading.quote(when_text)} "
                "has more text after it. Put the follow-up at the end, its text after a “:”, "
                "like `… follow up friday: send the quote`.",
                retype=True,
            )


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


_MAX_NUMBERS = 20  # one line closing or moving more is a slip of the paste
# Between follow-up numbers: spaces, commas, "and" or "&" (`done 4, 10 and 12`).
_NUMBER_GAP = re.compile(r"\s*(?:,|&|\band\b)\s*|\s+", re.IGNORECASE)
_SNOOZE_WORD = re.compile(r"(until|till|to|for|by)(?:\s+|$)", re.IGNORECASE)


def _numbers(words: list[str]) -> tuple[int, ...]:
    """Follow-up numbers, each once, in the order typed; a refusal names a word that isn't one."""
    numbers = tuple(dict.fromkeys(reading.follow_up_number(word) for word in words))
    if len(numbers) > _MAX_NUMBERS:
        raise Unreadable(f"That is {len(numbers)} follow-ups; at most {_MAX_NUMBERS} at once.")
    return numbers


def _all_numbers(rest: str, command: str = "done") -> tuple[int, ...]:
    words = [word for word in _NUMBER_GAP.split(rest.strip()) if word]
    if not words:
        raise Unreadable(f"Which follow-up? Give its number, or several: `{command} 4 10`.")
    return _numbers(words)


def parse_done(rest: str, context: ParseContext) -> CompleteFollowUp:
    return CompleteFollowUp(_all_numbers(rest))


def parse_cancel(rest: str, context: ParseContext) -> CancelFollowUp:
    return CancelFollowUp(_all_numbers(rest))


def parse_reopen(rest: str, context: ParseContext) -> ReopenFollowUp:
    return ReopenFollowUp(_all_numbers(rest, "reopen"))


def parse_undo(rest: str, context: ParseContext) -> Undo:
    # Anything after `undo` is a different wish (`undo rename Acme`): say so, take nothing back.
    if rest.strip():
        raise Unreadable(
            f"`undo` takes nothing after it, not {reading.quote(rest.strip())}: it takes back "
            "your last change."
        )
    return Undo()


# The follow-up numbers that start a snooze (`4 10`, `#4, #10`): each a whole word, so the
# digits of `2027-02-01`, `15:00` or `3pm` stay the date's.
_LEADING_NUMBERS = re.compile(
    r"\s*(#?[0-9]+(?:(?:\s*(?:,|&|\band\b)\s*|\s+)#?[0-9]+)*)(?=\s|$)", re.IGNORECASE
)


def _leading_numbers(rest: str) -> tuple[list[str], str]:
    """The follow-up numbers that start ``rest``, as typed, and the text after them."""
    found = _LEADING_NUMBERS.match(rest)
    if found is None:
        return [], rest
    return re.findall(r"#?[0-9]+", found[1]), rest[found.end() :]


def parse_snooze(rest: str, context: ParseContext) -> SnoozeFollowUp:
    words, phrase = _leading_numbers(rest)
    if not words:
        first = rest.split(None, 1)
        if not first:
            raise Unreadable("Which follow-up, and until when?")
        reading.follow_up_number(first[0])  # refuses, quoting what stands where a number goes
    numbers = _numbers(words)
    phrase = phrase.strip()
    keyword = _SNOOZE_WORD.match(phrase)
    if keyword is None and len(words) > 1:
        # `snooze 4 10 jan`: the last number may be the date's day rather than a follow-up.
        shorter = reading.try_date(f"{words[-1]} {phrase}", context, Direction.FUTURE)
        if shorter is not None and reading.try_date(phrase, context, Direction.FUTURE) is None:
            return SnoozeFollowUp(_numbers(words[:-1]), shorter)
    return SnoozeFollowUp(numbers, _snooze_date(phrase, keyword, context))


def _snooze_date(phrase: str, keyword: re.Match[str] | None, context: ParseContext) -> When:
    if keyword is not None:
        phrase = phrase[keyword.end() :]
    if not phrase.strip():
        raise Unreadable("Until when? Add a date, like `until monday` or `for 3 days`.")
    if keyword is not None and keyword[1].casefold() == "for":
        # "for 3 days" is "in 3 days"; "for tomorrow" is just "tomorrow".
        when = reading.try_date(f"in {phrase}", context, Direction.FUTURE)
        if when is not None:
            return when
    return reading.read_date(phrase, context, Direction.FUTURE)
