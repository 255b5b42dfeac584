"""Turn one line of `/crm …` text into a typed command, or a ParseError that says why not.

The grammar is PRODUCT.md's table. ``parse_command`` never raises: whatever the text, the
answer is a command from ``bot.commands`` or a ``ParseError`` that quotes what was not
understood, with the command's usage line and a working example (both from ``USAGE``).

Nothing is looked up here except the workspace's known account names, which tell where a
name with spaces ends. An account nobody knows is passed on as typed, so that the service
can answer "did you mean …".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, available_timezones

from bot.commands import (
    AddAccount,
    AddContact,
    ArchiveAccount,
    AssignAccount,
    CancelFollowUp,
    Command,
    CompleteFollowUp,
    CreateFollowUp,
    Due,
    FindAccounts,
    FollowUpSpec,
    Help,
    History,
    LogInteraction,
    Mine,
    Overdue,
    ParseError,
    RecordOutcome,
    RenameAccount,
    Renewals,
    Scope,
    SetContract,
    SetDayFirst,
    SetDigestTime,
    SetEscalationChannel,
    SetHours,
    SetNudgeMode,
    SetRenewalLadder,
    SetStatus,
    SetTimezone,
    SetWorkdays,
    ShowAccount,
    ShowSettings,
    SnoozeFollowUp,
    Stale,
    TagAccount,
    UntagAccount,
    WhoOwns,
)
from bot.dates import Direction, When, parse_when
from bot.domain import (
    MAX_CADENCE_DAYS,
    MAX_CONTRACT_VALUE,
    MAX_FOLLOW_UP_TEXT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTICE_DAYS,
    MAX_SUMMARY_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TIER_LENGTH,
    AccountKind,
    AccountStatus,
    InteractionKind,
    NudgeMode,
    name_key,
)
from bot.errors import DateParseError

__all__ = ["USAGE", "ParseContext", "parse_command"]


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What reading a line needs besides the text: the clock, the caller's zone, the workspace."""

    now: datetime  # aware
    tz: ZoneInfo  # the caller's zone
    dayfirst: bool  # the workspace's reading of 03/04/2027
    account_keys: Container[str]  # name_key(name) of every known account in the workspace


# name -> (usage line, working example); the Help renderer shows these too.
USAGE: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "help": ("help [topic]", "help log"),
        "add": (
            "add <name> [as <kind>] [owner @user] [tier <t>] [every <N> days|weeks|months]",
            "add Acme Corp as customer owner @bob tier gold every 2 weeks",
        ),
        "rename": ("rename <account> to <new name>", "rename Acme to Acme Corp"),
        "archive": ("archive <account>", "archive Initech Labs"),
        "status": ("status <account> active|at risk|churned", "status Acme Corp at risk"),
        "tag": ("tag <account> <tag> [<tag> …]", "tag Acme Corp enterprise emea"),
        "untag": ("untag <account> <tag>", "untag Acme Corp emea"),
        "contract": (
            "contract <account>: <value> <currency> renews <date> [notice <N> days] [auto-renew]",
            "contract Acme Corp: 24000 EUR renews 2027-03-31 notice 60 days",
        ),
        "log": (
            "log <kind> with <account>[ <date>]: <summary> [follow up <when>[: <text>]]",
            "log call with Acme Corp: discussed Q3 pricing. "
            "follow up next friday: send the proposal",
        ),
        "follow up": (
            "follow up <account> [for @user] <when>: <text>",
            "follow up Globex in 3 days: check the pilot numbers",
        ),
        "done": ("done <id>", "done 42"),
        "snooze": ("snooze <id> [until|to|for] <when>", "snooze 42 until monday"),
        "cancel": ("cancel <id>", "cancel 42"),
        "find": ("find <text> [archived]", "find acme"),
        "show": ("show <account>", "show Acme Corp"),
        "history": ("history <account> [N]", "history Acme Corp 10"),
        "who owns": ("who owns <account>", "who owns Globex"),
        "assign": ("assign <account> @user", "assign Globex @alice"),
        "contact": (
            "contact <account>: <name>[, <title>][, <email>][, <phone>]",
            "contact Acme Corp: Jane Doe, CTO, jane@acme.example, +49 30 1234567",
        ),
        "mine": ("mine", "mine"),
        "overdue": ("overdue [@user|all]", "overdue all"),
        "due": ("due [today|this week]", "due this week"),
        "renewals": ("renewals [in <N> days|this quarter]", "renewals in 30 days"),
        "stale": ("stale [@user|all]", "stale all"),
        "renewed": ("renewed <account>", "renewed Acme Corp"),
        "churned": ("churned <account>", "churned Initech Labs"),
        "settings": (
            "settings [timezone|digest|nudges|workdays|hours|workspace …]",
            "settings timezone Europe/Berlin",
        ),
        "settings timezone": ("settings timezone <Area/City>", "settings timezone Europe/Berlin"),
        "settings digest": ("settings digest <HH:MM>", "settings digest 08:30"),
        "settings nudges": ("settings nudges digest|instant|off", "settings nudges instant"),
        "settings workdays": ("settings workdays mon-fri|mon,tue,thu", "settings workdays mon-fri"),
        "settings hours": ("settings hours <HH:MM>-<HH:MM>", "settings hours 08:00-18:00"),
        "settings workspace": (
            "settings workspace dayfirst|escalation|ladder …",
            "settings workspace dayfirst on",
        ),
        "settings workspace dayfirst": (
            "settings workspace dayfirst on|off",
            "settings workspace dayfirst on",
        ),
        "settings workspace escalation": (
            "settings workspace escalation #channel",
            "settings workspace escalation #customer-success",
        ),
        "settings workspace ladder": (
            "settings workspace ladder <days>,<days>,…",
            "settings workspace ladder 90,60,30,14,7,1",
        ),
    }
)

# For an unknown first word: the commands people use most, as one short line.
_COMMON_COMMANDS = "log · follow up · show · find · add · done · snooze · mine · help"


def parse_command(text: str, context: ParseContext) -> Command | ParseError:
    """Read one line of `/crm` text; never raises: a command, or a ParseError saying why not."""
    line = _CRM_PREFIX.sub("", text, count=1).strip()
    if not line:
        return Help()
    key, word, rest = _split_command(line)
    handler = _HANDLERS.get(key)
    if handler is None:
        return _unknown_command(word)
    try:
        return handler(rest, context)
    except _Unreadable as unreadable:
        usage, example = USAGE[unreadable.usage or key]
        return ParseError(unreadable.message, usage=usage, example=example)


# --- the pieces every command is made of ---------------------------------------------------


class _Unreadable(Exception):
    """Raised inside this module only; parse_command turns it into a ParseError."""

    def __init__(self, message: str, *, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage  # a USAGE key when the problem belongs to a sub-command


# An optional leading "/crm" (the console passes it) or mention of the bot (an app mention).
_CRM_PREFIX = re.compile(r"^\s*(?:<@[UW][A-Z0-9]+(?:\|[^<>]*)?>\s*)?(?:/crm(?!\S))?", re.IGNORECASE)
# A token is a run of non-space characters, except that Slack's <…> entities (mentions,
# links) stay whole even when their label holds spaces: <@U123|bob smith>.
_TOKEN = re.compile(r"(?:<[^<>\s][^<>]*>|[^\s<]|<)+")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^<>]*))?>")
# The colon that ends an account (or a date): any colon except one inside a time, 15:00.
_SEPARATOR = re.compile(r"(?<![0-9]):|:(?![0-9])")
_SMALL_NUMBER = re.compile(r"[0-9]{1,9}")
_QUOTE_LIMIT = 60
_MAX_ID = 2**31 - 1
_MAX_DATE_WORDS = 6  # "Wed 31 Mar 2027 at 15:00" is the longest date phrase
_NAME_SCAN = 4 * MAX_NAME_LENGTH  # how far into a line a known account name may reach


def _quote(text: str) -> str:
    """The fragment a message is about, on one line, cut short when long."""
    shown = " ".join(text.split())
    if len(shown) > _QUOTE_LIMIT:
        shown = shown[: _QUOTE_LIMIT - 1] + "…"
    return f"“{shown}”"


def _collapse(text: str) -> str:
    """A one-line field (a name, a tag, a query): whitespace runs become one space."""
    return " ".join(text.split())


def _small_int(text: str) -> int | None:
    """A plain decimal number; None for anything else (or too long to be meant)."""
    return int(text) if _SMALL_NUMBER.fullmatch(text) else None


def _pick_person(text: str) -> str:
    return (
        f"I can't tell who {_quote(text)} is: type @ and pick the person from Slack's list, "
        "so the message carries their mention."
    )


def _user_id(token: str) -> str | None:
    """The Slack user id of a mention token; a plain `@name` is refused, anything else None."""
    found = _USER.fullmatch(token)
    if found is not None:
        return found[1]
    if token.startswith("@") and len(token) > 1:
        raise _Unreadable(_pick_person(token))
    return None


def _account(text: str) -> str:
    """An account as typed (one line); refused when empty or longer than any name can be."""
    name = _collapse(text)
    if not name:
        raise _Unreadable("Which account? Put its name after the command.")
    if len(name) > MAX_NAME_LENGTH:
        raise _Unreadable(
            f"{_quote(name)} is longer than any account name ({MAX_NAME_LENGTH} characters)."
        )
    return name


def _new_name(text: str, what: str = "An account name") -> str:
    """A name being given (add, rename, contact): not empty, not too long, not a person."""
    name = _collapse(text)
    if not name:
        raise _Unreadable(f"{what} is missing.")
    if len(name) > MAX_NAME_LENGTH:
        raise _Unreadable(
            f"{what} can be at most {MAX_NAME_LENGTH} characters (this one has {len(name)})."
        )
    if _USER.fullmatch(name):
        raise _Unreadable(f"{_quote(name)} is a person, not a name; mention them with `owner`.")
    return name


def _known_prefixes(text: str, keys: Container[str]) -> list[tuple[str, str]]:
    """Known account names that start ``text``, longest first, each with the text after it.

    A name must end at a boundary: the end of the text, whitespace or a colon.
    """
    text = text.lstrip()
    found: list[tuple[str, str]] = []
    for end in range(min(len(text), _NAME_SCAN), 0, -1):
        if end < len(text) and not (text[end].isspace() or text[end] == ":"):
            continue
        if text[end - 1].isspace():
            continue  # the same name as a shorter prefix
        if name_key(text[:end]) in keys:
            found.append((_collapse(text[:end]), text[end:]))
    return found


_DATE_EXAMPLES = "Try: " + ", ".join(f"`{example}`" for example in DateParseError.EXAMPLES)


def _date_message(refusal: DateParseError) -> str:
    why = f" ({refusal.reason})" if refusal.reason else ""
    hint = f" {refusal.hint}" if refusal.hint else ""
    return f"I couldn't read {_quote(refusal.text)} as a date{why}.{hint}"


def _read_date(text: str, context: ParseContext, direction: Direction) -> When:
    """A date phrase, or a refusal that quotes it and shows examples."""
    # "on friday" reads naturally; the date phrases themselves never start with "on".
    phrase = re.sub(r"^on\s+", "", text.strip(), flags=re.IGNORECASE)
    try:
        return parse_when(
            phrase, now=context.now, tz=context.tz, direction=direction, dayfirst=context.dayfirst
        )
    except DateParseError as refusal:
        raise _Unreadable(_date_message(refusal)) from None


def _try_date(text: str, context: ParseContext, direction: Direction) -> When | None:
    if not text.strip():
        return None
    try:
        return _read_date(text, context, direction)
    except _Unreadable:
        return None


def _split_trailing_date(
    text: str, context: ParseContext, direction: Direction
) -> tuple[str, When] | None:
    """The longest run of final words that reads as a date, leaving at least one word before."""
    words = list(_TOKEN.finditer(text))
    for count in range(min(len(words) - 1, _MAX_DATE_WORDS), 0, -1):
        start = words[-count].start()
        when = _try_date(text[start:], context, direction)
        if when is not None:
            return text[:start], when
    return None


def _account_then_date(
    segment: str, context: ParseContext, direction: Direction, *, required: bool
) -> tuple[str, When | None]:
    """Split `<account>[ <date>]`: a known name followed by a date (or nothing), else the
    longest trailing date with the words before it as the (unknown) account."""
    if not segment.strip():
        raise _Unreadable("Which account? Put its name before the “:”.")
    known = _known_prefixes(segment, context.account_keys)
    for name, after in known:
        if not after.strip():
            if not required:
                return name, None
            continue
        when = _try_date(after, context, direction)
        if when is not None:
            return name, when
    split = _split_trailing_date(segment, context, direction)
    if split is not None:
        return _account(split[0]), split[1]
    # "log … tomorrow:" or "follow up … yesterday:": a date, but pointing the wrong way. Say
    # so, rather than take the date for part of an account's name.
    opposite = Direction.FUTURE if direction is Direction.PAST else Direction.PAST
    wrong_way = _split_trailing_date(segment, context, opposite)
    if wrong_way is not None:
        _read_date(wrong_way[1].text, context, direction)  # raises, saying which way it points
    if not required:
        return _account(segment), None
    if known and known[0][1].strip():
        _read_date(known[0][1], context, direction)  # raises, quoting the date as typed
    if known:
        raise _Unreadable(f"When? Put a date after {_quote(known[0][0])}, before the “:”.")
    raise _Unreadable(f"I couldn't find a date at the end of {_quote(segment)}. {_DATE_EXAMPLES}")


def _account_before_colon(rest: str, context: ParseContext) -> tuple[str, str]:
    """Split `<account>: <more>`, preferring a known name that is followed by the colon."""
    for name, after in _known_prefixes(rest, context.account_keys):
        stripped = after.lstrip()
        if stripped.startswith(":"):
            return name, stripped[1:]
    colon = _SEPARATOR.search(rest)
    if colon is None:
        raise _Unreadable(f"I need a “:” after the account in {_quote(rest)}.")
    return _account(rest[: colon.start()]), rest[colon.end() :]


def _follow_up_number(token: str) -> int:
    """A follow-up id as people type it: `42` or `#42`."""
    number = _small_int(token.removeprefix("#"))
    if number is None or not 1 <= number <= _MAX_ID:
        raise _Unreadable(f"{_quote(token)} isn't a follow-up number; they look like `42`.")
    return number


def _free_text(text: str, limit: int, what: str) -> str:
    """Free text (a summary, a follow-up's text): its own line breaks kept, its ends stripped."""
    stripped = text.strip()
    if len(stripped) > limit:
        raise _Unreadable(
            f"{what} can be at most {limit:,} characters (this one has {len(stripped):,}); "
            "nothing was saved."
        )
    return stripped


# --- accounts -------------------------------------------------------------------------------

_ACCOUNT_KINDS = {kind.value: kind for kind in AccountKind}
_CADENCE_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30}
_ADD_KEYWORDS = frozenset({"as", "owner", "tier", "every"})


def _unknown_kind(word: str, kinds: Sequence[str]) -> str:
    return f"I don't know the kind {_quote(word)}. Kinds: {', '.join(kinds)}."


def _read_add_options(words: Sequence[str]) -> tuple[AddAccount, str | None] | None:
    """Read ``words`` as `add` options, in any order.

    None when they are not options at all; otherwise the options read and the first problem
    with a value (an unknown kind, a plain @name, …), if any.
    """
    options = AddAccount(name="")
    problem: str | None = None
    seen: set[str] = set()
    i = 0
    while i < len(words):
        keyword = words[i].casefold()
        if keyword not in _ADD_KEYWORDS or i + 1 >= len(words):
            return None
        if keyword in seen:
            problem = problem or f"{_quote(keyword)} is given twice."
        seen.add(keyword)
        value = words[i + 1]
        i += 2
        if keyword == "as":
            if value.casefold() in ("a", "an") and i < len(words):  # "as a partner"
                value = words[i]
                i += 1
            kind = _ACCOUNT_KINDS.get(value.casefold())
            if kind is None:
                problem = problem or _unknown_kind(value, list(_ACCOUNT_KINDS))
            else:
                options = replace(options, kind=kind)
        elif keyword == "owner":
            user = _USER.fullmatch(value)
            if user is not None:
                options = replace(options, owner_id=user[1])
            elif value.startswith("@"):
                problem = problem or _pick_person(value)
            elif value.casefold() != "me":
                return None
        elif keyword == "tier":
            if len(value) > MAX_TIER_LENGTH:
                problem = problem or f"A tier can be at most {MAX_TIER_LENGTH} characters."
            options = replace(options, tier=value)
        else:  # every [N] days|weeks|months
            count = 2 if value.casefold() == "other" else _small_int(value)  # every other week
            unit = words[i].casefold() if i < len(words) else ""
            if count is not None and unit in _CADENCE_UNITS:
                i += 1
            elif count is None and value.casefold() in _CADENCE_UNITS:
                count, unit = 1, value.casefold()  # "every week"
            elif count is not None and (not unit or unit in _ADD_KEYWORDS):
                problem = (
                    problem or f"Every {count} what? Say `every {count} days`, weeks or months."
                )
                continue
            else:
                return None
            days = count * _CADENCE_UNITS[unit]
            if not 1 <= days <= MAX_CADENCE_DAYS:
                problem = problem or (
                    f"A cadence must be between 1 and {MAX_CADENCE_DAYS} days (this is {days})."
                )
            options = replace(options, cadence_days=days)
    return options, problem


_QUOTED_NAME = re.compile(r"\s*[\"“”](?P<name>[^\"“”]*)[\"“”](?P<options>.*)", re.DOTALL)


def _parse_add(rest: str, context: ParseContext) -> AddAccount:
    # The name ends at the first option keyword from which the rest of the line reads as
    # options, so "add Tier One Logistics" is a name and "add Acme tier gold" has a tier, and
    # "add Acme as custmer tier gold" is refused rather than named "Acme as custmer". A name
    # that holds such words goes in quotes: add "Sold as Seen" tier gold.
    quoted = _QUOTED_NAME.fullmatch(rest)
    if quoted is not None:
        words = _TOKEN.findall(quoted["options"])
        read = _read_add_options(words) if words else (AddAccount(name=""), None)
        if read is None:
            raise _Unreadable(f"I don't understand {_quote(quoted['options'])} after the name.")
        options, problem = read
        if problem is not None:
            raise _Unreadable(problem)
        return replace(options, name=_new_name(quoted["name"]))
    tokens = list(_TOKEN.finditer(rest))
    words = [token.group() for token in tokens]
    for i, word in enumerate(words):
        read = _read_add_options(words[i:]) if word.casefold() in _ADD_KEYWORDS else None
        if read is None:
            continue
        options, problem = read
        if problem is not None:
            raise _Unreadable(problem)
        name_end = tokens[i - 1].end() if i else 0
        return replace(options, name=_new_name(rest[:name_end]))
    return AddAccount(name=_new_name(rest))


def _parse_rename(rest: str, context: ParseContext) -> RenameAccount:
    for name, after in _known_prefixes(rest, context.account_keys):
        to = re.match(r"\s+to\s+", after, re.IGNORECASE)
        if to is not None:
            return RenameAccount(name, _new_name(after[to.end() :], "The new name"))
    to = re.search(r"\s+to\s+", rest.strip(), re.IGNORECASE)
    if to is None:
        raise _Unreadable(f"Rename to what? I need “to <new name>” in {_quote(rest)}.")
    stripped = rest.strip()
    return RenameAccount(
        _account(stripped[: to.start()]), _new_name(stripped[to.end() :], "The new name")
    )


def _parse_archive(rest: str, context: ParseContext) -> ArchiveAccount:
    return ArchiveAccount(_account(rest))


_STATUS_WORDS = {
    "active": AccountStatus.ACTIVE,
    "at risk": AccountStatus.AT_RISK,
    "churned": AccountStatus.CHURNED,
}
_STATUS_AT_END = re.compile(
    r"(?P<account>.*?)\s+(?P<status>active|at[\s_-]+risk|churned|archived)\s*", re.I | re.S
)


def _parse_status(rest: str, context: ParseContext) -> SetStatus:
    found = _STATUS_AT_END.fullmatch(rest.strip())
    if found is None:
        raise _Unreadable(f"Which status? End {_quote(rest)} with active, at risk or churned.")
    account = _account(found["account"])
    word = " ".join(re.split(r"[\s_-]+", found["status"].casefold()))
    if word == "archived":
        raise _Unreadable(f"To archive an account, say `archive {account}`.", usage="archive")
    return SetStatus(account, _STATUS_WORDS[word])


def _account_then_words(rest: str, context: ParseContext) -> tuple[str, list[str]]:
    """`<account> <word> …`: the longest known name and the words after it, else all but the
    last word."""
    known = _known_prefixes(rest, context.account_keys)
    if known:
        name, after = known[0]
        words = _TOKEN.findall(after)
        if not words:
            raise _Unreadable(f"Which tag? Put it after {_quote(name)}.")
        return name, words
    tokens = list(_TOKEN.finditer(rest))
    if len(tokens) < 2:
        raise _Unreadable(f"I need an account and a tag in {_quote(rest)}.")
    return _account(rest[: tokens[-1].start()]), [tokens[-1].group()]


def _tags(words: Sequence[str]) -> tuple[str, ...]:
    """Tags as typed, without a leading #; a channel Slack turned into a mention counts too."""
    tags: dict[str, str] = {}
    for word in words:
        channel = _CHANNEL.fullmatch(word)
        parts = [channel[2] or ""] if channel is not None else word.split(",")
        for part in parts:
            tag = part.strip().lstrip("#")
            if not tag:
                continue
            if len(tag) > MAX_TAG_LENGTH:
                raise _Unreadable(f"A tag can be at most {MAX_TAG_LENGTH} characters.")
            tags.setdefault(tag.casefold(), tag)
    if not tags:
        raise _Unreadable("Which tag? Tags are single words like `emea`.")
    return tuple(tags.values())


def _parse_tag(rest: str, context: ParseContext) -> TagAccount:
    account, words = _account_then_words(rest, context)
    return TagAccount(account, _tags(words))


def _parse_untag(rest: str, context: ParseContext) -> UntagAccount:
    account, words = _account_then_words(rest, context)
    tags = _tags(words)
    if len(tags) > 1:
        raise _Unreadable("One tag at a time, please: `untag <account> <tag>`.")
    return UntagAccount(account, tags[0])


def _parse_show(rest: str, context: ParseContext) -> ShowAccount:
    return ShowAccount(_account(rest))


def _parse_who_owns(rest: str, context: ParseContext) -> WhoOwns:
    return WhoOwns(_account(rest.strip().removesuffix("?")))


def _parse_assign(rest: str, context: ParseContext) -> AssignAccount:
    tokens = list(_TOKEN.finditer(rest))
    user_id = _user_id(tokens[-1].group()) if tokens else None
    if user_id is None:
        raise _Unreadable(f"Assign {_quote(rest)} to whom? End with an @mention of the new owner.")
    account = rest[: tokens[-1].start()].strip()
    if name_key(account) not in context.account_keys:
        account = re.sub(r"\s+to$", "", account, flags=re.IGNORECASE)  # "assign Acme to @bob"
    return AssignAccount(_account(account), user_id)


def _parse_history(rest: str, context: ParseContext) -> History:
    text = _collapse(rest)
    if name_key(text) in context.account_keys:
        return History(text)
    account, _, last = text.rpartition(" ")
    if account and re.fullmatch(r"[0-9]+", last):
        limit = _small_int(last)
        if limit is None or not 1 <= limit <= 100:
            raise _Unreadable(f"History shows 1 to 100 interactions, not {_quote(last)}.")
        return History(_account(account), limit)
    return History(_account(text))


def _parse_find(rest: str, context: ParseContext) -> FindAccounts:
    words = rest.split()
    include_archived = False
    if len(words) > 1 and words[-1].casefold() == "archived":
        words, include_archived = words[:-1], True
    elif len(words) > 1 and words[0].casefold() == "archived":
        words, include_archived = words[1:], True
    if not words:
        raise _Unreadable("Find what? Give part of a name, a tag or a contact.")
    query = " ".join(words)
    if len(query) > MAX_NAME_LENGTH:
        raise _Unreadable(f"{_quote(query)} is longer than anything I could find.")
    return FindAccounts(query, include_archived)


def _parse_outcome(renewed: bool) -> Callable[[str, ParseContext], RecordOutcome]:
    def parse(rest: str, context: ParseContext) -> RecordOutcome:
        return RecordOutcome(_account(rest), renewed=renewed)

    return parse


# --- contacts -------------------------------------------------------------------------------

# Slack sends typed addresses as links: <mailto:jane@x.io|jane@x.io>, <tel:+4930…|+49 30 …>.
_LINK = re.compile(r"<((?:mailto:|tel:|https?://)[^<>|]*)(?:\|([^<>]*))?>", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@,;<>()]+@[^\s@,;<>()]+\.[^\s@,;<>()]+")
_PHONE = re.compile(r"(?<![\w+])\(?\+?[0-9][0-9 ()./-]{5,30}[0-9](?![\w])")
_MAX_EMAIL_LENGTH = 254


def _unwrap_links(text: str) -> str:
    return _LINK.sub(lambda link: link[2] or re.sub(r"^(?:mailto|tel):", "", link[1]), text)


def _is_phone(text: str) -> bool:
    """Seven to fifteen digits; without a leading +, 0 or ( at least nine, so that a year
    range (2019-2024) or a date in a title is not taken for a phone number."""
    digits = sum(ch.isdigit() for ch in text)
    return 7 <= digits <= 15 and (text[0] in "+0(" or digits >= 9)


def _take_once(pattern: re.Pattern[str], text: str, what: str) -> tuple[str | None, str]:
    """The one match of ``pattern`` that qualifies, and the text without it."""
    found = [
        match for match in pattern.finditer(text) if pattern is not _PHONE or _is_phone(match[0])
    ]
    if not found:
        return None, text
    if len(found) > 1:
        raise _Unreadable(f"I found more than one {what}; a contact has one.")
    match = found[0]
    return match[0].strip(), text[: match.start()] + text[match.end() :]


def _parse_contact(rest: str, context: ParseContext) -> AddContact:
    account, body = _account_before_colon(rest, context)
    body = _unwrap_links(body)
    email, body = _take_once(_EMAIL, body, "e-mail address")
    phone, body = _take_once(_PHONE, body, "phone number")
    if email is not None and len(email) > _MAX_EMAIL_LENGTH:
        raise _Unreadable(f"{_quote(email)} is too long for an e-mail address.")
    parts = [_collapse(part) for part in body.split(",")]
    parts = [part for part in parts if part]
    if not parts:
        raise _Unreadable("Who? Write the contact's name after the “:”.")
    name = _new_name(parts[0], "A contact's name")
    title = ", ".join(parts[1:]) or None
    if title is not None and len(title) > MAX_NAME_LENGTH:
        raise _Unreadable(f"A title can be at most {MAX_NAME_LENGTH} characters.")
    return AddContact(account, name, title=title, email=email, phone=phone)


# --- contracts ------------------------------------------------------------------------------

_RENEWS = re.compile(r"(?<![\w-])renew(?:s|al|ing)?(?![\w-])", re.IGNORECASE)
_AMOUNT = re.compile(
    r"(?:(?P<code_before>[A-Za-z]{3})(?![A-Za-z]))?\s*(?P<symbol>[€$£])?\s*(?P<sign>[-+−])?"
    r"\s*(?P<number>[0-9][0-9,_.]*)\s*(?P<code_after>[A-Za-z]{3})?"
)
_NUMBER = re.compile(
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:_[0-9]{3})+|[0-9]{1,15})(?:\.[0-9]{1,2})?"
)
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
_CONTRACT_OPTION = re.compile(r"(?<![\w-])(?:notice|auto[- ]?renew)", re.IGNORECASE)
_NOTICE = re.compile(
    r"notice(?:\s+period)?\s*:?\s+(?P<count>\S+?)(?:\s*(?P<unit>days?|d|weeks?|months?)\b)?"
    r"(?=[\s,;]|$)",
    re.IGNORECASE,
)
_AUTO_RENEW = re.compile(r"auto[- ]?renew(?:s|al|ing)?(?![\w-])", re.IGNORECASE)


def _amount(text: str) -> tuple[Decimal, str]:
    """`24000 EUR`, `24,000.50 usd`, `€24000`, `EUR 24_000`: the value and the currency code."""
    shape = "Write the value like `24000 EUR`, `24,000.50 USD` or `€24000`."
    found = _AMOUNT.fullmatch(text.strip())
    if found is None:
        raise _Unreadable(f"I couldn't read {_quote(text)} as a value and currency. {shape}")
    if found["sign"] is not None and found["sign"] != "+":
        raise _Unreadable(f"A contract value can't be negative ({_quote(text)}).")
    if not _NUMBER.fullmatch(found["number"]):
        raise _Unreadable(
            f"I couldn't read {_quote(found['number'])} as an amount: use `,` or `_` between "
            "thousands and `.` before at most two decimals, like `24,000.50`."
        )
    value = Decimal(found["number"].replace(",", "").replace("_", ""))
    if value >= MAX_CONTRACT_VALUE:
        raise _Unreadable(f"{value:,} is more than any contract Rapport keeps; is it a typo?")
    codes = {code.upper() for code in (found["code_before"], found["code_after"]) if code}
    symbol = found["symbol"]
    if len(codes) > 1:
        raise _Unreadable(f"Which currency: {' or '.join(sorted(codes))}?")
    code = codes.pop() if codes else _SYMBOLS.get(symbol or "")
    if code is None:
        raise _Unreadable(f"Which currency? {shape}")
    # "$" is also the Canadian, Australian, … dollar, so a code after it wins.
    if symbol in ("€", "£") and code != _SYMBOLS[symbol]:
        raise _Unreadable(f"{symbol} is {_SYMBOLS[symbol]}, not {code}.")
    return value, code


def _contract_options(text: str) -> tuple[int | None, bool]:
    """`notice <N> days` and `auto-renew`, in either order."""
    notice: int | None = None
    auto_renew = False
    position = 0
    while True:
        gap = re.compile(r"[\s,;]*").match(text, position)
        position = gap.end() if gap is not None else position
        if position >= len(text):
            return notice, auto_renew
        found_notice = _NOTICE.match(text, position)
        found_auto = _AUTO_RENEW.match(text, position)
        if found_notice is not None and notice is None:
            unit = (found_notice["unit"] or "days").casefold()
            count = _small_int(found_notice["count"])
            if count is None or not unit.startswith("d"):
                raise _Unreadable(
                    f"Give the notice period in days, like `notice 60 days` "
                    f"(not {_quote(found_notice[0])})."
                )
            if count > MAX_NOTICE_DAYS:
                raise _Unreadable(f"A notice period can be at most {MAX_NOTICE_DAYS} days.")
            notice, position = count, found_notice.end()
        elif found_auto is not None and not auto_renew:
            auto_renew, position = True, found_auto.end()
        else:
            raise _Unreadable(f"I don't understand {_quote(text[position:])} after the date.")


def _parse_contract(rest: str, context: ParseContext) -> SetContract:
    account, body = _account_before_colon(rest, context)
    renews = _RENEWS.search(body)
    if renews is None:
        raise _Unreadable(f"When does it renew? Add “renews <date>” to {_quote(body)}.")
    value, currency = _amount(body[: renews.start()])
    after = body[renews.end() :]
    option = _CONTRACT_OPTION.search(after)
    date_text = (after[: option.start()] if option else after).strip().rstrip(",;")
    if not date_text:
        raise _Unreadable("When does it renew? Put a date after “renews”, like `2027-03-31`.")
    when = _read_date(date_text, context, Direction.FUTURE)
    notice, auto_renew = _contract_options(after[option.start() :] if option else "")
    return SetContract(account, value, currency, when, notice, auto_renew)


# --- interactions and follow-ups ------------------------------------------------------------

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
        colon = _SEPARATOR.search(tail, 0, line_end)
        if colon is not None:
            when_text, text = tail[: colon.start()], tail[colon.end() :]
        elif tail[line_end:].strip():
            continue  # lines follow that belong to no follow-up: this one is summary text
        else:
            when_text, text = tail[:line_end], ""
        when = _try_date(when_text, context, Direction.FUTURE)
        if when is not None:
            text = _free_text(text, MAX_FOLLOW_UP_TEXT_LENGTH, "A follow-up's text")
            return body[: found.start()], FollowUpSpec(when, text or None)
    return body, None


def _parse_log(rest: str, context: ParseContext) -> LogInteraction:
    parts = rest.split(None, 1)
    if not parts:
        raise _Unreadable("Log what? Give the kind, the account and a summary.")
    kind = _INTERACTION_KINDS.get(parts[0].casefold())
    if kind is None:
        raise _Unreadable(_unknown_kind(parts[0], [k.value for k in InteractionKind]))
    remainder = re.sub(r"^with(?=\s)", "", parts[1] if len(parts) > 1 else "", flags=re.I)
    colon = _SEPARATOR.search(remainder)
    if colon is None:
        raise _Unreadable(f"I need a “:” between the account and the summary in {_quote(rest)}.")
    account, when = _account_then_date(
        remainder[: colon.start()], context, Direction.PAST, required=False
    )
    summary, follow_up = _split_follow_up(remainder[colon.end() :], context)
    summary = _free_text(summary, MAX_SUMMARY_LENGTH, "A summary")
    if not summary:
        raise _Unreadable("What happened? Write a summary after the “:”.")
    return LogInteraction(kind, account, summary, when, follow_up)


def _parse_follow_up(rest: str, context: ParseContext) -> CreateFollowUp:
    colon = _SEPARATOR.search(rest)
    if colon is None:
        raise _Unreadable(f"What is there to do? Add “: <text>” after the date in {_quote(rest)}.")
    head, text = rest[: colon.start()], rest[colon.end() :]
    owner_id: str | None = None
    for_user = _FOR_USER.search(head)
    if for_user is not None:
        mention = for_user["user"] or for_user["plain"]
        owner_id = _user_id(mention)
        if owner_id is None:
            raise _Unreadable(_pick_person(mention))
        head = f"{head[: for_user.start()]} {head[for_user.end() :]}"
    account, when = _account_then_date(head, context, Direction.FUTURE, required=True)
    if when is None:  # not reached: required=True finds a date or refuses
        raise _Unreadable("When? Put a date before the “:”.")
    text = _free_text(text, MAX_FOLLOW_UP_TEXT_LENGTH, "A follow-up's text")
    if not text:
        raise _Unreadable("What is there to do? Write it after the “:”.")
    return CreateFollowUp(account, when, text, owner_id)


def _one_number(rest: str) -> int:
    words = rest.split()
    if not words:
        raise _Unreadable("Which follow-up? Give its number.")
    if len(words) > 1:
        raise _Unreadable(f"I need one follow-up number, not {_quote(rest)}.")
    return _follow_up_number(words[0])


def _parse_done(rest: str, context: ParseContext) -> CompleteFollowUp:
    return CompleteFollowUp(_one_number(rest))


def _parse_cancel(rest: str, context: ParseContext) -> CancelFollowUp:
    return CancelFollowUp(_one_number(rest))


def _parse_snooze(rest: str, context: ParseContext) -> SnoozeFollowUp:
    parts = rest.split(None, 1)
    if not parts:
        raise _Unreadable("Which follow-up, and until when?")
    number = _follow_up_number(parts[0])
    phrase = parts[1].strip() if len(parts) > 1 else ""
    keyword = re.match(r"(until|till|to|for)(?:\s+|$)", phrase, re.IGNORECASE)
    if keyword is not None:
        phrase = phrase[keyword.end() :]
    if not phrase:
        raise _Unreadable("Until when? Add a date, like `until monday` or `for 3 days`.")
    if keyword is not None and keyword[1].casefold() == "for":
        # "for 3 days" is "in 3 days"; "for tomorrow" is just "tomorrow".
        when = _try_date(f"in {phrase}", context, Direction.FUTURE)
        if when is not None:
            return SnoozeFollowUp(number, when)
    return SnoozeFollowUp(number, _read_date(phrase, context, Direction.FUTURE))


# --- lists ------------------------------------------------------------------------------------


def _scope(rest: str) -> tuple[Scope, str | None]:
    text = rest.strip()
    if text.casefold() in ("", "me", "mine", "my"):
        return Scope.MINE, None
    if text.casefold() in ("all", "everyone", "team"):
        return Scope.ALL, None
    user_id = _user_id(text)
    if user_id is None:
        raise _Unreadable(f"Whose? I understand an @mention or `all`, not {_quote(text)}.")
    return Scope.USER, user_id


def _parse_overdue(rest: str, context: ParseContext) -> Overdue:
    scope, user_id = _scope(rest)
    return Overdue(scope, user_id)


def _parse_stale(rest: str, context: ParseContext) -> Stale:
    scope, user_id = _scope(rest)
    return Stale(scope, user_id)


def _parse_due(rest: str, context: ParseContext) -> Due:
    period = _collapse(rest).casefold()
    if period in ("", "today"):
        return Due("today")
    if period in ("this week", "week"):
        return Due("this week")
    raise _Unreadable(f"Due when? `today` or `this week`, not {_quote(rest)}.")


def _parse_renewals(rest: str, context: ParseContext) -> Renewals:
    text = _collapse(rest).casefold()
    if not text:
        return Renewals()
    if text in ("this quarter", "quarter"):
        return Renewals(this_quarter=True)
    found = re.fullmatch(r"(?:in |next |within )?([0-9]+) (days?|weeks?|months?)", text)
    days = None
    if found is not None:
        count = _small_int(found[1])
        days = None if count is None else count * _CADENCE_UNITS[found[2]]
    if days is None or not 1 <= days <= MAX_NOTICE_DAYS:
        raise _Unreadable(
            f"I couldn't read {_quote(rest)}: say `in 30 days` (1 to {MAX_NOTICE_DAYS}) "
            "or `this quarter`."
        )
    return Renewals(within_days=days)


def _parse_mine(rest: str, context: ParseContext) -> Mine:
    if rest.strip():
        raise _Unreadable(f"`mine` takes nothing after it, not {_quote(rest)}.")
    return Mine()


def _parse_help(rest: str, context: ParseContext) -> Help:
    topic = _collapse(rest).casefold().removeprefix("/crm ")
    topic = re.sub(r"^follow[- ]?up\b", "follow up", topic)
    return Help(topic or None)


# --- settings ---------------------------------------------------------------------------------

_CLOCK = re.compile(
    r"(?P<hour>[0-9]{1,2})(?:[:.h](?P<minute>[0-9]{2}))?(?:\s*(?P<half>[ap])\.?m\.?)?",
    re.IGNORECASE,
)
_WEEKDAY_WORDS = {
    spelling: index
    for index, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    for spelling in (name, name[:3], name[:2])
} | {"tues": 1, "thur": 3, "thurs": 3}
_SWITCH = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}
_MAX_LADDER_DAYS = 3_660  # ten years before a renewal


@cache
def _zone_names() -> Mapping[str, str]:
    """IANA zone names by their case-folded spelling."""
    return {name.casefold(): name for name in available_timezones()}


def _clock_time(text: str) -> time:
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise _Unreadable(f"I couldn't read {_quote(text)} as a time; write it like `08:30`.")
    hour, minute, half = int(found["hour"]), int(found["minute"] or 0), found["half"]
    if half is not None:
        if not 1 <= hour <= 12:
            raise _Unreadable(f"With am or pm the hour is 1 to 12, not {_quote(text)}.")
        hour = hour % 12 + (12 if half.casefold() == "p" else 0)
    if hour > 23 or minute > 59:
        raise _Unreadable(f"{_quote(text)} is not a time of day; write it like `08:30`.")
    return time(hour, minute)


def _set_timezone(value: str) -> SetTimezone:
    name = _zone_names().get(value.strip().casefold())
    if name is None:
        raise _Unreadable(
            f"I don't know the time zone {_quote(value)}. Use an Area/City name such as "
            "`Europe/Berlin` or `America/New_York`."
        )
    return SetTimezone(name)


def _set_digest(value: str) -> SetDigestTime:
    return SetDigestTime(_clock_time(value))


def _set_nudges(value: str) -> SetNudgeMode:
    try:
        return SetNudgeMode(NudgeMode(value.strip().casefold()))
    except ValueError:
        raise _Unreadable(f"Nudges can be digest, instant or off, not {_quote(value)}.") from None


def _set_workdays(value: str) -> SetWorkdays:
    text = re.sub(r"\s*[-–]\s*", "-", value.strip().casefold())
    if text == "weekdays":
        text = "mon-fri"
    days: set[int] = set()
    for part in filter(None, re.split(r"[\s,;]+", text)):
        first, _, last = part.partition("-")
        start, end = _WEEKDAY_WORDS.get(first), _WEEKDAY_WORDS.get(last or first)
        if start is None or end is None:
            raise _Unreadable(
                f"I couldn't read {_quote(part)} as days; write them like `mon-fri` or "
                "`mon,tue,thu`."
            )
        days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    if not days:
        raise _Unreadable("Which days? Write them like `mon-fri` or `mon,tue,thu`.")
    return SetWorkdays(frozenset(days))


def _set_hours(value: str) -> SetHours:
    found = re.fullmatch(r"(.+?)\s*(?:-|–|to|until)\s*(.+)", value.strip(), re.IGNORECASE)
    if found is None:
        raise _Unreadable(f"I couldn't read {_quote(value)} as hours; write `08:00-18:00`.")
    start, end = _clock_time(found[1]), _clock_time(found[2])
    if end <= start:
        raise _Unreadable(f"The end of the day must come after its start ({_quote(value)}).")
    return SetHours(start, end)


def _set_dayfirst(value: str) -> SetDayFirst:
    enabled = _SWITCH.get(value.strip().casefold())
    if enabled is None:
        raise _Unreadable(f"Day-first can be on or off, not {_quote(value)}.")
    return SetDayFirst(enabled)


def _set_escalation(value: str) -> SetEscalationChannel:
    found = _CHANNEL.fullmatch(value.strip())
    if found is None:
        raise _Unreadable(
            f"I can't tell which channel {_quote(value)} is: type # and pick the channel "
            "from Slack's list."
        )
    return SetEscalationChannel(found[1])


def _set_ladder(value: str) -> SetRenewalLadder:
    days: set[int] = set()
    for part in filter(None, re.split(r"[\s,;]+", value.strip())):
        number = _small_int(part)
        if number is None or not 1 <= number <= _MAX_LADDER_DAYS:
            raise _Unreadable(
                f"Ladder steps are days from 1 to {_MAX_LADDER_DAYS}, not {_quote(part)}."
            )
        days.add(number)
    if not days:
        raise _Unreadable("Which days before the renewal? Like `90,60,30,14,7,1`.")
    return SetRenewalLadder(tuple(sorted(days, reverse=True)))


_SettingParser = Callable[[str], Command]
_USER_SETTINGS: Mapping[str, tuple[str, _SettingParser]] = {
    "timezone": ("settings timezone", _set_timezone),
    "time zone": ("settings timezone", _set_timezone),
    "tz": ("settings timezone", _set_timezone),
    "digest": ("settings digest", _set_digest),
    "nudges": ("settings nudges", _set_nudges),
    "nudge": ("settings nudges", _set_nudges),
    "workdays": ("settings workdays", _set_workdays),
    "hours": ("settings hours", _set_hours),
}
_WORKSPACE_SETTINGS: Mapping[str, tuple[str, _SettingParser]] = {
    "dayfirst": ("settings workspace dayfirst", _set_dayfirst),
    "day-first": ("settings workspace dayfirst", _set_dayfirst),
    "escalation": ("settings workspace escalation", _set_escalation),
    "ladder": ("settings workspace ladder", _set_ladder),
}


def _setting(text: str, table: Mapping[str, tuple[str, _SettingParser]], usage: str) -> Command:
    found = re.match(r"(time\s+zone|\S+)\s*", text, re.IGNORECASE)
    word = _collapse(found[1]).casefold() if found else ""
    entry = table.get(word)
    if entry is None:
        close = difflib.get_close_matches(word, list(table), n=1)
        guess = f" Did you mean `{close[0]}`?" if close else ""
        raise _Unreadable(f"There is no setting {_quote(word)}.{guess}", usage=usage)
    key, parse = entry
    value = text[found.end() :] if found else ""
    if not value.strip():
        raise _Unreadable(f"Set {word} to what?", usage=key)
    try:
        return parse(value)
    except _Unreadable as unreadable:
        raise _Unreadable(unreadable.message, usage=key) from None


def _parse_settings(rest: str, context: ParseContext) -> Command:
    text = rest.strip()
    if not text:
        return ShowSettings()
    workspace = re.match(r"workspace(?:\s+|$)", text, re.IGNORECASE)
    if workspace is None:
        return _setting(text, _USER_SETTINGS, "settings")
    if not text[workspace.end() :]:
        return ShowSettings()
    return _setting(text[workspace.end() :], _WORKSPACE_SETTINGS, "settings workspace")


# --- dispatch -----------------------------------------------------------------------------

_Handler = Callable[[str, ParseContext], Command]
_HANDLERS: Mapping[str, _Handler] = {
    "help": _parse_help,
    "add": _parse_add,
    "rename": _parse_rename,
    "archive": _parse_archive,
    "status": _parse_status,
    "tag": _parse_tag,
    "untag": _parse_untag,
    "contract": _parse_contract,
    "log": _parse_log,
    "follow up": _parse_follow_up,
    "done": _parse_done,
    "snooze": _parse_snooze,
    "cancel": _parse_cancel,
    "find": _parse_find,
    "show": _parse_show,
    "history": _parse_history,
    "who owns": _parse_who_owns,
    "assign": _parse_assign,
    "contact": _parse_contact,
    "mine": _parse_mine,
    "overdue": _parse_overdue,
    "due": _parse_due,
    "renewals": _parse_renewals,
    "stale": _parse_stale,
    "renewed": _parse_outcome(renewed=True),
    "churned": _parse_outcome(renewed=False),
    "settings": _parse_settings,
}
# Words people type for the two-word commands, for "did you mean".
_COMMAND_WORDS = {key: key for key in _HANDLERS} | {
    "follow": "follow up",
    "followup": "follow up",
    "who": "who owns",
}


def _split_command(line: str) -> tuple[str, str, str]:
    """The command key, the first word as typed and the text after the command's words."""
    first = _TOKEN.match(line)
    word = first.group() if first is not None else line
    rest = line[len(word) :]
    key = word.casefold()
    if key in ("follow-up", "followup"):
        return "follow up", word, rest
    second = {"follow": "up", "who": "owns"}.get(key)
    if second is not None:
        found = re.match(rf"\s+{second}(?!\S)", rest, re.IGNORECASE)
        if found is not None:
            return f"{key} {second}", word, rest[found.end() :]
    return key, word, rest


def _unknown_command(word: str) -> ParseError:
    close = difflib.get_close_matches(word.casefold(), list(_COMMAND_WORDS), n=1)
    if close:
        key = _COMMAND_WORDS[close[0]]
        usage, example = USAGE[key]
        return ParseError(
            f"I don't understand {_quote(word)}. Did you mean `{key}`?", usage, example
        )
    return ParseError(
        f"I don't understand {_quote(word)}. Say `help` for all commands.",
        _COMMON_COMMANDS,
        USAGE["help"][1],
    )
