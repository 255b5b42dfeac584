"""Account commands: add, rename, archive, status, tag, untag, show, who owns, assign,
history, find, renewed and churned, watch and unwatch."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.commands import (
    AddAccount,
    ArchiveAccount,
    AssignAccount,
    FindAccounts,
    History,
    RecordOutcome,
    RenameAccount,
    SetAccountField,
    SetStatus,
    ShowAccount,
    TagAccount,
    UntagAccount,
    UnwatchAccount,
    WatchAccount,
    WhoOwns,
)
from bot.domain import (
    MAX_CADENCE_DAYS,
    MAX_NAME_LENGTH,
    MAX_TIER_LENGTH,
    TAG_QUOTES,
    AccountKind,
    AccountStatus,
)
from bot.parser import reading, tags
from bot.parser.reading import ParseContext, Unreadable

_ACCOUNT_KINDS = {kind.value: kind for kind in AccountKind}
_ADD_KEYWORDS = frozenset({"as", "owner", "tier", "every"})


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
            problem = problem or f"{reading.quote(keyword)} is given twice."
        seen.add(keyword)
        value = words[i + 1]
        i += 2
        if keyword == "as":
            if value.casefold() in ("a", "an") and i < len(words):  # "as a partner"
                value = words[i]
                i += 1
            kind = _ACCOUNT_KINDS.get(value.casefold())
            if kind is None:
                problem = problem or reading.unknown_kind(value, list(_ACCOUNT_KINDS))
            else:
                options = replace(options, kind=kind)
        elif keyword == "owner":
            user = reading.USER.fullmatch(value)
            if user is not None:
                options = replace(options, owner_id=user[1])
            elif value.startswith("@"):
                problem = problem or reading.pick_person(value)
            elif value.casefold() != "me":
                return None
        elif keyword == "tier":
            if len(value) > MAX_TIER_LENGTH:
                problem = problem or f"A tier can be at most {MAX_TIER_LENGTH} characters."
            options = replace(options, tier=value)
        else:  # every [N] days|weeks|months
            # every other week
            count = 2 if value.casefold() == "other" else reading.small_int(value)
            unit = words[i].casefold() if i < len(words) else ""
            if count is not None and unit in reading.CADENCE_UNITS:
                i += 1
            elif count is None and value.casefold() in reading.CADENCE_UNITS:
                count, unit = 1, value.casefold()  # "every week"
            elif count is not None and (not unit or unit in _ADD_KEYWORDS):
                problem = (
                    problem or f"Every {count} what? Say `every {count} days`, weeks or months."
                )
                continue
            else:
                return None
            days = count * reading.CADENCE_UNITS[unit]
            if not 1 <= days <= MAX_CADENCE_DAYS:
                problem = problem or (
                    f"A cadence must be between 1 and {MAX_CADENCE_DAYS} days (this is {days})."
                )
            options = replace(options, cadence_days=days)
    return options, problem


def _option_words(text: str) -> list[str]:
    """The words of `add` options, without the marks a sentence puts between them:
    "as supplier, tier low" reads as "as supplier tier low"."""
    return [word.rstrip(reading.TRAILING_MARKS) or word for word in reading.TOKEN.findall(text)]


_QUOTED_NAME = re.compile(r"\s*[\"“”](?P<name>[^\"“”]*)[\"“”](?P<options>.*)", re.DOTALL)


def parse_add(rest: str, context: ParseContext) -> AddAccount:
    # The name ends at the first option keyword from which the rest of the line reads as
    # options, so "add Tier One Logistics" is a name and "add Acme tier gold" has a tier, and
    # "add Acme as custmer tier gold" is refused rather than named "Acme as custmer". A name
    # that holds such words goes in quotes: add "Sold as Seen" tier gold.
    quoted = _QUOTED_NAME.fullmatch(rest)
    if quoted is not None:
        words = _option_words(quoted["options"])
        read = _read_add_options(words) if words else (AddAccount(name=""), None)
        if read is None:
            raise Unreadable(
                f"I don't understand {reading.quote(quoted['options'])} after the name."
            )
        options, problem = read
        if problem is not None:
            raise Unreadable(problem)
        return replace(options, name=reading.new_name(quoted["name"]))
    tokens = list(reading.TOKEN.finditer(rest))
    words = [token.group().rstrip(reading.TRAILING_MARKS) or token.group() for token in tokens]
    for i, word in enumerate(words):
        read = _read_add_options(words[i:]) if word.casefold() in _ADD_KEYWORDS else None
        if read is None:
            continue
        options, problem = read
        if problem is not None:
            raise Unreadable(problem)
        name_end = tokens[i - 1].end() if i else 0
        # "add Ricoh, as supplier": the comma parts the name from its options.
        return replace(options, name=reading.new_name(rest[:name_end].rstrip(",;:")))
    return AddAccount(name=reading.new_name(rest))


def parse_rename(rest: str, context: ParseContext) -> RenameAccount:
    for name, after in reading.known_prefixes(rest, context.account_keys):
        to = re.match(r"\s+to\s+", after, re.IGNORECASE)
        if to is not None:
            return RenameAccount(name, reading.new_name(after[to.end() :], "The new name"))
    to = re.search(r"\s+to\s+", rest.strip(), re.IGNORECASE)
    if to is None:
        raise Unreadable(f"Rename to what? I need “to <new name>” in {reading.quote(rest)}.")
    stripped = rest.strip()
    return RenameAccount(
        reading.unknown_account(stripped[: to.start()]),
        reading.new_name(stripped[to.end() :], "The new name"),
    )


def parse_archive(rest: str, context: ParseContext) -> ArchiveAccount:
    return ArchiveAccount(reading.account_at_end(rest, context))


_STATUS_WORDS = {
    "active": AccountStatus.ACTIVE,
    "at risk": AccountStatus.AT_RISK,
    "churned": AccountStatus.CHURNED,
}
_STATUS_AT_END = re.compile(
    r"(?P<account>.*?)\s+(?P<status>active|at[\s_-]+risk|churned|archived)\s*", re.I | re.S
)


def parse_status(rest: str, context: ParseContext) -> SetStatus:
    found = _STATUS_AT_END.fullmatch(rest.strip())
    if found is None:
        raise Unreadable(
            f"Which status? End {reading.quote(rest)} with active, at risk or churned."
        )
    account = reading.account_at_end(found["account"], context)
    word = " ".join(re.split(r"[\s_-]+", found["status"].casefold()))
    if word == "archived":
        raise Unreadable(f"To archive an account, say `archive {account}`.", usage="archive")
    return SetStatus(account, _STATUS_WORDS[word])


_SET_FIELD = re.compile(r"\s+(?P<field>tier|kind|every|status)\s+(?P<value>\S.*?)\s*", re.I | re.S)
_SET_WORD = re.compile(r"\s+(?:tier|kind|every|status)\s", re.I)
_SET_USAGE = "Say what to set: `tier <t>`, `kind <kind>`, `every <N> days` or `status active`."


def parse_set(rest: str, context: ParseContext) -> SetAccountField | SetStatus:
    """`set <account> tier <t>` · `kind <kind>` · `every <N> days|weeks|months` ·
    `status active|at risk|churned`. Where the name ends: the longest known name after which
    the rest reads, else before the last of those words after which it reads ("set Acme
    Tier Holdings tier gold"). When none reads, the first reason why not is the answer."""
    readings = [
        (name, found)
        for name, after in reading.known_prefixes(rest, context.account_keys)
        if (found := _SET_FIELD.fullmatch(after)) is not None
    ]
    text = rest.rstrip()
    for word in reversed(list(_SET_WORD.finditer(text))):
        found = _SET_FIELD.fullmatch(text, word.start())
        if found is not None and text[: word.start()].strip():
            readings.append((reading.account(text[: word.start()]), found))
    refusal: Unreadable | None = None
    for name, found in readings:
        try:
            return _set_field(name, found["field"].casefold(), found["value"])
        except Unreadable as unreadable:
            refusal = refusal or unreadable
    raise refusal or Unreadable(f"I don't understand {reading.quote(rest)}. {_SET_USAGE}")


def _set_field(account: str, field: str, value: str) -> SetAccountField | SetStatus:
    words = reading.TOKEN.findall(value)
    if field == "tier":
        if len(words) != 1:
            raise Unreadable(f"A tier is one word, not {reading.quote(value)}.")
        if len(words[0]) > MAX_TIER_LENGTH:
            raise Unreadable(f"A tier can be at most {MAX_TIER_LENGTH} characters.")
        return SetAccountField(account, tier=words[0])
    if field == "kind":
        kind = _ACCOUNT_KINDS.get(value.strip().casefold().removesuffix("s")) or (
            _ACCOUNT_KINDS.get(value.strip().casefold())
        )
        if kind is None:
            raise Unreadable(reading.unknown_kind(value.strip(), list(_ACCOUNT_KINDS)))
        return SetAccountField(account, kind=kind)
    if field == "every":
        return SetAccountField(account, cadence_days=cadence_days(words, value))
    word = " ".join(re.split(r"[\s_-]+", value.strip().casefold()))
    if word == "archived":
        raise Unreadable(f"To archive an account, say `archive {account}`.", usage="archive")
    if word not in _STATUS_WORDS:
        raise Unreadable(f"Which status? {reading.quote(value)} is not active, at risk or churned.")
    return SetStatus(account, _STATUS_WORDS[word])


def cadence_days(words: Sequence[str], typed: str) -> int:
    """`2 weeks`, `week`, `other week`, `30 days` as a number of days."""
    folded = [w.casefold() for w in words]
    count: int | None
    if len(folded) == 1 and folded[0] in reading.CADENCE_UNITS:
        count, unit = 1, folded[0]
    elif len(folded) == 2 and folded[1] in reading.CADENCE_UNITS:
        count = 2 if folded[0] == "other" else reading.small_int(folded[0])
        unit = folded[1]
    else:
        count, unit = None, ""
    if count is None:
        raise Unreadable(
            f"I can't read {reading.quote(typed)} as a cadence: say `every 2 weeks`, "
            "`every 30 days` or `every month`."
        )
    days = count * reading.CADENCE_UNITS[unit]
    if not 1 <= days <= MAX_CADENCE_DAYS:
        raise Unreadable(
            f"A cadence must be between 1 and {MAX_CADENCE_DAYS} days (this is {days})."
        )
    return days


def _account_then_tags(rest: str, context: ParseContext) -> tuple[str, list[tags.Piece]]:
    """`<account> <tag> …`: the longest known name and the words and quoted tags after it;
    else, when a tag is quoted, the words before the first quoted tag; else all but the last
    word (a short name such as `acme` is resolved later, as every typed name is)."""
    known = reading.known_prefixes(rest, context.account_keys)
    if known:
        name, after = known[0]
        found = tags.pieces(after)
        if not found:
            raise Unreadable(f"Which tag? Put it after {reading.quote(name)}.")
        return name, found
    found = tags.pieces(rest)
    if len(found) < 2:
        raise Unreadable(f"I need an account and a tag in {reading.quote(rest)}.")
    # A quoted tag marks where the tags begin: `tag acme "key account" emea`.
    first_quoted = next((i for i, piece in enumerate(found) if piece.quoted and i > 0), None)
    if first_quoted is not None:
        return reading.unknown_account(rest[: found[first_quoted].start]), found[first_quoted:]
    return reading.unknown_account(rest[: found[-1].start]), [found[-1]]


def parse_tag(rest: str, context: ParseContext) -> TagAccount:
    account, found = _account_then_tags(rest, context)
    return TagAccount(account, tags.read_tags(found))


def parse_untag(rest: str, context: ParseContext) -> UntagAccount:
    account, found = _account_then_tags(rest, context)
    typed = tags.read_tags(found)
    if len(typed) > 1:
        spaced = " ".join(typed) if tags.only_words(found) else "key account"
        raise Unreadable(
            "One tag at a time, please: `untag <account> <tag>`; a tag with spaces goes in "
            f'quotes: `untag {account} "{spaced}"`.'
        )
    return UntagAccount(account, typed[0])


def parse_show(rest: str, context: ParseContext) -> ShowAccount:
    return ShowAccount(reading.account_at_end(rest, context))


def parse_who_owns(rest: str, context: ParseContext) -> WhoOwns:
    return WhoOwns(reading.account_at_end(rest, context))


def parse_assign(rest: str, context: ParseContext) -> AssignAccount:
    tokens = list(reading.TOKEN.finditer(rest))
    user_id = reading.user_id(tokens[-1].group()) if tokens else None
    if user_id is None:
        raise Unreadable(
            f"Assign {reading.quote(rest)} to whom? End with an @mention of the new owner."
        )
    typed = rest[: tokens[-1].start()]
    known = reading.known_form(typed, context)
    if known is not None:
        return AssignAccount(known, user_id)
    account = re.sub(r"\s+to$", "", typed.strip(), flags=re.IGNORECASE)  # "assign Acme to @bob"
    return AssignAccount(reading.unknown_account(account), user_id)


def parse_history(rest: str, context: ParseContext) -> History:
    # "history Studio 54" is an account when one is called that; else the number is a limit.
    text = reading.collapse(rest)
    account, _, last = reading.without_marks(text).rpartition(" ")
    counted = bool(account) and re.fullmatch(r"[0-9]+", last) is not None
    known = reading.known_form(text, context) if text else None
    if known is not None:
        return History(known)
    if counted:
        limit = reading.small_int(last)
        if limit is None or not 1 <= limit <= 100:
            raise Unreadable(f"History shows 1 to 100 interactions, not {reading.quote(last)}.")
        return History(reading.account_at_end(account, context), limit)
    return History(reading.unknown_account(text))


def parse_find(rest: str, context: ParseContext) -> FindAccounts:
    words = rest.split()
    include_archived = False
    if len(words) > 1 and words[-1].casefold() == "archived":
        words, include_archived = words[:-1], True
    elif len(words) > 1 and words[0].casefold() == "archived":
        words, include_archived = words[1:], True
    if not words:
        raise Unreadable("Find what? Give part of a name, a tag or a contact.")
    query = reading.without_marks(" ".join(words)) or " ".join(words)  # "find acme?"
    query = query.strip(TAG_QUOTES).strip() or query  # find "key account"
    if len(query) > MAX_NAME_LENGTH:
        raise Unreadable(f"{reading.quote(query)} is longer than anything I could find.")
    return FindAccounts(query, include_archived)


def parse_outcome(renewed: bool) -> Callable[[str, ParseContext], RecordOutcome]:
    def parse(rest: str, context: ParseContext) -> RecordOutcome:
        return RecordOutcome(reading.account_at_end(rest, context), renewed=renewed)

    return parse


def parse_watch(rest: str, context: ParseContext) -> WatchAccount:
    return WatchAccount(reading.account_at_end(rest, context))


def parse_unwatch(rest: str, context: ParseContext) -> UnwatchAccount:
    return UnwatchAccount(reading.account_at_end(rest, context))
