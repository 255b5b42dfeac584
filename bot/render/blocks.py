"""Tiny Block Kit builders. They take text that is already safe (escaped where it came from a
person) and cut it to Slack's limits, so no caller can produce a block Slack would reject."""

from __future__ import annotations

from typing import Any

from bot.render.text import clip

Block = dict[str, Any]

# Block Kit limits (shared/slack/FACTS.md).
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
SECTION_FIELDS = 10
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
MODAL_TITLE = 24
INPUT_VALUE = 3000
PRIVATE_METADATA = 3000
PLACEHOLDER = 150
LABEL = 2000


def _filled(text: str) -> str:
    # Slack rejects empty text objects.
    return text if text.strip() else "—"


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> Block:
    return {"type": "mrkdwn", "text": clip(_filled(text), limit)}


def plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": clip(_filled(text), limit), "emoji": True}


def section(text: str, *, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def fields_section(fields: list[str]) -> Block:
    return {
        "type": "section",
        "fields": [mrkdwn(f, FIELD_TEXT) for f in fields[:SECTION_FIELDS]],
    }


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [mrkdwn(t) for t in texts[:CONTEXT_ELEMENTS]],
    }


def divider() -> Block:
    return {"type": "divider"}


def actions(block_id: str, elements: list[Block]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": elements[:ACTIONS_ELEMENTS]}


def button(
    text: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT),
        "action_id": action_id,
        "value": value[:BUTTON_VALUE],
    }
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def confirm(title: str, text: str, yes: str, no: str = "Cancel") -> Block:
    return {
        "title": plain(title, 100),
        "text": plain(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
    }


def option(text: str, value: str) -> Block:
    return {"text": plain(text, OPTION_TEXT), "value": value[:OPTION_VALUE]}


def unique_block_ids(blocks: list[Block]) -> list[Block]:
    """The same item may appear twice in one message (a follow-up in two lists): Slack wants
    block_ids unique per message, so repeats get a suffix."""
    seen: set[str] = set()
    out: list[Block] = []
    for block in blocks:
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            candidate, n = block_id, 1
            while candidate in seen:
                n += 1
                candidate = f"{block_id}#{n}"
            seen.add(candidate)
            if candidate != block_id:
                block = {**block, "block_id": candidate}
        out.append(block)
    return out
