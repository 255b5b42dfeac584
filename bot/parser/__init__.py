"""Turn one line of `/crm …` text into a typed command, or a ParseError that says why not.

The grammar is PRODUCT.md's table. ``parse_command`` never raises: whatever the text, the
answer is a command from ``bot.commands`` or a ``ParseError`` that quotes what was not
understood, with the command's usage line and a working example (both from ``USAGE``).

The line is first read back into what the person typed (``slack_text.as_typed``: Slack's
links and entities), then as a question ("what's overdue?"), then as a command; a line that
is only an account's name shows that account.

Nothing is looked up here except the workspace's known account names, which tell where a
name with spaces ends. An account nobody knows is passed on as typed, so that the service
can answer "did you mean …".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping

from bot.commands import Command, Help, ParseError, ShowAccount
from bot.parser import accounts, contacts, contracts, lists, reading, settings, touches
from bot.parser.reading import KnownNames, LookedUpNames, NameSet, ParseContext, Unreadable
from bot.parser.slack_text import as_typed
from bot.parser.usage import COMMON_COMMANDS, USAGE

__all__ = ["USAGE", "KnownNames", "LookedUpNames", "NameSet", "ParseContext", "parse_command"]


def parse_command(text: str, context: ParseContext) -> Command | ParseError:
    """Read one line of `/crm` text; never raises: a command, or a ParseError saying why not."""
    line = _CRM_PREFIX.sub("", as_typed(text), count=1).strip()
    if not line:
        return Help()
    key, word, rest = _split_command(_as_asked(line))
    handler = _HANDLERS.get(key)
    if handler is None:
        return _bare_account(line, context) or _unknown_command(word)
    try:
        return handler(rest, context)
    except Unreadable as unreadable:
        # "Due Diligence Ltd" starts like `due`, but is an account's name.
        bare = _bare_account(line, context)
        if bare is not None:
            return bare
        usage, example = USAGE[unreadable.usage or key]
        retype = line if unreadable.retype else None
        return ParseError(unreadable.message, usage=usage, example=example, retype=retype)


# An optional leading "/crm" (the console passes it) or mention of the bot (an app mention).
_CRM_PREFIX = re.compile(r"^\s*(?:<@[UW][A-Z0-9]+(?:\|[^<>]*)?>\s*)?(?:/crm(?!\S))?", re.IGNORECASE)


# --- dispatch -----------------------------------------------------------------------------

_Handler = Callable[[str, ParseContext], Command]
_HANDLERS: Mapping[str, _Handler] = {
    "help": lists.parse_help,
    "add": accounts.parse_add,
    "rename": accounts.parse_rename,
    "archive": accounts.parse_archive,
    "status": accounts.parse_status,
    "set": accounts.parse_set,
    "tag": accounts.parse_tag,
    "untag": accounts.parse_untag,
    "contract": contracts.parse_contract,
    "log": touches.parse_log,
    "follow up": touches.parse_follow_up,
    "done": touches.parse_done,
    "snooze": touches.parse_snooze,
    "cancel": touches.parse_cancel,
    "reopen": touches.parse_reopen,
    "undo": touches.parse_undo,
    "find": accounts.parse_find,
    "show": accounts.parse_show,
    "history": accounts.parse_history,
    "who owns": accounts.parse_who_owns,
    "assign": accounts.parse_assign,
    "contact": contacts.parse_contact,
    "mine": lists.parse_mine,
    "accounts": lists.parse_accounts,
    "overdue": lists.parse_overdue,
    "due": lists.parse_due,
    "renewals": lists.parse_renewals,
    "notices": lists.parse_notices,
    "stale": lists.parse_stale,
    "report": lists.parse_report,
    "renewed": accounts.parse_outcome(renewed=True),
    "churned": accounts.parse_outcome(renewed=False),
    "watch": accounts.parse_watch,
    "unwatch": accounts.parse_unwatch,
    "settings": settings.parse_settings,
}
# Words people type for the two-word commands, for "did you mean".
_COMMAND_WORDS = {key: key for key in _HANDLERS} | {
    "follow": "follow up",
    "followup": "follow up",
    "who": "who owns",
}


# --- questions and bare names --------------------------------------------------------------

# Lists people ask for as a question: "what's overdue?", "show me my accounts", "renewals?".
_LIST_COMMANDS = frozenset({"mine", "accounts", "overdue", "due", "renewals", "stale", "notices"})
# Those that take whose ("my accounts" is `accounts mine`).
_SCOPED_LISTS = frozenset({"accounts", "overdue", "stale"})
_ASKING = re.compile(
    r"(?:what(?:['’]?s|\s+is|\s+are)|show\s+me|list)\s+(?P<asked>\S.*)", re.IGNORECASE | re.DOTALL
)
_MY_LIST = re.compile(r"my\s+(?P<list>\S+?)(?P<rest>(?:\s.*)?)", re.IGNORECASE | re.DOTALL)
_QUESTION_MARKS = "?!. \t\n"


def _list_key(word: str) -> str | None:
    key = word.casefold().rstrip(_QUESTION_MARKS)
    return key if key in _LIST_COMMANDS and key in _HANDLERS else None


def _as_asked(line: str) -> str:
    """A list asked for as a question, as its command: the asking words ("what's", "what
    is", "show me", "list") and the question mark dropped, "my accounts" as `accounts mine`.
    Any other line is returned as it is; a question mark in a summary stays."""
    asking = _ASKING.fullmatch(line)
    asked = asking["asked"] if asking is not None else line
    mine = _MY_LIST.fullmatch(asked)
    if mine is not None and mine["list"].casefold().rstrip(_QUESTION_MARKS) in _SCOPED_LISTS:
        asked = f"{mine['list']} mine{mine['rest']}"
    first = reading.TOKEN.match(asked)
    key = _list_key(first.group()) if first is not None else None
    if key is None and first is not None and first.group().casefold().rstrip("?") == "help":
        key = "help"
    if key is None:
        return line
    rest = asked[first.end() :] if first is not None else ""
    return f"{key}{rest}".rstrip(_QUESTION_MARKS)


def _bare_account(line: str, context: ParseContext) -> ShowAccount | None:
    """A line that is only an account's name (and maybe a question mark) shows it."""
    name = reading.known_form(line, context)
    return ShowAccount(name) if name is not None else None


def _split_command(line: str) -> tuple[str, str, str]:
    """The command key, the first word as typed and the text after the command's words."""
    first = reading.TOKEN.match(line)
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
            f"I don't understand {reading.quote(word)}. Did you mean `{key}`?", usage, example
        )
    return ParseError(
        f"I don't understand {reading.quote(word)}. Say `help` for all commands.",
        COMMON_COMMANDS,
        USAGE["help"][1],
    )
