"""`undo` and `reopen` as people type them, and what the parser says to a slip."""

from __future__ import annotations

import pytest

from bot.commands import Command, ParseError, ReopenFollowUp, Undo, is_change
from bot.parser import USAGE, parse_command
from tests.unit.test_parser import CONTEXT


def parse(text: str) -> Command | ParseError:
    return parse_command(text, CONTEXT)


@pytest.mark.parametrize("text", ["undo", "/crm undo", "Undo", "UNDO", "  undo  "])
def test_undo(text: str) -> None:
    assert parse(text) == Undo()


def test_undo_takes_nothing_after_it() -> None:
    refused = parse("undo rename Acme Corp")
    assert isinstance(refused, ParseError)
    assert "takes nothing after it" in refused.message and "“rename Acme Corp”" in refused.message
    assert refused.usage == USAGE["undo"][0]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("reopen 12", (12,)),
        ("reopen #12", (12,)),
        ("Reopen #4, #10 and 12", (4, 10, 12)),
        ("reopen 4 4", (4,)),
        ("/crm reopen 7", (7,)),
    ],
)
def test_reopen(text: str, numbers: tuple[int, ...]) -> None:
    assert parse(text) == ReopenFollowUp(numbers)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [("reopen", "`reopen 4 10`"), ("reopen abc", "“abc”"), ("reopen 4 x", "“x”")],
)
def test_reopen_without_a_number_says_what_is_wrong(text: str, quoted: str) -> None:
    refused = parse(text)
    assert isinstance(refused, ParseError)
    assert quoted in refused.message
    assert refused.usage == USAGE["reopen"][0] and refused.example == USAGE["reopen"][1]


def test_a_near_miss_is_pointed_at_the_command() -> None:
    refused = parse("undoo")
    assert isinstance(refused, ParseError) and "Did you mean `undo`?" in refused.message
    refused = parse("reopn 4")
    assert isinstance(refused, ParseError) and "Did you mean `reopen`?" in refused.message


def test_both_are_changes_for_the_home_tab() -> None:
    assert is_change(Undo()) and is_change(ReopenFollowUp((4,)))


def test_the_usage_examples_parse() -> None:
    assert parse(USAGE["undo"][1]) == Undo()
    assert parse(USAGE["reopen"][1]) == ReopenFollowUp((42,))
