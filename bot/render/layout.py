"""Fitting lists into Slack's block budget: every part keeps its title, items are taken in
turn from each part while they fit, and a cut part ends with "…and N more" — counting both
what did not fit and what was never read (a page of a longer list), with how to narrow it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.render.blocks import Block, context, divider, header, section, unique_block_ids
from bot.render.text import more_line, pack_lines, to_plain

FALLBACK_TEXT = 3000


@dataclass(frozen=True, slots=True)
class Item:
    """One thing in a list: a line of mrkdwn (also the fallback text) and its blocks."""

    line: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Part:
    """A titled list. ``title`` is mrkdwn, or plain text shown as a header when ``as_header``."""

    title: str | None
    items: Sequence[Item]
    empty: str
    as_header: bool = False
    divider_before: bool = False
    count_in_title: bool = True
    more: int = 0  # items after these, not read (the list was read a page at a time)
    more_at_least: bool = False  # the list was counted only so far: there may be more
    narrow: str | None = None  # how to ask for fewer, said when some are not shown

    @property
    def total(self) -> int:
        return len(self.items) + self.more

    def shown_title(self) -> str | None:
        if self.title is not None and self.count_in_title and self.items:
            return f"{self.title} ({self.total}{'+' if self.more_at_least else ''})"
        return self.title

    def more_context(self, hidden: int) -> Block:
        """ "…and N more", and how to narrow the list."""
        line = more_line(hidden, at_least=self.more_at_least)
        return context(line, self.narrow) if self.narrow else context(line)

    def head(self) -> list[Block]:
        blocks: list[Block] = [divider()] if self.divider_before else []
        title = self.shown_title()
        if title is not None:
            blocks.append(header(title) if self.as_header else section(title))
        return blocks


def fit(parts: Sequence[Part], budget: int) -> list[Block]:
    """The parts' blocks within ``budget`` blocks, items taken in turn from each part."""
    heads = [p.head() for p in parts]
    fixed = sum(len(h) for h in heads)
    fixed += sum(1 for p in parts)  # the empty line, or room for "…and N more"
    room = budget - fixed
    taken = [0] * len(parts)
    open_parts = [i for i, p in enumerate(parts) if p.items]
    while open_parts:
        still_open = []
        for i in open_parts:
            item = parts[i].items[taken[i]]
            if len(item.blocks) > room:
                continue  # this part is cut here; the others may still have small items
            room -= len(item.blocks)
            taken[i] += 1
            if taken[i] < len(parts[i].items):
                still_open.append(i)
        open_parts = still_open
    blocks: list[Block] = []
    for part, head, count in zip(parts, heads, taken, strict=True):
        blocks.extend(head)
        if not part.items:
            blocks.append(section(part.empty))
            continue
        for item in part.items[:count]:
            blocks.extend(item.blocks)
        hidden = len(part.items) - count + part.more
        if hidden:
            blocks.append(part.more_context(hidden))
    return unique_block_ids(blocks)


def fallback_text(lead: str | None, parts: Sequence[Part]) -> str:
    """The message as short lines of text: the lead, then each part's title and items."""
    lines = [lead] if lead else []
    for part in parts:
        title = part.shown_title()
        if title is not None:
            lines.append(title)
        lines.extend([item.line for item in part.items] or [part.empty])
        if part.more:
            more = more_line(part.more, at_least=part.more_at_least)
            lines.append(more + (f" — {part.narrow}" if part.narrow else ""))
    return pack_lines([to_plain(line) for line in lines], FALLBACK_TEXT)
