"""Block Kit as terminal text: what a person would read in Slack, without the pixels.

Pure: blocks (and the workspace's user names) in, text and the numbered buttons out. The
console prints the text and lets ``:click N`` press button N.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.render.text import unescape

RULE = "─" * 40
INDENT = "  "

# The shortcodes the bot writes, as a terminal can show them; others stay as typed.
EMOJI = {
    "boom": "💥",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "red_circle": "🔴",
    "relaxed": "☺️",
    "sparkles": "✨",
    "tada": "🎉",
    "thinking_face": "🤔",
    "warning": "⚠️",
    "white_check_mark": "✅",
    "wave": "👋",
}

_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
_TOKEN = re.compile(r"<([^<>\n]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")
_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")


@dataclass(frozen=True, slots=True)
class Button:
    """A button as shown ("[2] Snooze 1 day") and what pressing it sends."""

    number: int
    label: str
    action_id: str
    value: str
    block_id: str
    confirm: str | None = None  # Slack asks "are you sure?" first: title and text


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True)
class Style:
    """Bold and dim as ANSI escapes on a terminal, as nothing elsewhere (pipes, tests)."""

    ansi: bool = False

    def bold(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[22m" if self.ansi and text else text

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[22m" if self.ansi and text else text


PLAIN = Style()


def emoji(text: str) -> str:
    """Known shortcodes (``:tada:``) as the emoji themselves."""
    return _SHORTCODE.sub(lambda m: EMOJI.get(m[1], m[0]), text)


def _token(inner: str, names: Mapping[str, str]) -> str:
    """One ``<…>`` control sequence as a reader sees it."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user_id = target[1:]
        return "@" + (names.get(user_id) or label or user_id)
    if target.startswith("#"):
        channel_id = target[1:]
        return "#" + (label or names.get(channel_id) or channel_id)
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!"):
        return "@" + (label.lstrip("@") or target[1:])
    if label and label != target:
        return f"{label} ({target})"
    return target


def mrkdwn_to_text(text: str, names: Mapping[str, str] | None = None, style: Style = PLAIN) -> str:
    """Slack mrkdwn as terminal text: tokens resolved, emphasis marks dropped (or shown bold
    on a terminal), entities unescaped last so escaped user text stays as the user typed it."""
    known = names or {}
    pieces = _CODE.split(text)
    shown: list[str] = []
    # re.split with one group: the code spans are at the odd indexes.
    for index, piece in enumerate(pieces):
        resolved = _TOKEN.sub(lambda m: _token(m[1], known), piece)
        if index % 2:
            shown.append(
                resolved.strip("`").strip("\n") if resolved.startswith("```") else resolved
            )
            continue
        resolved = _BOLD.sub(lambda m: style.bold(m[1]), resolved)
        resolved = _ITALIC.sub(lambda m: m[1], resolved)
        resolved = _STRIKE.sub(lambda m: m[1], resolved)
        shown.append(emoji(resolved))
    return unescape("".join(shown))


def text_object(obj: object, names: Mapping[str, str] | None = None, style: Style = PLAIN) -> str:
    """A Block Kit text object (mrkdwn or plain_text) as text; "" for anything else."""
    if not isinstance(obj, Mapping):
        return ""
    raw = obj.get("text")
    if not isinstance(raw, str):
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_text(raw, names, style)
    return unescape(emoji(raw))


def _confirm(dialog: object) -> str | None:
    if not isinstance(dialog, Mapping):
        return None
    title, text = text_object(dialog.get("title")), text_object(dialog.get("text"))
    return " — ".join(part for part in (title, text) if part) or "Are you sure?"


def _field(text: str) -> str:
    """A field's "label\\nvalue" as "label: value"."""
    first, _, rest = text.partition("\n")
    if not rest.strip():
        return first
    return f"{first}: " + " · ".join(line.strip() for line in rest.splitlines() if line.strip())


def _indent(text: str, prefix: str = INDENT) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


class _Renderer:
    def __init__(self, names: Mapping[str, str], style: Style, first_number: int) -> None:
        self.names = names
        self.style = style
        self.next_number = first_number
        self.buttons: list[Button] = []

    def text(self, obj: object) -> str:
        return text_object(obj, self.names, self.style)

    def element(self, element: Mapping[str, Any], block_id: str) -> str:
        kind = element.get("type")
        if kind == "button":
            label = self.text(element.get("text")) or "button"
            button = Button(
                number=self.next_number,
                label=label,
                action_id=str(element.get("action_id", "")),
                value=str(element.get("value", "")),
                block_id=block_id,
                confirm=_confirm(element.get("confirm")),
            )
            self.next_number += 1
            self.buttons.append(button)
            return self.style.bold(f"[{button.number}]") + f" {label}"
        if kind == "image":
            return f"[image: {element.get('alt_text', '')}]"
        placeholder = self.text(element.get("placeholder"))
        return f"[{kind}{': ' + placeholder if placeholder else ''}]"

    def block(self, block: Mapping[str, Any]) -> str:
        kind = block.get("type")
        block_id = str(block.get("block_id", ""))
        if kind == "header":
            return self.style.bold(self.text(block.get("text")).upper())
        if kind == "divider":
            return self.style.dim(RULE)
        if kind == "section":
            lines = [self.text(block.get("text"))] if block.get("text") else []
            fields = block.get("fields") or []
            lines += [_indent(_field(self.text(f))) for f in fields]
            accessory = block.get("accessory")
            if isinstance(accessory, Mapping):
                lines.append(INDENT + self.element(accessory, block_id))
            return "\n".join(line for line in lines if line)
        if kind == "context":
            parts = [self.text(e) or self.element(e, block_id) for e in block.get("elements", [])]
            return "\n".join(self.style.dim(_indent(part)) for part in parts if part)
        if kind == "actions":
            elements = block.get("elements", [])
            return INDENT + "  ".join(self.element(e, block_id) for e in elements)
        if kind == "image":
            return f"[image: {block.get('alt_text', '')}]"
        if kind == "input":
            label = self.text(block.get("label"))
            element = block.get("element")
            widget = self.element(element, block_id) if isinstance(element, Mapping) else ""
            return f"{label}: {widget}"
        if kind == "rich_text":
            return _rich_text(block, self.names)
        return f"[{kind} block]"


def _rich_text(block: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The words of a rich_text block (formatting dropped)."""
    words: list[str] = []
    for part in block.get("elements", []):
        for element in part.get("elements", []) if isinstance(part, Mapping) else []:
            kind = element.get("type")
            if kind == "text":
                words.append(str(element.get("text", "")))
            elif kind == "link":
                words.append(str(element.get("text") or element.get("url", "")))
            elif kind == "user":
                user_id = str(element.get("user_id", ""))
                words.append("@" + names.get(user_id, user_id))
            elif kind == "emoji":
                words.append(emoji(f":{element.get('name', '')}:"))
        words.append("\n")
    return "".join(words).strip("\n")


def render_blocks(
    blocks: Sequence[Mapping[str, Any]],
    *,
    names: Mapping[str, str] | None = None,
    style: Style = PLAIN,
    first_number: int = 1,
) -> Rendered:
    """Blocks as lines of text, buttons numbered in order from ``first_number``."""
    renderer = _Renderer(names or {}, style, first_number)
    lines = [renderer.block(block) for block in blocks if isinstance(block, Mapping)]
    return Rendered("\n".join(line for line in lines if line), tuple(renderer.buttons))


def render_message(
    text: str | None,
    blocks: Sequence[Mapping[str, Any]] | None,
    *,
    names: Mapping[str, str] | None = None,
    style: Style = PLAIN,
) -> Rendered:
    """A message as Slack shows it: its blocks, else its text (mrkdwn)."""
    if blocks:
        return render_blocks(blocks, names=names, style=style)
    return Rendered(mrkdwn_to_text(text or "", names, style))
