"""Ranking accounts for `find`, and the "did you mean" suggestions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import Account, AccountKind, AccountStatus, Owner
from bot.matching import match_rank, rank_accounts, suggest

NOW = datetime(2027, 1, 6, tzinfo=UTC)


def account(account_id: int, name: str, tags: tuple[str, ...] = ()) -> Account:
    return Account(
        id=account_id,
        team_id="T1",
        name=name,
        kind=AccountKind.CUSTOMER,
        owner=Owner(user_id="U1"),
        tier=None,
        status=AccountStatus.ACTIVE,
        cadence_days=30,
        tags=tags,
        last_touch_at=None,
        next_touch_due=NOW,
        created_at=NOW,
        updated_at=NOW,
    )


ACCOUNTS = [
    account(1, "Acme Corp", ("emea",)),
    account(2, "Acme"),
    account(3, "Big Acme Holdings"),
    account(4, "Globex", ("acme-partner",)),
    account(5, "Initech"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acme", ["Acme", "Acme Corp", "Big Acme Holdings", "Globex"]),
        ("ACME  CORP", ["Acme Corp"]),
        ("emea", ["Acme Corp"]),
        ("hold", ["Big Acme Holdings"]),
        ("tech", ["Initech"]),
        ("zzz", []),
    ],
)
def test_rank_accounts_best_match_first(query: str, expected: list[str]) -> None:
    assert [a.name for a in rank_accounts(query, ACCOUNTS)] == expected


def test_contact_names_find_their_account() -> None:
    ranked = rank_accounts("scorpio", ACCOUNTS, {4: ["hank scorpio"]})
    assert [a.name for a in ranked] == ["Globex"]


def test_exact_beats_prefix_beats_word_beats_substring() -> None:
    ranks = [match_rank("acme", a) for a in ACCOUNTS[:4]]
    assert ranks == [1, 0, 2, 5]
    assert match_rank("", ACCOUNTS[0]) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Acme Crop", ["Acme Corp", "Acme"]),
        ("acmee", ["Acme", "Acme Corp"]),
        ("Globx", ["Globex"]),
        ("initec", ["Initech"]),
        ("Umbrella", []),
        ("", []),
    ],
)
def test_suggest(query: str, expected: list[str]) -> None:
    assert suggest(query, [a.name for a in ACCOUNTS]) == expected
