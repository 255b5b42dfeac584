"""Parse errors, refusals, the unexpected, and help."""

from __future__ import annotations

import pytest

from bot.commands import Help, ParseError
from bot.errors import (
    AccountNotFound,
    AlreadyExists,
    DateParseError,
    FollowUpNotFound,
    InvalidInput,
    NothingToDo,
    PermissionDenied,
    RapportError,
)
from bot.execute import Executed
from bot.parser.usage import USAGE
from bot.render import render_parse_error, render_refusal, render_result, render_unexpected
from tests.unit.test_render_support import (
    BOB,
    HOSTILE,
    assert_reply_inert,
    block_texts,
    check_reply,
    viewer,
)


def test_parse_error_shows_what_usage_and_example() -> None:
    usage, example = USAGE["snooze"]
    reply = render_parse_error(ParseError("I couldn't read “soon” as a date.", usage, example))
    check_reply(reply)
    assert reply.ephemeral
    assert reply.text == (
        "I couldn't read “soon” as a date.\n"
        "Usage: `snooze &lt;id&gt; [&lt;id&gt; …] [until|to|for|by] &lt;when&gt;`\n"
        "Example: `/crm snooze 42 until monday`"
    )


def test_a_refused_log_line_is_repeated_in_a_code_block_to_copy() -> None:
    usage, example = USAGE["log"]
    line = "log call with <!channel> & Co: x. follow up nxt week: send `quote`"
    error = ParseError("I couldn't read “nxt week” as a date.", usage, example, retype=line)
    reply = render_parse_error(error)
    check_reply(reply)
    assert_reply_inert(reply)
    [copy] = [b for b in reply.blocks if "```" in b.get("text", {}).get("text", "")]
    assert copy["text"]["text"] == (
        "Your line, to copy, correct and send again:\n"
        "```/crm log call with &lt;!channel&gt; &amp; Co: x. follow up nxt week: send `quote````"
    )


def test_a_long_refused_line_is_repeated_whole_in_several_blocks() -> None:
    line = "log call with Acme: " + "&" * 4000 + "x" * 6000 + " f/u nxt week"
    reply = render_parse_error(ParseError("nope", "u", "e", retype=line))
    check_reply(reply)
    pieces = [
        b["text"]["text"].removeprefix("Your line, to copy, correct and send again:\n")
        for b in reply.blocks
        if "```" in b.get("text", {}).get("text", "")
    ]
    assert len(pieces) > 1
    shown = "".join(piece.removeprefix("```").removesuffix("```") for piece in pieces)
    assert shown == "/crm " + line.replace("&", "&amp;")


def test_parse_error_without_usage_points_to_help() -> None:
    reply = render_parse_error(ParseError(f"I don't know “{HOSTILE}”."))
    check_reply(reply)
    assert_reply_inert(reply)
    assert "`/crm help`" in reply.text


@pytest.mark.parametrize(
    "error",
    [
        AccountNotFound(HOSTILE, ["Acme Corp", HOSTILE]),
        FollowUpNotFound(42),
        AlreadyExists(
            f"There is already an account called “{HOSTILE}”.",
            hint=f"See it with `show {HOSTILE}`.",
        ),
        InvalidInput("summary", "A summary can be at most 10,000 characters."),
        DateParseError(HOSTILE, "that is too long for a date"),
        NothingToDo(f"“{HOSTILE}” has no open contract to record an outcome for."),
        RapportError("x" * 5000, hint="y" * 5000),
    ],
    ids=lambda e: type(e).__name__,
)
def test_refusals_are_ephemeral_and_inert(error: RapportError) -> None:
    reply = render_refusal(error)
    check_reply(reply)
    assert reply.ephemeral
    assert_reply_inert(reply)


def test_refusal_keeps_the_owner_mention_but_not_typed_ones() -> None:
    error = PermissionDenied(
        f"Only <@{BOB}> (the owner) or an admin can reassign “<@U999> & co”.",
        hint=f"Ask <@{BOB}> to run `assign <@U999> & co <@U777>`.",
    )
    reply = render_refusal(error)
    assert_reply_inert(reply)
    text = block_texts(reply.blocks)
    assert f"Only <@{BOB}> (the owner)" in text
    assert f"Ask <@{BOB}> to run" in text
    assert "“&lt;@U999&gt; &amp; co”" in text
    assert "`assign &lt;@U999&gt; &amp; co &lt;@U777&gt;`" in text


def test_not_found_shows_did_you_mean() -> None:
    reply = render_refusal(AccountNotFound("acne", ["Acme Corp"]))
    assert reply.text == "I don't know an account called “acne”.\nDid you mean “Acme Corp”?"


def test_unexpected_is_calm_and_ephemeral() -> None:
    reply = render_unexpected()
    check_reply(reply)
    assert reply.ephemeral
    assert reply.text == "Something went wrong on our side; nothing was saved. It has been logged."


# --- help -----------------------------------------------------------------------------


def _help(topic: str | None) -> str:
    reply = render_result(Executed(Help(topic), Help(topic)), viewer())
    check_reply(reply)
    assert_reply_inert(reply)
    return block_texts(reply.blocks)


def test_help_lists_every_command() -> None:
    text = _help(None)
    for key, (usage, _) in USAGE.items():
        if not key.startswith("settings "):
            assert usage.replace("<", "&lt;").replace(">", "&gt;") in text, key
    assert "I have no help" not in text


@pytest.mark.parametrize("topic", ["log", "follow up", "who owns", "who", "settings digest"])
def test_help_on_a_topic_shows_usage_and_example(topic: str) -> None:
    key = "who owns" if topic == "who" else topic
    usage, example = USAGE[key]
    text = _help(topic)
    assert usage.replace("<", "&lt;").replace(">", "&gt;") in text
    assert f"Example: `/crm {example}`" in text


def test_help_settings_shows_its_subcommands() -> None:
    text = _help("settings")
    assert "settings timezone &lt;Area/City&gt;" in text
    assert "settings workspace ladder" in text


def test_help_on_an_unknown_topic_shows_the_list() -> None:
    text = _help("<!channel> teleport")
    assert "I have no help on “&lt;!channel&gt; teleport”" in text
    assert "`mine`" in text
