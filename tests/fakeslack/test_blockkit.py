"""The Block Kit checks, limit by limit (pure functions, no HTTP)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.fakeslack.blockkit import check_message_blocks, check_view, view_size


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def option(text: str = "One", value: str = "1") -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def button(**fields: Any) -> dict[str, Any]:
    return {"type": "button", "text": plain("Go"), "action_id": "go", **fields}


def select(**fields: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "pick", **fields}


def text_input(**fields: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "label": plain("Note"),
        "element": {"type": "plain_text_input", **fields},
    }


def modal(**fields: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Title"), "blocks": [], **fields}


def rules(problems: list[Any]) -> list[str]:
    return [str(problem) for problem in problems]


A_GOOD_MESSAGE: list[dict[str, Any]] = [
    {"type": "header", "text": plain("Renewals this week")},
    {"type": "section", "block_id": "acme", "text": mrkdwn("*Acme*"), "fields": [mrkdwn("a")] * 10},
    {
        "type": "section",
        "text": mrkdwn("Snooze?"),
        "accessory": {
            "type": "overflow",
            "action_id": "snooze",
            "options": [option(str(n), str(n)) for n in range(5)],
        },
    },
    {"type": "divider"},
    {
        "type": "context",
        "elements": [mrkdwn("x")] * 9 + [{"type": "image", "image_url": "u", "alt_text": "a"}],
    },
    actions(
        button(value="v" * 2000, url="https://example.com/" + "u" * 2980, style="primary"),
        select(placeholder=plain("p" * 150), options=[option()] * 100),
        {
            "type": "checkboxes",
            "action_id": "done",
            "options": [{"text": mrkdwn("*done*"), "value": "d"}],
        },
    ),
    {"type": "image", "image_url": "https://example.com/i.png", "alt_text": "chart"},
    {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": []}]},
    {"type": "markdown", "text": "**bold**"},
    {"type": "section", "block_id": "b" * 255, "text": mrkdwn("s" * 3000)},
]


def test_a_message_within_every_limit_passes() -> None:
    assert rules(check_message_blocks(A_GOOD_MESSAGE)) == []


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ("[]", "/blocks: blocks of a message must be an array, not str"),
        ([{"type": "table"}], "/blocks/0/type: unknown block type 'table'"),
        ([{"text": plain("x")}], "/blocks/0/type: unknown block type None"),
        ([{"type": "section"}], "/blocks/0: a section needs `text` or `fields`"),
        (
            [{"type": "section", "fields": [mrkdwn("f")] * 11}],
            "/blocks/0/fields: section fields must have at most 10 items (got 11)",
        ),
        (
            [{"type": "section", "fields": [mrkdwn("f" * 2001)]}],
            "/blocks/0/fields/0/text: section field must be at most 2000 characters (got 2001)",
        ),
        (
            [{"type": "header", "text": plain("h" * 151)}],
            "/blocks/0/text/text: header text must be at most 150 characters (got 151)",
        ),
        (
            [{"type": "header", "text": mrkdwn("h")}],
            "/blocks/0/text/type: header text must be plain_text, not mrkdwn",
        ),
        (
            [{"type": "section", "text": {"type": "markdown", "text": "x"}}],
            "/blocks/0/text/type: section text type must be plain_text or mrkdwn",
        ),
        (
            [{"type": "section", "text": {"type": "mrkdwn"}}],
            "/blocks/0/text/text: section text needs a string `text`, not null",
        ),
        (
            [actions(*[button(action_id=f"b{n}") for n in range(26)])],
            "/blocks/0/elements: actions elements must have at most 25 items (got 26)",
        ),
        ([actions()], "/blocks/0/elements: actions elements needs at least 1 item(s) (got 0)"),
        (
            [{"type": "context", "elements": [mrkdwn("c")] * 11}],
            "/blocks/0/elements: context elements must have at most 10 items (got 11)",
        ),
        (
            [actions(button(value="v" * 2001))],
            "/blocks/0/elements/0/value: button value must be at most 2000 characters (got 2001)",
        ),
        (
            [actions(button(url="u" * 3001))],
            "/blocks/0/elements/0/url: button url must be at most 3000 characters (got 3001)",
        ),
        (
            [actions(button(style="blue"))],
            "/blocks/0/elements/0/style: button style must be primary or danger, not 'blue'",
        ),
        (
            [actions(button(text=mrkdwn("Go")))],
            "/blocks/0/elements/0/text/type: button text must be plain_text, not mrkdwn",
        ),
        (
            [actions(button(action_id="a" * 256))],
            "/blocks/0/elements/0/action_id: action_id must be at most 255 characters (got 256)",
        ),
        (
            [actions(button(), button())],
            "/blocks/0/elements/1/action_id: duplicate action_id 'go' in one block",
        ),
        (
            [{"type": "divider", "block_id": "d" * 256}],
            "/blocks/0/block_id: block_id must be at most 255 characters (got 256)",
        ),
        (
            [actions(select(options=[option(text="o" * 76)]))],
            "/blocks/0/elements/0/options/0/text/text: option text must be at most 75 characters "
            "(got 76)",
        ),
        (
            [actions(select(options=[option(value="v" * 151)]))],
            "/blocks/0/elements/0/options/0/value: option value must be at most 150 characters "
            "(got 151)",
        ),
        (
            [actions(select(options=[option()] * 101))],
            "/blocks/0/elements/0/options: select options must have at most 100 items (got 101)",
        ),
        (
            [actions(select())],
            "/blocks/0/elements/0: a static select needs exactly one of `options` and "
            "`option_groups`",
        ),
        (
            [actions(select(options=[option()], placeholder=plain("p" * 151)))],
            "/blocks/0/elements/0/placeholder/text: placeholder must be at most 150 characters "
            "(got 151)",
        ),
        (
            [actions({"type": "overflow", "action_id": "o", "options": []})],
            "/blocks/0/elements/0/options: overflow options needs at least 1 item(s) (got 0)",
        ),
        (
            [actions({"type": "overflow", "action_id": "o", "options": [option()] * 6})],
            "/blocks/0/elements/0/options: overflow options must have at most 5 items (got 6)",
        ),
        (
            [actions({"type": "checkboxes", "action_id": "c", "options": [option()] * 11})],
            "/blocks/0/elements/0/options: checkboxes options must have at most 10 items (got 11)",
        ),
        (
            [actions({"type": "plain_text_input", "action_id": "t"})],
            "/blocks/0/elements/0/type: plain_text_input cannot be used in an actions block",
        ),
        (
            [actions({"type": "fancy_picker"})],
            "/blocks/0/elements/0/type: unknown element type 'fancy_picker'",
        ),
        (
            [
                actions(
                    button(
                        confirm={
                            "title": plain("t"),
                            "text": mrkdwn("x"),
                            "confirm": plain("c" * 31),
                            "deny": plain("No"),
                        }
                    )
                )
            ],
            "/blocks/0/elements/0/confirm/confirm/text: confirm confirm must be at most 30 "
            "characters (got 31)",
        ),
        (
            [{"type": "image", "image_url": "https://example.com/i.png"}],
            "/blocks/0/alt_text: image alt_text is required",
        ),
        (
            [{"type": "markdown", "text": "m" * 12_001}],
            "/blocks/0/text: markdown text must be at most 12000 characters (got 12001)",
        ),
    ],
)
def test_message_block_limits(blocks: Any, expected: str) -> None:
    found = rules(check_message_blocks(blocks))

    assert any(rule.startswith(expected) for rule in found), found


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ({"type": "modal", "blocks": []}, "/view/title: modal title is required"),
        (modal(title=mrkdwn("T")), "/view/title/type: modal title must be plain_text, not mrkdwn"),
        (
            modal(submit=plain("s" * 25)),
            "/view/submit/text: modal submit must be at most 24 characters (got 25)",
        ),
        (
            modal(close=plain("c" * 25)),
            "/view/close/text: modal close must be at most 24 characters (got 25)",
        ),
        (
            modal(private_metadata="m" * 3001),
            "/view/private_metadata: private_metadata must be at most 3000 characters (got 3001)",
        ),
        (
            modal(callback_id="c" * 256),
            "/view/callback_id: callback_id must be at most 255 characters (got 256)",
        ),
        (
            modal(external_id="e" * 256),
            "/view/external_id: external_id must be at most 255 characters (got 256)",
        ),
        (
            modal(blocks=[{"type": "divider"}] * 101),
            "/view/blocks: blocks of a modal must have at most 100 items (got 101)",
        ),
        (
            {"type": "home", "blocks": [{"type": "divider"}] * 101},
            "/view/blocks: blocks of a Home tab must have at most 100 items (got 101)",
        ),
        (
            {"type": "home", "blocks": [], "close": plain("x")},
            "/view/close: a Home tab view cannot have `close`",
        ),
        (
            {"type": "workflow_step", "blocks": []},
            "/view/type: view type must be modal or home, not 'workflow_step'",
        ),
        ("{}", "/view: view must be an object, not str"),
        (
            modal(
                submit=plain("Save"),
                blocks=[text_input(action_id="n", initial_value="i" * 11, max_length=10)],
            ),
            "/view/blocks/0/element/initial_value: initial_value must be at most max_length=10 "
            "characters (got 11)",
        ),
        (
            modal(
                submit=plain("Save"), blocks=[text_input(action_id="n", initial_value="i" * 3001)]
            ),
            "/view/blocks/0/element/initial_value: initial_value must be at most 3000 characters "
            "(got 3001)",
        ),
        (
            modal(submit=plain("Save"), blocks=[text_input(action_id="n", max_length=3001)]),
            "/view/blocks/0/element/max_length: max_length must be an integer from 0 to 3000",
        ),
        (
            modal(
                submit=plain("Save"),
                blocks=[
                    {"type": "input", "label": plain("l" * 2001), "element": {"type": "datepicker"}}
                ],
            ),
            "/view/blocks/0/label/text: input label must be at most 2000 characters (got 2001)",
        ),
        (
            modal(
                submit=plain("Save"),
                blocks=[{"type": "input", "label": plain("Due"), "element": button()}],
            ),
            "/view/blocks/0/element/type: button cannot be used in an input block",
        ),
        (
            modal(submit=plain("Save"), blocks=[{"type": "input", "label": plain("Due")}]),
            "/view/blocks/0/element: an input block needs an `element`",
        ),
    ],
)
def test_view_limits(view: Any, expected: str) -> None:
    found = rules(check_view(view))

    assert any(rule.startswith(expected) for rule in found), found


def test_a_full_modal_and_home_pass() -> None:
    full_modal = modal(
        title=plain("t" * 24),
        submit=plain("s" * 24),
        close=plain("c" * 24),
        private_metadata="m" * 3000,
        callback_id="log_touch",
        blocks=[
            text_input(action_id="note", initial_value="i" * 10, max_length=10),
            {
                "type": "input",
                "label": plain("Due"),
                "element": {"type": "datepicker", "action_id": "due"},
            },
        ]
        + [{"type": "divider"}] * 98,
    )
    home = {"type": "home", "blocks": A_GOOD_MESSAGE}

    assert rules(check_view(full_modal)) == []
    assert rules(check_view(home)) == []


def test_block_ids_are_unique_across_a_view() -> None:
    view = {"type": "home", "blocks": [{"type": "divider", "block_id": "x"}] * 2}

    assert rules(check_view(view)) == ["/view/blocks/1/block_id: duplicate block_id 'x'"]


def test_view_size_counts_utf8_bytes() -> None:
    assert view_size({"a": "é"}) == len('{"a":"é"}'.encode())


@given(st.text(min_size=1, max_size=3000))
def test_any_section_text_up_to_3000_passes(text: str) -> None:
    assert check_message_blocks([{"type": "section", "text": mrkdwn(text)}]) == []


@given(st.integers(min_value=0, max_value=120))
def test_block_count_limit_is_exactly_50(count: int) -> None:
    problems = check_message_blocks([{"type": "divider"}] * count)

    assert (problems == []) == (count <= 50)
