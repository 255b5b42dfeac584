"""Block Kit → terminal text: what the console prints for the app's messages."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.console.blocks_text import (
    RULE,
    Button,
    Style,
    mrkdwn_to_text,
    render_blocks,
    render_message,
)
from bot.render.blocks import (
    actions,
    button,
    confirm,
    context,
    divider,
    fields_section,
    header,
    section,
)
from bot.render.reply import Viewer
from bot.render.text import date_token, safe

NAMES = {"UALICE": "alice", "UBOB": "bob"}


def test_emphasis_marks_are_dropped_but_words_with_underscores_and_stars_survive() -> None:
    assert mrkdwn_to_text("*Acme Corp* is _really_ ~late~") == "Acme Corp is really late"
    assert mrkdwn_to_text("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4"


def test_code_spans_keep_their_text_untouched() -> None:
    assert mrkdwn_to_text("Say `log *call* with_x` now") == "Say `log *call* with_x` now"
    assert mrkdwn_to_text("```\n*raw*\n```") == "*raw*"


def test_date_tokens_become_their_fallback() -> None:
    viewer = Viewer("UALICE", ZoneInfo("Europe/Berlin"), datetime(2027, 1, 6, 9, tzinfo=UTC))
    token = date_token(datetime(2027, 1, 8, 8, tzinfo=UTC), viewer, with_time=True)
    assert mrkdwn_to_text(f"due {token}") == "due Fri 8 Jan 09:00"
    assert mrkdwn_to_text("<!date^1700000000^{date} at {time}^https://x.example|Nov 14>") == (
        "Nov 14"
    )


def test_mentions_become_names_from_the_workspace() -> None:
    shown = mrkdwn_to_text("by <@UALICE> for <@UBOB|robert> and <@UNOBODY>", NAMES)
    assert shown == "by @alice for @bob and @UNOBODY"
    assert mrkdwn_to_text("<@UCAROL|carol>", NAMES) == "@carol"


def test_channels_broadcasts_and_links() -> None:
    assert mrkdwn_to_text("<#C0001|general> <#C0002>") == "#general #C0002"
    assert mrkdwn_to_text("<!here> <!channel>") == "@here @channel"
    assert mrkdwn_to_text("<https://x.example/p|full message>") == (
        "full message (https://x.example/p)"
    )
    assert mrkdwn_to_text("<https://x.example/>") == "https://x.example/"


def test_escaped_user_text_is_shown_as_typed_and_never_read_as_a_token() -> None:
    typed = "<!channel> & <@UBOB> *Ltd*"
    assert mrkdwn_to_text(safe(typed), NAMES) == "<!channel> & <@UBOB> Ltd"


def test_known_emoji_shortcodes_become_emoji() -> None:
    assert mrkdwn_to_text(":tada: :not_a_known_one:") == "🎉 :not_a_known_one:"


def test_header_section_fields_context_and_divider() -> None:
    blocks = [
        header("Acme & Co"),
        fields_section(["*Owner*\n<@UALICE>", "*Tier*\ngold", "*Tags*\n`emea`\n`gold`"]),
        section("*Open follow-ups* (1)"),
        divider(),
        context("Next touch due soon", "Say `help`"),
    ]
    rendered = render_blocks(blocks, names=NAMES)
    assert rendered.text.splitlines() == [
        "ACME & CO",
        "  Owner: @alice",
        "  Tier: gold",
        "  Tags: `emea` · `gold`",
        "Open follow-ups (1)",
        RULE,
        "  Next touch due soon",
        "  Say `help`",
    ]
    assert rendered.buttons == ()


def test_buttons_are_numbered_across_actions_blocks_with_what_a_click_sends() -> None:
    blocks = [
        section("#1 call back"),
        actions("follow_up:1", [button("Done", "follow_up_done", "1"), button("Snooze", "s", "1")]),
        actions(
            "renewal:7",
            [
                button(
                    "Not renewing",
                    "renewal_not_renewing",
                    "7",
                    confirm=confirm("Not renewing?", "Records churned.", "Yes"),
                )
            ],
        ),
    ]
    rendered = render_blocks(blocks)
    assert "  [1] Done  [2] Snooze" in rendered.text
    assert "  [3] Not renewing" in rendered.text
    assert rendered.buttons[0] == Button(1, "Done", "follow_up_done", "1", "follow_up:1")
    assert rendered.buttons[2].block_id == "renewal:7"
    assert rendered.buttons[2].confirm == "Not renewing? — Records churned."


def test_an_accessory_button_is_numbered_too() -> None:
    block = section("Acme") | {"accessory": button("Log a touch", "log_touch", "3")}
    rendered = render_blocks([block], first_number=4)
    assert rendered.text == "Acme\n  [4] Log a touch"
    assert rendered.buttons[0].number == 4


def test_a_message_without_blocks_shows_its_text() -> None:
    assert render_message("*hi* <@UBOB>", None, names=NAMES).text == "hi @bob"


def test_unknown_blocks_are_named_not_dropped() -> None:
    assert render_blocks([{"type": "video"}]).text == "[video block]"


def test_ansi_style_makes_headers_bold_and_context_dim() -> None:
    rendered = render_blocks([header("Home"), context("quiet")], style=Style(ansi=True))
    assert rendered.text == "\x1b[1mHOME\x1b[22m\n\x1b[2m  quiet\x1b[22m"
