"""Refusals and errors: ephemeral, friendly, never a stack trace."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.choices import AccountChoice
from bot.commands import ParseError
from bot.errors import AmbiguousAccount, RapportError
from bot.render import ids
from bot.render.blocks import (
    BUTTON_VALUE,
    SECTION_TEXT,
    Block,
    actions,
    button,
    context,
    section,
)
from bot.render.reply import Reply
from bot.render.text import clip, escape, to_plain

UNEXPECTED = "Something went wrong on our side; nothing was saved. It has been logged."
FALLBACK_TEXT = 3000

# A refusal's message is one string mixing what the user typed, which the services quote
# (“<!channel>” or `assign <!channel> …`), with users they name on purpose ("Only <@U02BOB>
# can reassign …"). Everything is escaped; then user mentions outside quotes and code spans,
# and only those, become mentions again.
_ESCAPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]{2,30})&gt;")
_QUOTED = re.compile(r"(“[^”]*”|`[^`]*`)")


def with_mentions(text: str) -> str:
    """A refusal's text escaped, with the users it names on purpose still mentioned."""
    pieces = _QUOTED.split(escape(text))
    # re.split with one group: the quoted spans are at the odd indexes.
    return "".join(
        piece if i % 2 else _ESCAPED_MENTION.sub(r"<@\1>", piece) for i, piece in enumerate(pieces)
    )


def _reply(icon: str, lines: list[str], after: tuple[str, ...] = ()) -> Reply:
    blocks: list[Block] = [section(f"{icon} {lines[0]}")]
    if len(lines) > 1:
        blocks.append(context(*lines[1:]))
    blocks.extend(section(text) for text in after)
    text = clip(to_plain("\n".join((*lines, *after))), FALLBACK_TEXT)
    return Reply(text=text, blocks=blocks, ephemeral=True)


RETYPE_LEAD = "Your line, to copy, correct and send again:"
_FENCE = "```"


def retype_sections(line: str) -> tuple[str, ...]:
    """The refused line as code blocks, to copy whole: a log line may hold 10,000 characters
    and a section 3,000, so a long one takes several, cut between characters, never inside
    an escaped ``&…;``."""
    room = SECTION_TEXT - 2 * len(_FENCE) - len(RETYPE_LEAD) - 1
    pieces: list[str] = []
    piece = ""
    for char in f"/crm {line}":
        shown = escape(char)
        if len(piece) + len(shown) > room:
            pieces.append(piece)
            piece = ""
        piece += shown
    pieces.append(piece)
    blocks = [f"{_FENCE}{piece}{_FENCE}" for piece in pieces]
    return (f"{RETYPE_LEAD}\n{blocks[0]}", *blocks[1:])


def render_parse_error(error: ParseError) -> Reply:
    """What was not understood, the command's usage and a working example; for a line refused
    for one part of it (a follow-up's date), the line itself, ready to copy and correct."""
    lines = [escape(error.message)]
    if error.usage:
        lines.append(f"Usage: `{escape(error.usage)}`")
    if error.example:
        lines.append(f"Example: `/crm {escape(error.example)}`")
    if len(lines) == 1:
        lines.append("Type `/crm help` for everything I understand.")
    after = retype_sections(error.retype) if error.retype else ()
    return _reply(":thinking_face:", lines, after)


def render_refusal(error: RapportError) -> Reply:
    """A service's refusal: its message, and its hint (an example or what to do instead)."""
    if isinstance(error, AmbiguousAccount):
        return render_choices(error)
    lines = [with_mentions(error.message)]
    if error.hint:
        lines.append(with_mentions(error.hint))
    return _reply(":warning:", lines)


def render_choices(error: AmbiguousAccount) -> Reply:
    """The accounts that fit a name, each a button that runs the same line for it; without
    the line (or with one too long for a button's value), the names to type instead."""
    names = [escape(name) for _account_id, name in error.choices]
    listed = ", ".join(f"*{name}*" for name in names) + (", and more" if error.more else "")
    values = [
        AccountChoice(account_id, error.line).encode() if error.line is not None else ""
        for account_id, _name in error.choices
    ]
    clickable = all(0 < len(value) <= BUTTON_VALUE for value in values)
    hint = error.hint if clickable else "Type the line again with the account's full name."
    if error.more:
        hint = f"{hint} Not among these? Type more of the name."
    reply = _reply(":thinking_face:", [with_mentions(error.message), f"{listed}. {hint}"])
    if not clickable:
        return reply
    buttons = [
        button(name, f"{ids.CHOOSE_ACCOUNT_PREFIX}{place}", value)
        for place, ((_account_id, name), value) in enumerate(
            zip(error.choices, values, strict=True), start=1
        )
    ]
    return replace(reply, blocks=[*reply.blocks, actions(ids.CHOOSE_ACCOUNT_BLOCK, buttons)])


def render_unexpected() -> Reply:
    return _reply(":boom:", [UNEXPECTED])
