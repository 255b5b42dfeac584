"""A name's words: what an account is found by when it is not typed in full."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import name_key, words_key


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Hooli, Inc.", "hooli inc"),
        ("hooli inc", "hooli inc"),
        ("Müller GmbH & Co. KG", "muller gmbh co kg"),
        ("MULLER gmbh", "muller gmbh"),
        ("Monday.com", "monday com"),
        ("Yahoo!", "yahoo"),
        ("Straße AG", "strasse ag"),
        ("İstanbul A.Ş.", "istanbul a s"),
        ("삼성전자", "삼성전자"),  # composed again after the accents go
        ("Ｆｕｌｌ　Ｗｉｄｔｈ", "full width"),
        ("Acme\u200bCorp", "acmecorp"),  # invisible characters are no word breaks
        ("🚀", ""),
        ("snake_case", "snake case"),
    ],
)
def test_words_of_a_name(name: str, words: str) -> None:
    assert words_key(name) == words


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_words_are_never_longer_than_the_key_and_read_the_same_again(name: str) -> None:
    words = words_key(name)
    assert len(words) <= len(name_key(name))  # the column is as wide as the name's
    assert words_key(words) == words
    assert words == words.strip() and "  " not in words
