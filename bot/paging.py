"""One page of a list: what a reply shows, how many more there are, and where to go on.

Lists are read a page at a time so that no answer grows with the workspace: the repository
fetches at most ``limit`` rows in the list's order (keyset pagination: the next page starts
after the ordering columns of the last row shown, never at an OFFSET that makes the database
walk every row before it) and counts the rest with one COUNT on the same index.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")

KeyPart = datetime | date | int | str


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page starts: the ordering columns of the last row shown."""

    key: tuple[KeyPart, ...]

    def encode(self) -> str:
        """Short text for a button's value ("Show more"), read back by ``decode``."""
        # Characters as they are, not \u escapes: a 200-character name of emoji stays 200
        # characters, within a button value's 2,000.
        parts = [_tagged(part) for part in self.key]
        return json.dumps(parts, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor ``encode`` wrote; ``ValueError`` for anything else."""
        try:
            parts = json.loads(text)
            if not isinstance(parts, list) or not parts:
                raise ValueError("a cursor is a non-empty list")
            return cls(tuple(_untagged(tag, value) for tag, value in parts))
        except (TypeError, ValueError, KeyError) as error:
            raise ValueError(f"not a page cursor: {text[:100]!r}") from error


def _tagged(part: KeyPart) -> tuple[str, str | int]:
    # datetime before date: a datetime is a date too.
    if isinstance(part, datetime):
        return ("t", part.isoformat())
    if isinstance(part, date):
        return ("d", part.isoformat())
    if isinstance(part, int):
        return ("i", part)
    return ("s", part)


_READERS: dict[str, Callable[[object], KeyPart]] = {
    "t": lambda v: datetime.fromisoformat(str(v)),
    "d": lambda v: date.fromisoformat(str(v)),
    "i": lambda v: int(str(v)),
    "s": str,
}


def _untagged(tag: str, value: object) -> KeyPart:
    return _READERS[tag](value)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Up to one page of a list, in its order.

    ``total``: how many items the list has from this page's start on (this page's items
    included), counted by the database; when ``capped``, the count stopped there and the
    list has at least that many (a count that would have to walk a long join is bounded,
    so that the answer costs the same however long the list). ``cursor``: where the next
    page starts, None when this page is the last."""

    items: Sequence[T]
    total: int
    cursor: Cursor | None = None
    capped: bool = False

    @property
    def more(self) -> int:
        """How many items come after this page."""
        return max(self.total - len(self.items), 0)

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with each item converted (the count and cursor stay)."""
        return Page([convert(item) for item in self.items], self.total, self.cursor, self.capped)

    @classmethod
    def of(cls, items: Sequence[T]) -> Page[T]:
        """A whole list as one page (for tests and lists that are short by nature)."""
        return cls(list(items), len(items), None)


@dataclass(frozen=True, slots=True)
class More:
    """What a "Show more" button carries: the list's command, as a line of text the parser
    reads back, and where the next page starts. Any paged list shows more the same way: its
    renderer puts this on the button and ``bot.execute.run_more`` reads the page it names."""

    line: str
    cursor: Cursor

    def encode(self) -> str:
        # An encoded cursor is JSON on one line: the first line break ends the command.
        return f"{self.line}\n{self.cursor.encode()}"

    @classmethod
    def decode(cls, text: str) -> More:
        """The value ``encode`` wrote; ``ValueError`` for anything else (a forged button)."""
        line, separator, cursor = text.partition("\n")
        if not separator or not line.strip():
            raise ValueError(f"not a page request: {text[:100]!r}")
        return cls(line, Cursor.decode(cursor))
