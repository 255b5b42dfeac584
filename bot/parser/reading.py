"""The pieces every command is made of: tokens, quoting, mentions, account names, dates."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.dates import Direction, When, parse_when
from bot.domain import MAX_NAME_LENGTH, name_key
from bot.errors import DateParseError


class KnownNames(Protocol):
    """The workspace's account names, asked about a few candidates at a time: a line is read
    against the names it could mean, never against every name the workspace has."""

    def among(self, keys: Collection[str]) -> Set[str]:
        """Those of ``keys`` (name keys, see ``name_key``) that are an account's."""
        ...


@dataclass(frozen=True, slots=True)
class NameSet:
    """Known names held in memory: for tests, and anything that already has them all."""

    keys: frozenset[str]

    @classmethod
    def of(cls, *names: str) -> NameSet:
        return cls(frozenset(name_key(name) for name in names))

    def among(self, keys: Collection[str]) -> Set[str]:
        return self.keys.intersection(keys)


@dataclass(slots=True)
class LookedUpNames:
    """Known names asked of a look-up (the account repository's indexed ``keys_among``), each
    key at most once per line: the parser tries the same prefixes from several places."""

    lookup: Callable[[Collection[str]], Set[str]]
    answered: dict[str, bool] = field(default_factory=dict)

    def among(self, keys: Collection[str]) -> Set[str]:
        unasked = {key for key in keys if key not in self.answered}
        if unasked:
            found = self.lookup(unasked)
            self.answered.update((key, key in found) for key in unasked)
        return {key for key in keys if self.answered[key]}


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What reading a line needs besides the text: the clock, the caller's zone, the workspace."""

    now: datetime  # aware
    tz: ZoneInfo  # the caller's zone
    dayfirst: bool  # the workspace's reading of 03/04/2027
    account_keys: KnownNames  # which name keys are the workspace's accounts
    currency: str = "USD"  # the workspace's: an amount written without one is in it


class Unreadable(Exception):
    """Raised inside this package only; parse_command turns it into a ParseError."""

    def __init__(self, message: str, *, usage: str | None = None, retype: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage  # a USAGE key when the problem belongs to a sub-command
        # Whether the reply repeats the whole line, to copy and correct: for a long line that
        # was refused for one small part of it (a follow-up's date), retyping it all is the cost.
        self.retype = retype


# A token is a run of non-space characters, except that Slack's <…> entities (mentions,
# links) stay whole even when their label holds spaces: <@U123|bob smith>.
TOKEN = re.compile(r"(?:<[^<>\s][^<>]*>|[^\s<]|<)+")
# Slack's ids are short; one longer than storage keeps (32) is no id of Slack's.
USER = re.compile(r"<@([UW][A-Z0-9]{1,30})(?:\|[^<>]*)?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]{1,30})(?:\|([^<>]*))?>")
# The colon that ends an account (or a date): any colon except one inside a time, 15:00.
SEPARATOR = re.compile(r"(?<![0-9]):|:(?![0-9])")
_SMALL_NUMBER = re.compile(r"[0-9]{1,9}")
_QUOTE_LIMIT = 60
_MAX_ID = 2**31 - 1
_MAX_DATE_WORDS = 6  # "Wed 31 Mar 2027 at 15:00" is the longest date phrase
_NAME_SCAN = 4 * MAX_NAME_LENGTH  # how far into a line a known account name may reach
# The marks a sentence puts after a name ("show Acme Corp.", "who owns Acme??"); a name that
# ends in one ("Yahoo!") is still found as typed, the longest known name first.
TRAILING_MARKS = ".,!?;:"
_MARKS_AT_END = re.compile(r"[\s.,!?;:]+$")
_MARKS_BEFORE_BOUNDARY = re.compile(r"[.,!?;]+(?=[\s:]|$)")
_MAX_MARK_FORMS = 4  # "Yahoo!??" is tried as typed, then without one mark at a time
# Days in a cadence unit: `add … every 2 weeks` and `renewals in 3 months` both use them.
CADENCE_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30}


def quote(text: str) -> str:
    """The fragment a message is about, on one line, cut short when long."""
    shown = " ".join(text.split())
    if len(shown) > _QUOTE_LIMIT:
        shown = shown[: _QUOTE_LIMIT - 1] + "…"
    return f"“{shown}”"


def collapse(text: str) -> str:
    """A one-line field (a name, a tag, a query): whitespace runs become one space."""
    return " ".join(text.split())


def small_int(text: str) -> int | None:
    """A plain decimal number; None for anything else (or too long to be meant)."""
    return int(text) if _SMALL_NUMBER.fullmatch(text) else None


def pick_person(text: str) -> str:
    return (
        f"I can't tell who {quote(text)} is: type @ and pick the person from Slack's list, "
        "so the message carries their mention."
    )


def unknown_kind(word: str, kinds: Sequence[str]) -> str:
    return f"I don't know the kind {quote(word)}. Kinds: {', '.join(kinds)}."


def user_id(token: str) -> str | None:
    """The Slack user id of a mention token; a plain `@name` is refused, anything else None."""
    found = USER.fullmatch(token)
    if found is not None:
        return found[1]
    if token.startswith("@") and len(token) > 1:
        raise Unreadable(pick_person(token))
    return None


def account(text: str) -> str:
    """An account as typed (one line); refused when empty or longer than any name can be."""
    name = collapse(text)
    if not name:
        raise Unreadable("Which account? Put its name after the command.")
    if len(name) > MAX_NAME_LENGTH:
        raise Unreadable(
            f"{quote(name)} is longer than any account name ({MAX_NAME_LENGTH} characters)."
        )
    return name


def new_name(text: str, what: str = "An account name") -> str:
    """A name being given (add, rename, contact): not empty, not too long, not a person."""
    name = collapse(text)
    if not name:
        raise Unreadable(f"{what} is missing.")
    if len(name) > MAX_NAME_LENGTH:
        raise Unreadable(
            f"{what} can be at most {MAX_NAME_LENGTH} characters (this one has {len(name)})."
        )
    if USER.fullmatch(name):
        raise Unreadable(f"{quote(name)} is a person, not a name; mention them with `owner`.")
    return name


def without_marks(text: str) -> str:
    """``text`` without the punctuation (and spaces) a sentence put after it."""
    return _MARKS_AT_END.sub("", text)


def known_prefixes(text: str, names: KnownNames) -> list[tuple[str, str]]:
    """Known account names that start ``text``, longest first, each with the text after it.

    A name must end at a boundary: the end of the text, whitespace or a colon, or marks
    (``.`` ``,`` ``!`` ``?`` ``;``) before one, which belong to the sentence and are left out
    of the text after it. Every such prefix is a candidate; the names are asked about all
    of them at once.
    """
    text = text.lstrip()
    candidates: list[tuple[int, int, str]] = []
    for end in range(min(len(text), _NAME_SCAN), 0, -1):
        after = end
        if end < len(text) and not (text[end].isspace() or text[end] == ":"):
            marks = _MARKS_BEFORE_BOUNDARY.match(text, end)
            if marks is None:
                continue
            after = marks.end()
        if text[end - 1].isspace():
            continue  # the same name as a shorter prefix
        candidates.append((end, after, name_key(text[:end])))
    known = names.among({key for _end, _after, key in candidates}) if candidates else set()
    return [(collapse(text[:end]), text[after:]) for end, after, key in candidates if key in known]


def _mark_forms(text: str) -> list[str]:
    """A name as typed, then with its trailing marks dropped one at a time (a few), then
    without any: the forms it could mean, longest first."""
    forms = [text]
    for _ in range(_MAX_MARK_FORMS):
        if not forms[-1] or forms[-1][-1] not in TRAILING_MARKS:
            break
        forms.append(forms[-1][:-1].rstrip())
    forms.append(without_marks(text))
    return [form for form in dict.fromkeys(forms) if form]


def known_form(text: str, context: ParseContext) -> str | None:
    """The longest form of ``text`` (as typed, or with fewer trailing marks) that is a known
    account's name, asked about all at once; None when none is."""
    forms = [form for form in _mark_forms(collapse(text)) if len(form) <= MAX_NAME_LENGTH]
    if not forms:
        return None
    known = context.account_keys.among({name_key(form) for form in forms})
    return next((form for form in forms if name_key(form) in known), None)


def account_at_end(text: str, context: ParseContext) -> str:
    """An account that is all of ``text`` but the marks a sentence put after it: the longest
    known form ("Yahoo!"), else the name without them ("Acme Corp." → "Acme Corp"), which the
    service then looks for. A name without trailing marks is taken as typed, unasked."""
    typed = collapse(text)
    if typed == without_marks(typed):
        return account(typed)
    return known_form(typed, context) or account(without_marks(typed))


def unknown_account(text: str) -> str:
    """An account no known name matched, as typed but for the marks a sentence put after it."""
    return account(without_marks(collapse(text)))


_DATE_EXAMPLES = "Try: " + ", ".join(f"`{example}`" for example in DateParseError.EXAMPLES)


def _date_message(refusal: DateParseError) -> str:
    why = f" ({refusal.reason})" if refusal.reason else ""
    hint = f" {refusal.hint}" if refusal.hint else ""
    return f"I couldn't read {quote(refusal.text)} as a date{why}.{hint}"


def date_refusal(text: str, context: ParseContext, direction: Direction) -> str | None:
    """Why ``text`` is not a date, as `read_date` would say it; None when it is one."""
    try:
        read_date(text, context, direction)
    except Unreadable as unreadable:
        return unreadable.message
    return None


def read_date(text: str, context: ParseContext, direction: Direction) -> When:
    """A date phrase, or a refusal that quotes it and shows examples."""
    # "on friday" (or German "am 15. Januar") reads naturally; no date phrase starts so.
    phrase = re.sub(r"^(?:on|am)\s+", "", text.strip(), flags=re.IGNORECASE)
    try:
        return parse_when(
            phrase, now=context.now, tz=context.tz, direction=direction, dayfirst=context.dayfirst
        )
    except DateParseError as refusal:
        raise Unreadable(_date_message(refusal)) from None


def try_date(text: str, context: ParseContext, direction: Direction) -> When | None:
    if not text.strip():
        return None
    try:
        return read_date(text, context, direction)
    except Unreadable:
        return None


def _split_trailing_date(
    text: str, context: ParseContext, direction: Direction
) -> tuple[str, When] | None:
    """The longest run of final words that reads as a date, leaving at least one word before."""
    words = list(TOKEN.finditer(text))
    for count in range(min(len(words) - 1, _MAX_DATE_WORDS), 0, -1):
        start = words[-count].start()
        when = try_date(text[start:], context, direction)
        if when is not None:
            return text[:start], when
    return None


def account_then_date(
    segment: str, context: ParseContext, direction: Direction, *, required: bool
) -> tuple[str, When | None]:
    """Split `<account>[ <date>]`: a known name followed by a date (or nothing), else the
    longest trailing date with the words before it as the (unknown) account."""
    if not segment.strip():
        raise Unreadable("Which account? Put its name before the “:”.")
    known = known_prefixes(segment, context.account_keys)
    for name, after in known:
        if not after.strip():
            if not required:
                return name, None
            continue
        when = try_date(after, context, direction)
        if when is not None:
            return name, when
    split = _split_trailing_date(segment, context, direction)
    if split is not None:
        return unknown_account(split[0]), split[1]
    # "log … tomorrow:" or "follow up … yesterday:": a date, but pointing the wrong way. Say
    # so, rather than take the date for part of an account's name.
    opposite = Direction.FUTURE if direction is Direction.PAST else Direction.PAST
    wrong_way = _split_trailing_date(segment, context, opposite)
    if wrong_way is not None:
        read_date(wrong_way[1].text, context, direction)  # raises, saying which way it points
    if not required:
        return unknown_account(segment), None
    if known and known[0][1].strip():
        read_date(known[0][1], context, direction)  # raises, quoting the date as typed
    if known:
        raise Unreadable(f"When? Put a date after {quote(known[0][0])}, before the “:”.")
    raise Unreadable(f"I couldn't find a date at the end of {quote(segment)}. {_DATE_EXAMPLES}")


def account_before_colon(rest: str, context: ParseContext) -> tuple[str, str]:
    """Split `<account>: <more>`, preferring a known name that is followed by the colon."""
    for name, after in known_prefixes(rest, context.account_keys):
        stripped = after.lstrip()
        if stripped.startswith(":"):
            return name, stripped[1:]
    colon = SEPARATOR.search(rest)
    if colon is None:
        raise Unreadable(f"I need a “:” after the account in {quote(rest)}.")
    return unknown_account(rest[: colon.start()]), rest[colon.end() :]


def follow_up_number(token: str) -> int:
    """A follow-up id as people type it: `42` or `#42`."""
    number = small_int(token.removeprefix("#"))
    if number is None or not 1 <= number <= _MAX_ID:
        raise Unreadable(f"{quote(token)} isn't a follow-up number; they look like `42`.")
    return number


def free_text(text: str, limit: int, what: str) -> str:
    """Free text (a summary, a follow-up's text): its own line breaks kept, its ends stripped."""
    stripped = text.strip()
    if len(stripped) > limit:
        raise Unreadable(
            f"{what} can be at most {limit:,} characters (this one has {len(stripped):,}); "
            "nothing was saved."
        )
    return stripped
