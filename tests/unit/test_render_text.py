"""Escaping, cutting, date tokens in the viewer's zone, amounts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.domain import Owner
from bot.render.text import (
    calendar_day,
    channel,
    clip,
    date_token,
    escape,
    link,
    mention,
    money,
    owner_text,
    pack_lines,
    safe,
    to_plain,
    unescape,
)
from tests.unit.test_render_support import viewer

# 23:30 UTC on Friday 4 Dec 2026: already Saturday in Berlin, still Friday afternoon in LA.
LATE = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


def test_escape_and_back() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert unescape(escape("a &amp; <b>")) == "a &amp; <b>"


def test_date_token_carries_the_instant_and_a_fallback_in_the_viewers_zone() -> None:
    berlin = date_token(LATE, viewer("Europe/Berlin"), with_time=True)
    la = date_token(LATE, viewer("America/Los_Angeles"), with_time=True)
    assert berlin == "<!date^1796427000^{date_short_pretty} {time}|Sat 5 Dec 00:30>"
    assert la == "<!date^1796427000^{date_short_pretty} {time}|Fri 4 Dec 15:30>"
    assert date_token(LATE, viewer("Europe/Berlin")) == (
        "<!date^1796427000^{date_short_pretty}|Sat 5 Dec>"
    )


def test_date_token_fallback_shows_the_year_when_not_this_year() -> None:
    moment = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)
    assert date_token(moment, viewer()).endswith("|Sat 2 Jan 2027>")


def test_today_is_the_viewers_today() -> None:
    assert viewer("Europe/Berlin", now=LATE).today == date(2026, 12, 5)
    assert viewer("America/Los_Angeles", now=LATE).today == date(2026, 12, 4)


def test_calendar_days_are_plain_text_and_do_not_move_with_the_zone() -> None:
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"):
        assert calendar_day(date(2027, 3, 31), viewer(zone)) == "Wed 31 Mar 2027"
    assert calendar_day(date(2026, 12, 31), viewer()) == "Thu 31 Dec"


def test_to_plain_replaces_tokens_with_their_fallback() -> None:
    token = date_token(LATE, viewer(), with_time=True)
    assert to_plain(f"due {token} · <@U02BOB>") == "due Sat 5 Dec 00:30 · <@U02BOB>"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("abcdefghij", 5, "abcd…"),
        ("ab &amp; cd", 6, "ab…"),
        ("x <@U02BOB> y", 8, "x…"),
        ("x &lt;y", 6, "x…"),
    ],
)
def test_clip_never_cuts_a_token_or_entity(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected
    assert len(clip(text, limit)) <= limit


def test_safe_counts_after_escaping() -> None:
    assert len(safe("<" * 100, 50)) <= 50
    assert safe("<" * 100, 50).startswith("&lt;")


def test_pack_lines() -> None:
    lines = [f"line {i}" for i in range(100)]
    packed = pack_lines(lines, 100)
    assert len(packed) <= 100
    assert packed.endswith("more")
    shown = packed.split("\n")
    assert int(shown[-1].split()[1]) + len(shown) - 1 == 100
    assert pack_lines(["a", "b"], 100) == "a\nb"
    assert len(pack_lines(["x" * 500, "y"], 100)) <= 100


def test_mentions_and_channels_only_for_real_ids() -> None:
    assert mention("U02BOB") == "<@U02BOB>"
    assert mention("<!channel>") == "&lt;!channel&gt;"
    assert channel("C0ESC") == "<#C0ESC>"
    assert channel("C1>|<!here") == "C1&gt;|&lt;!here"


def test_owner_text() -> None:
    assert owner_text(Owner(user_id="U02BOB")) == "<@U02BOB>"
    assert owner_text(Owner(unresolved="maria@example.com"), assign_hint="Acme") == (
        "maria@example.com (not a Slack user yet — `assign Acme @user`)"
    )
    assert owner_text(Owner()) == "nobody"


def test_links_only_for_plain_https() -> None:
    assert link("https://a.slack.com/archives/C1/p1", "message") == (
        "<https://a.slack.com/archives/C1/p1|message>"
    )
    for bad in (None, "http://a", "https://a|<!channel>", "https://a b", "javascript:x"):
        assert link(bad, "m") is None


def test_money() -> None:
    assert money(Decimal("24000"), "EUR") == "24,000 EUR"
    assert money(Decimal("24000.5"), "USD") == "24,000.50 USD"
    assert money(Decimal("1E+3"), "GBP") == "1,000 GBP"
