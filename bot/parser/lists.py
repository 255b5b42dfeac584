"""Lists and help: accounts, overdue, stale, due, renewals, notices, mine, help."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.commands import (
    Due,
    Help,
    ListAccounts,
    Mine,
    Notices,
    Overdue,
    Renewals,
    Scope,
    ShowTeamReport,
    Stale,
)
from bot.domain import (
    MAX_NOTICE_DAYS,
    MAX_TAG_LENGTH,
    MAX_TIER_LENGTH,
    AccountKind,
    RenewalPeriod,
)
from bot.parser import reading, tags
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


# A kind as people say it in a list: `supplier` or `suppliers`.
_KINDS = {kind.value: kind for kind in AccountKind} | {
    f"{kind.value}s": kind for kind in AccountKind
}
_SCOPE_WORDS = {"me": Scope.MINE, "mine": Scope.MINE, "my": Scope.MINE, "all": Scope.ALL}
_SCOPE_WORDS |= {"everyone": Scope.ALL, "team": Scope.ALL}
_ACCOUNTS_FILTERS = (
    "a kind (customer, supplier, …), `tier <t>`, `tag <t>`, `at risk` or `by health`"
)


def parse_accounts(rest: str, context: ParseContext) -> ListAccounts:
    """Filters in any order, each at most once: whose, a kind, a tier, a tag, at risk, and the
    order `by health`. A tag with spaces goes in quotes: `accounts tag "key account"`."""
    found = tags.pieces(rest)
    words = [piece.text for piece in found]
    command = ListAccounts()
    seen: set[str] = set()

    def once(what: str, word: str) -> None:
        if what in seen:
            raise Unreadable(f"{reading.quote(word)}: the list already has {what}.")
        seen.add(what)

    tag_end = -1  # where the words after an unquoted tag start
    i = 0
    while i < len(words):
        word = words[i]
        folded = word.casefold() if not found[i].quoted else ""
        i += 1
        if folded in _SCOPE_WORDS or (folded and word.startswith(("<@", "@"))):
            once("whose accounts", word)
            user = reading.user_id(word)  # a plain @name is refused: pick the person
            if user is None and folded not in _SCOPE_WORDS:
                raise Unreadable(reading.pick_person(word))
            scope = Scope.USER if user is not None else _SCOPE_WORDS[folded]
            command = replace(command, scope=scope, user_id=user)
        elif folded in _KINDS:
            once("a kind", word)
            command = replace(command, kind=_KINDS[folded])
        elif folded in ("tier", "tag"):
            once(f"a {folded}", word)
            if i >= len(words):
                raise Unreadable(f"Which {folded}? For example `accounts {folded} gold`.")
            value = words[i] if folded == "tier" else tags.filter_tag(found[i])
            i += 1
            limit = MAX_TIER_LENGTH if folded == "tier" else MAX_TAG_LENGTH
            if len(value) > limit:
                raise Unreadable(f"A {folded} can be at most {limit} characters.")
            if not value:
                raise Unreadable(f"Which {folded}? For example `accounts {folded} gold`.")
            if folded == "tier":
                command = replace(command, tier=value)
            else:
                command = replace(command, tag=value)
                tag_end = -1 if found[i - 1].quoted else i
        elif folded in ("at-risk", "at_risk"):
            once("at risk", word)
            command = replace(command, at_risk=True)
        elif folded == "at" and i < len(words) and words[i].casefold() == "risk":
            once("at risk", word)
            i += 1  # "risk"
            command = replace(command, at_risk=True)
        elif folded == "by" and i < len(words) and words[i].casefold() == "health":
            once("an order", word)
            i += 1  # "health"
            command = replace(command, by_health=True)
        elif folded == "by-health":
            once("an order", word)
            command = replace(command, by_health=True)
        elif i - 1 == tag_end:
            # `accounts tag key account`: the tag's second word, as likely as not.
            raise Unreadable(
                f"I don't understand {reading.quote(word)} in a list of accounts. A tag with "
                f'spaces goes in quotes: `accounts tag "{command.tag} {word}"`.'
            )
        else:
            raise Unreadable(
                f"I don't understand {reading.quote(word)} in a list of accounts: "
                f"say {_ACCOUNTS_FILTERS}."
            )
    return command


def accounts_line(command: ListAccounts) -> str:
    """The `accounts …` line that ``parse_accounts`` reads back as ``command`` (a "Show more"
    button carries it, so that the next page is read with the same filters). It is written
    as Slack sends a line, a typed tier or tag escaped, since every line is read that way,
    and ends with whose list it is: a tier typed as "gold?" must not end it, where it would
    read as a question."""
    words = ["accounts"]
    if command.kind is not None:
        words.append(command.kind.value)
    if command.tier is not None:
        words += ["tier", _as_sent(command.tier)]
    if command.tag is not None:
        words += ["tag", _as_sent(tags.as_written(command.tag))]
    if command.at_risk:
        words += ["at", "risk"]
    if command.by_health:
        words += ["by", "health"]
    if command.scope is Scope.ALL:
        words.append("all")
    elif command.scope is Scope.USER and command.user_id:
        words.append(f"<@{command.user_id}>")
    else:
        words.append("mine")
    return " ".join(words)


def _as_sent(typed: str) -> str:
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


_PERIODS = {
    "this month": RenewalPeriod.THIS_MONTH,
    "month": RenewalPeriod.THIS_MONTH,
    "this quarter": RenewalPeriod.THIS_QUARTER,
    "quarter": RenewalPeriod.THIS_QUARTER,
    "next quarter": RenewalPeriod.NEXT_QUARTER,
}


def _within_days(text: str) -> int | None:
    """`in 30 days`, `next 2 weeks`, `3 months` (30 days each) as days; None for anything else
    or a count out of range."""
    found = re.fullmatch(r"(?:in |next |within )?([0-9]+) (days?|weeks?|months?)", text)
    if found is None:
        return None
    count = reading.small_int(found[1])
    days = None if count is None else count * reading.CADENCE_UNITS[found[2]]
    return days if days is not None and 1 <= days <= MAX_NOTICE_DAYS else None


def parse_renewals(rest: str, context: ParseContext) -> Renewals:
    text = reading.collapse(rest).casefold()
    if not text:
        return Renewals()
    if text in _PERIODS:
        return Renewals(period=_PERIODS[text])
    days = _within_days(text)
    if days is None:
        raise Unreadable(
            f"I couldn't read {reading.quote(rest)}: say `in 30 days` (1 to {MAX_NOTICE_DAYS}), "
            "`this month`, `this quarter` or `next quarter`."
        )
    return Renewals(within_days=days)


def parse_notices(rest: str, context: ParseContext) -> Notices:
    text = reading.collapse(rest).casefold()
    if not text:
        return Notices()
    days = _within_days(text)
    if days is None:
        raise Unreadable(
            f"I couldn't read {reading.quote(rest)}: say `in 30 days` (1 to {MAX_NOTICE_DAYS})."
        )
    return Notices(within_days=days)


def renewals_line(command: Renewals | Notices) -> str:
    """The line that ``parse_renewals`` (or ``parse_notices``) reads back as ``command``, for
    its "Show more" button."""
    word = "renewals" if isinstance(command, Renewals) else "notices"
    if isinstance(command, Renewals) and command.period is not None:
        return f"{word} {command.period.value}"
    if command.within_days is not None:
        return f"{word} in {command.within_days} days"
    return word


def parse_report(rest: str, context: ParseContext) -> ShowTeamReport:
    if rest.strip():
        raise Unreadable(f"`report` takes nothing after it, not {reading.quote(rest)}.")
    return ShowTeamReport()


def parse_mine(rest: str, context: ParseContext) -> Mine:
    if rest.strip():
        raise Unreadable(f"`mine` takes nothing after it, not {reading.quote(rest)}.")
    return Mine()


def parse_help(rest: str, context: ParseContext) -> Help:
    topic = reading.collapse(rest).casefold().removeprefix("/crm ")
    topic = re.sub(r"^follow[- ]?up\b", "follow up", topic)
    return Help(topic or None)
