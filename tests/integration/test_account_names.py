"""Account names found the way people refer to them (issue 9, point 1), on each database:
the name itself, else the one account whose words the typed words start or are; several fit:
a choice, never a guess."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import MAX_NAME_LENGTH, Account, Actor, words_key
from bot.errors import AccountNotFound, AmbiguousAccount
from bot.services import accounts
from bot.services.lookup import CHOICES, resolve_account
from tests.integration.conftest import ALICE, NOW, Harness


def _add(app: Harness, *names: str, actor: Actor = ALICE) -> None:
    for name in names:
        app.run(actor, accounts.add_account, NOW, name=name)


def _resolve(app: Harness, typed: str, actor: Actor = ALICE) -> Account:
    return app.read(actor.team_id, lambda work: resolve_account(work, typed))


def _choices(app: Harness, typed: str) -> list[str]:
    with pytest.raises(AmbiguousAccount) as refused:
        _resolve(app, typed)
    return [name for _account_id, name in refused.value.choices]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("acme", "Acme Corp"),  # the name's first word
        ("ACME", "Acme Corp"),
        ("hooli", "Hooli, Inc."),  # a word before a mark
        ("hooli inc", "Hooli, Inc."),  # the name's words, without its marks
        ("muller", "Müller GmbH & Co. KG"),  # without accents
        ("müller gmbh", "Müller GmbH & Co. KG"),
        ("mifflin", "Dunder Mifflin"),  # a whole word inside the name
        ("stark", "Stark Industries"),
        ("stark industries", "Stark Industries"),
    ],
)
def test_the_one_account_that_fits_is_found(app: Harness, typed: str, found: str) -> None:
    _add(app, "Acme Corp", "Hooli, Inc.", "Müller GmbH & Co. KG", "Dunder Mifflin")
    _add(app, "Stark Industries", "Starkwood")  # "stark" is no whole word of "Starkwood"
    assert _resolve(app, typed).name == found


@pytest.mark.parametrize(
    "typed", ["acm", "corp inc", "mif", "industries stark", "dunder-mifflin x"]
)
def test_part_of_a_word_or_words_out_of_order_fit_nothing(app: Harness, typed: str) -> None:
    _add(app, "Acme Corp", "Dunder Mifflin", "Stark Industries")
    with pytest.raises(AccountNotFound):
        _resolve(app, typed)


def test_the_name_itself_comes_before_any_that_only_fit(app: Harness) -> None:
    _add(app, "Acme", "Acme Corp", "Big Acme")
    assert _resolve(app, "acme").name == "Acme"
    assert _resolve(app, "Acme!").name == "Acme"  # typed marks: the parser's to drop, but
    # the name's words are the same either way


def test_several_that_fit_are_a_choice_shortest_first(app: Harness) -> None:
    _add(app, "Acme Labs", "Acme Corp", "Big Acme", "Acmex")
    assert _choices(app, "acme") == ["Big Acme", "Acme Corp", "Acme Labs"]


def test_the_same_words_differently_written_are_a_choice(app: Harness) -> None:
    _add(app, "Müller", "Muller.")
    assert _resolve(app, "müller").name == "Müller"  # the name itself
    assert sorted(_choices(app, "MULLER!")) == ["Muller.", "Müller"]


def test_a_live_account_before_an_archived_one(app: Harness) -> None:
    _add(app, "Acme Corp", "Acme Old", "Soylent Corp")
    app.run(ALICE, accounts.archive_account, NOW, account="Acme Old")
    app.run(ALICE, accounts.archive_account, NOW, account="Soylent Corp")
    assert _resolve(app, "acme").name == "Acme Corp"
    assert _resolve(app, "soylent").name == "Soylent Corp"  # the one that fits, archived


def test_many_that_fit_offer_a_few_and_say_there_are_more(app: Harness) -> None:
    _add(app, *(f"Nordwind {n}" for n in range(CHOICES + 3)))
    with pytest.raises(AmbiguousAccount) as refused:
        _resolve(app, "nordwind")
    assert len(refused.value.choices) == CHOICES and refused.value.more


def test_another_workspaces_accounts_never_fit(app: Harness) -> None:
    other = replace(ALICE, team_id="T2")
    _add(app, "Acme Corp")
    _add(app, "Acme Labs", actor=other)
    assert _resolve(app, "acme").name == "Acme Corp"
    assert _resolve(app, "acme", other).name == "Acme Labs"


_teams = itertools.count(1)
_NAME = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda name: words_key(name) != "")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=_NAME, second=_NAME, third=_NAME)
def test_two_accounts_sharing_a_first_word_never_resolve_from_it(
    app: Harness, first: str, second: str, third: str
) -> None:
    word = words_key(first).split()[0]
    one, two = f"{word} {second}"[:MAX_NAME_LENGTH], f"{word} {third}"[:MAX_NAME_LENGTH]
    if words_key(one) == words_key(two) or word in (words_key(one), words_key(two)):
        return  # the same name twice, or one that is the word itself
    actor = replace(ALICE, team_id=f"TW{next(_teams)}")
    _add(app, one, two, actor=actor)
    with pytest.raises(AmbiguousAccount):
        _resolve(app, word, actor)
