"""Tags as people type them after `tag`, `untag` and `accounts … tag`.

A tag may hold spaces. Typed in a line, such a tag goes in quotes (`tag Acme "key account"
emea`), straight or curly (Slack's clients send “…” with smart quotes on), or the tags are
separated by commas (`tag Acme key account, emea`): when a comma (or ``;``, ``|``, as in a
file) stands between two tags, a tag is everything between two of them; otherwise every
word is a tag of its own (`tag Acme vip emea` is two tags), as it always was.

A quote mark opens a quoted tag only at the start of a word, and the next quote mark (or the
end of the line) closes it; no tag holds one (``validation.clean_tag``), so a tag written back
into a command in quotes (``as_written``) always reads back as itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import MAX_TAG_LENGTH, TAG_QUOTES, TAG_SEPARATORS, name_key
from bot.parser import reading
from bot.parser.reading import Unreadable

_QUOTES = re.escape(TAG_QUOTES)
# A quoted phrase at the start of a word, or a word as ``reading.TOKEN`` reads one (Slack's
# <…> references stay whole).
_PIECE = re.compile(
    rf"(?P<quoted>[{_QUOTES}](?P<inside>[^{_QUOTES}]*)[{_QUOTES}]?)|(?P<word>{reading.TOKEN.pattern})"
)
# A separator outside Slack's <…> references (a mention's <@U1|bob> holds a ``|``).
_SEPARATOR = re.compile(rf"[{re.escape(TAG_SEPARATORS)}](?![^<>]*>)")


@dataclass(frozen=True, slots=True)
class Piece:
    """A word as typed, or the inside of a quoted phrase; where it starts in the text."""

    text: str
    quoted: bool
    start: int


def pieces(text: str) -> list[Piece]:
    """The words and quoted phrases of ``text``, in order."""
    found: list[Piece] = []
    for match in _PIECE.finditer(text):
        if match["quoted"] is not None:
            found.append(Piece(match["inside"], True, match.start()))
        else:
            found.append(Piece(match["word"], False, match.start()))
    return found


def _channel_labels(word: str) -> str:
    """A channel Slack made of a typed `#emea` counts as the tag it was typed as."""
    return reading.CHANNEL.sub(lambda channel: channel[2] or "", word)


def _groups(found: Sequence[Piece]) -> list[str]:
    """The tags as typed: quoted phrases whole; then, when a separator stands between two
    tags, the words between separators; else each word on its own."""
    # Items: a quoted tag, a word, or None for a separator.
    items: list[tuple[str, bool] | None] = []
    for piece in found:
        if piece.quoted:
            items.append((piece.text, True))
            continue
        parts = _SEPARATOR.split(_channel_labels(piece.text))
        for index, part in enumerate(parts):
            if index:
                items.append(None)
            if part:
                items.append((part, False))
    filled = [index for index, item in enumerate(items) if item is not None]
    if not filled:
        return []
    listed = any(
        item is None and filled[0] < index < filled[-1] for index, item in enumerate(items)
    )
    groups: list[str] = []
    words: list[str] = []
    for item in items:
        if item is not None and not item[1] and listed:
            words.append(item[0])
            continue
        if words:
            groups.append(" ".join(words))
            words = []
        if item is not None:
            groups.append(item[0])
    if words:
        groups.append(" ".join(words))
    return groups


def only_words(found: Sequence[Piece]) -> bool:
    """Whether ``found`` is words alone: no quoted tag, no separator."""
    return not any(piece.quoted or _SEPARATOR.search(piece.text) for piece in found)


def read_tags(found: Sequence[Piece]) -> tuple[str, ...]:
    """The tags in ``found``, each once (by ``name_key``, as tags are unique), without a
    leading ``#``, spacing folded; refused when there is none or one is too long."""
    tags: dict[str, str] = {}
    for typed in _groups(found):
        tag = reading.collapse(typed).lstrip("# ")
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise Unreadable(f"A tag can be at most {MAX_TAG_LENGTH} characters.")
        tags.setdefault(name_key(tag), tag)
    if not tags:
        raise Unreadable(
            'Which tag? A tag is a word (`emea`), or words in quotes (`"key account"`).'
        )
    return tuple(tags.values())


def filter_tag(piece: Piece) -> str:
    """The one tag a list is filtered by (`accounts tag "key account"`), as ``read_tags``
    reads it but never parted: a tag kept before separators were refused is still found."""
    text = piece.text if piece.quoted else _channel_labels(piece.text)
    return reading.collapse(text).lstrip("# ")


def as_written(tag: str) -> str:
    """``tag`` as a command writes it, to read back as this one tag: in quotes when it has
    spaces or a separator. (A tag kept before quote marks were refused has no spaces: it
    is written as it is.)"""
    if any(mark in tag for mark in TAG_QUOTES):
        return tag
    return tag if _groups(pieces(tag)) == [tag] else f'"{tag}"'
