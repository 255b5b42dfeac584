"""A tag may hold spaces (`key account`), everywhere and the same way: as kept, as typed in a
line (in quotes, straight or curly, or between commas), as a list's "Show more" writes it
back, as an export writes it and an import reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import (
    FindAccounts,
    ListAccounts,
    ParseError,
    Scope,
    TagAccount,
    UntagAccount,
)
from bot.domain import MAX_TAG_LENGTH, TAG_QUOTES, TAG_SEPARATORS, AccountKind, name_key
from bot.errors import InvalidInput
from bot.parser import NameSet, ParseContext, parse_command
from bot.parser.lists import accounts_line
from bot.parser.tags import as_written
from bot.parser.usage import USAGE
from bot.render.help import render_help
from bot.render.items import tags_text
from bot.transfer.values import split_tags
from bot.transfer.writer import TAG_SEPARATOR
from bot.validation import clean_tag, typed_tag

CONTEXT = ParseContext(
    now=datetime(2027, 1, 6, 10, 0, tzinfo=UTC),
    tz=ZoneInfo("Europe/Berlin"),
    dayfirst=False,
    account_keys=NameSet.of("Acme Corp", "Acme", "Hooli, Inc."),
)


def parse(text: str) -> object:
    return parse_command(text, CONTEXT)


# --- as kept ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Key Account", "Key Account"),
        ("  key \t  account\n", "key account"),  # spacing folded, ends trimmed
        ("key\u00a0account\u200b", "key account"),  # a no-break space; an invisible one
        ("#key account", "key account"),
        ("# #emea", "emea"),
        ("“Key Account”", "Key Account"),  # the quotes it was written in
        ('"vip"', "vip"),
        ("emea", "emea"),
        ("x" * MAX_TAG_LENGTH, "x" * MAX_TAG_LENGTH),
        ("a" + " " * 30 + "b" * (MAX_TAG_LENGTH - 2), "a " + "b" * (MAX_TAG_LENGTH - 2)),
    ],
)
def test_a_tag_is_kept_with_its_spaces_folded(typed: str, kept: str) -> None:
    assert clean_tag(typed) == kept


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("", "isn't a tag"),
        ("#", "“#” isn't a tag"),
        (" “ ” ", "isn't a tag"),
        ("emea; apac", "`;` separates tags"),
        ("key account, emea", "`,` separates tags"),
        ("a|b", "`|` separates tags"),
        ("a;b,c", "`;` and `,` separate tags"),
        ('say "hi" there', "quote marks go around a tag"),
        ("o”brien", "quote marks go around a tag"),
        ("x" * (MAX_TAG_LENGTH + 1), f"at most {MAX_TAG_LENGTH} characters"),
    ],
)
def test_a_tag_holds_no_mark_that_separates_or_quotes_tags(typed: str, why: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_tag(typed)
    assert why in refused.value.message


def test_the_marks_between_tags_are_the_files_and_the_lines() -> None:
    """An export joins tags with one of them; an import splits a cell at each of them."""
    assert TAG_SEPARATOR.strip() in TAG_SEPARATORS
    for mark in TAG_SEPARATORS:
        assert split_tags(f"key account{mark}emea") == ("key account", "emea")
        assert parse(f"tag Acme key account{mark} emea") == TagAccount(
            "Acme", ("key account", "emea")
        )


# Text as people and files hold it: letters with spaces, marks, the separators and quotes.
TAG_TEXT = st.text(
    st.sampled_from(list("abcÄß #-&<>@.\u00a0\t") + list(TAG_SEPARATORS + TAG_QUOTES))
    | st.characters(codec="utf-8"),
    max_size=60,
)


def _accepted(text: str) -> str | None:
    try:
        return clean_tag(text)
    except InvalidInput:
        return None


@given(st.lists(TAG_TEXT, max_size=6))
def test_every_tag_kept_comes_back_whole_from_an_exported_cell(texts: list[str]) -> None:
    kept: dict[str, str] = {}
    for text in texts:
        tag = _accepted(text)
        if tag is not None:
            kept.setdefault(name_key(tag), tag)
    tags = tuple(kept.values())
    cell = TAG_SEPARATOR.join(tags)
    read = tuple(clean_tag(tag) for tag in split_tags(cell))
    assert read == tags  # not one tag parted, joined or changed
    assert all(clean_tag(tag) == tag for tag in tags)  # kept is kept as it is


@given(TAG_TEXT)
def test_typed_tag_never_refuses_and_clean_tag_keeps_what_it_reads(text: str) -> None:
    tag = _accepted(text)
    assert tag is None or tag == typed_tag(text)


# --- as typed in a line -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "command"),
    [
        # Words are tags, as they always were.
        ("tag Acme vip emea", TagAccount("Acme", ("vip", "emea"))),
        ("tag Acme Corp #vip, emea,VIP", TagAccount("Acme Corp", ("vip", "emea"))),
        ("tag Acme vip emea,", TagAccount("Acme", ("vip", "emea"))),  # no tag after it
        # In quotes, straight or as Slack's smart quotes send them, or German ones.
        ('tag Acme "key account" emea', TagAccount("Acme", ("key account", "emea"))),
        ("tag Acme “key account” emea", TagAccount("Acme", ("key account", "emea"))),
        ("tag Acme „Key Account“", TagAccount("Acme", ("Key Account",))),
        ("tag Acme ”key account”", TagAccount("Acme", ("key account",))),
        (
            'tag Acme "key   account" "Key Account" #emea',
            TagAccount("Acme", ("key account", "emea")),
        ),
        ('tag Acme "key account', TagAccount("Acme", ("key account",))),  # never closed
        # Commas between tags: each tag is what stands between them.
        ("tag Acme key account, emea", TagAccount("Acme", ("key account", "emea"))),
        ("tag Acme Corp, key account, emea", TagAccount("Acme Corp", ("key account", "emea"))),
        ("tag Acme vip emea, apac", TagAccount("Acme", ("vip emea", "apac"))),
        ("tag Acme key account; emea", TagAccount("Acme", ("key account", "emea"))),
        ('tag Acme "key account", emea', TagAccount("Acme", ("key account", "emea"))),
        ('tag Acme "a, b" c', TagAccount("Acme", ("a, b", "c"))),  # the service refuses it
        ("tag Hooli, Inc. key account, emea", TagAccount("Hooli, Inc.", ("key account", "emea"))),
        # A channel Slack made of #emea is the tag emea, its | no separator.
        ("tag Acme <#C1|emea>, key account", TagAccount("Acme", ("emea", "key account"))),
        ("tag Acme <#C1|emea> vip", TagAccount("Acme", ("emea", "vip"))),
        # Slack's other references stay whole: no tag is made of half of one.
        ("tag Acme <@U02BOB|bob>, vip", TagAccount("Acme", ("<@U02BOB|bob>", "vip"))),
        # An account nobody knows ends before the last word, or the last quoted tag.
        ('tag Nobody Inc "key account"', TagAccount("Nobody Inc", ("key account",))),
        ("tag Nobody Inc vip", TagAccount("Nobody Inc", ("vip",))),
        # A quote inside a word quotes nothing.
        ('tag Acme o"brien', TagAccount("Acme", ('o"brien',))),
        ('untag Acme "key account"', UntagAccount("Acme", "key account")),
        ("untag Acme Corp “Key Account”", UntagAccount("Acme Corp", "Key Account")),
        ("untag Acme vip", UntagAccount("Acme", "vip")),
        ('accounts tag "key account"', ListAccounts(tag="key account")),
        (
            "accounts all tag “key account” supplier",
            ListAccounts(Scope.ALL, kind=AccountKind.SUPPLIER, tag="key account"),
        ),
        ("accounts tag emea", ListAccounts(tag="emea")),
        ("accounts tag #emea", ListAccounts(tag="emea")),
        ("accounts tag <#C1|emea> all", ListAccounts(Scope.ALL, tag="emea")),
        ('accounts tag "tier" tier gold', ListAccounts(tier="gold", tag="tier")),
        ('find "key account"', FindAccounts("key account")),
        ("find “key account” archived", FindAccounts("key account", include_archived=True)),
        ("find key account", FindAccounts("key account")),
    ],
)
def test_a_tag_with_spaces_is_typed_in_quotes_or_between_commas(line: str, command: object) -> None:
    assert parse(line) == command
    assert parse(f"/crm {line}") == command


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("untag Acme key account", 'quotes: `untag Acme "key account"`'),
        ("untag Acme vip, emea", "One tag at a time"),
        ("accounts tag key account", 'spaces goes in quotes: `accounts tag "key account"`'),
        ('tag Acme ""', "Which tag?"),
        ('accounts tag ""', "Which tag?"),
        ('tag Acme "' + "x" * (MAX_TAG_LENGTH + 1) + '"', f"at most {MAX_TAG_LENGTH}"),
        ('accounts "all"', "I don't understand “all”"),  # quoted, it is no filter word
    ],
)
def test_a_line_that_does_not_say_which_tag_is_answered_with_how(line: str, says: str) -> None:
    result = parse(line)
    assert isinstance(result, ParseError), result
    assert says in result.message


# --- as a line writes it back -------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "written"),
    [
        ("emea", "emea"),
        ("key account", '"key account"'),
        ("a;b", '"a;b"'),  # a tag kept before separators were refused
        ("<#C1|x>", '"<#C1|x>"'),
        ('o"brien', 'o"brien'),  # kept before quote marks were: it has no space
    ],
)
def test_a_tag_is_written_into_a_line_so_that_it_reads_back(tag: str, written: str) -> None:
    assert as_written(tag) == written


@given(
    tag=TAG_TEXT.map(_accepted).filter(lambda tag: tag is not None),
    scope=st.sampled_from([(Scope.MINE, None), (Scope.ALL, None), (Scope.USER, "U02BOB")]),
)
def test_a_show_more_line_reads_back_as_its_tag(tag: str, scope: tuple[Scope, str | None]) -> None:
    command = ListAccounts(scope[0], scope[1], tag=tag, tier="gold")
    line = accounts_line(command)
    assert parse(line) == command, line


def test_a_show_more_line_quotes_a_tag_with_spaces() -> None:
    line = accounts_line(ListAccounts(Scope.ALL, tag="key & account"))
    assert line == 'accounts tag "key &amp; account" all'


# --- as shown, and as help says it --------------------------------------------------------


def test_a_tag_with_spaces_reads_as_one() -> None:
    assert tags_text(("key account", "emea")) == "`key account` `emea`"


def test_help_and_the_usage_example_say_how_to_write_a_tag_with_spaces() -> None:
    assert '"key account"' in USAGE["tag"][1] and '"key account"' in USAGE["untag"][1]
    for topic in ("tag", "untag", "accounts"):
        assert '"key account"' in render_help(topic).text, topic
    assert "key account, emea" in render_help("tag").text
    tagged = parse(USAGE["tag"][1])
    assert tagged == TagAccount("Acme Corp", ("emea", "key account"))
