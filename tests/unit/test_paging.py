"""Pages and their cursors: what a "Show more" button would carry between two requests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain import MAX_NAME_LENGTH, name_key
from bot.paging import Cursor, More, Page

NOW = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)


def test_a_cursor_survives_its_text() -> None:
    cursor = Cursor((NOW, date(2027, 1, 6), 42, "acme"))
    text = cursor.encode()
    assert Cursor.decode(text) == cursor
    assert len(text) < 100  # fits a button's value (2,000 characters) with room to spare


@pytest.mark.parametrize(
    "garbage", ["", "[]", "[1]", '[["x", 1]]', "{}", '[["t", "not a time"]]', '[["i", "7a"]]']
)
def test_anything_else_is_not_a_cursor(garbage: str) -> None:
    with pytest.raises(ValueError, match="not a page cursor"):
        Cursor.decode(garbage)


def test_a_page_says_how_many_come_after_it() -> None:
    page = Page(["a", "b"], 10, Cursor((2,)))
    assert page.more == 8
    assert page.map(str.upper) == Page(["A", "B"], 10, Cursor((2,)))
    assert Page.of(["a"]).more == 0 and Page.of(["a"]).cursor is None


def test_a_show_more_value_holds_the_longest_name_within_a_buttons_value() -> None:
    worst = name_key("\U0001f600\u00e4\n" * (MAX_NAME_LENGTH // 2))[:MAX_NAME_LENGTH]
    line = "accounts <@U0123456789> distributor tier " + "t" * 50 + " tag " + "g" * 50 + " at risk"
    more = More(line, Cursor((worst,)))
    text = more.encode()
    assert len(text) <= 2000
    assert More.decode(text) == more


@pytest.mark.parametrize("garbage", ["", "accounts all", '\n[["s","x"]]', "x\nnot json"])
def test_anything_else_is_not_a_show_more(garbage: str) -> None:
    with pytest.raises(ValueError):
        More.decode(garbage)
