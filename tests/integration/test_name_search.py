"""Finding accounts through the name index (migration 0005), on both databases.

`find`, "did you mean" and the parser's longest match look names up through an index; these
tests pin what the index must keep true: every way a name changes is seen at once, text is
matched as typed (no wildcards), and one workspace never sees another's names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import suppress
from typing import Any

import pytest
from sqlalchemy import Connection

from bot.domain import AccountKind, AccountStatus, Owner, name_key
from bot.errors import AccountNotFound, RapportError
from bot.execute import run_text
from bot.matching import rank_accounts
from bot.services import accounts, queries
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import ALICE, EVE, NOW, Harness
from tests.plans import each_statement, walks


def _found(app: Harness, query: str, *, include_archived: bool = False) -> list[str]:
    found = app.run(
        ALICE, lambda w, _a: queries.find_accounts(w, query, include_archived=include_archived)
    )
    return [a.name for a in found.accounts]


def _add(app: Harness, *names: str) -> None:
    for name in names:
        app.run(ALICE, accounts.add_account, NOW, name=name)


def test_part_of_a_name_a_tag_or_a_contact_finds_the_account_best_first(app: Harness) -> None:
    _add(app, "Globex Logistics", "Acme Corp", "Acme", "Nacme Trading", "Initech")
    app.run(ALICE, accounts.tag_account, NOW, account="Initech", tags=("acme-partner",))
    app.run(ALICE, accounts.add_contact, NOW, account="Globex Logistics", name="Jane Acmeson")

    assert _found(app, "acme") == [
        "Acme",  # the name itself
        "Acme Corp",  # its start
        "Nacme Trading",  # anywhere in the name
        "Initech",  # a tag
        "Globex Logistics",  # a contact
    ]
    assert _found(app, "GISTIC") == ["Globex Logistics"]


def test_a_text_shorter_than_a_trigram_matches_the_start_of_names(app: Harness) -> None:
    _add(app, "Acme Corp", "Nacme Trading", "Globex")
    assert _found(app, "ac") == ["Acme Corp"]
    assert _found(app, "G") == ["Globex"]


@pytest.mark.parametrize(
    ("names", "query", "expected"),
    [
        (("100% Pure", "100 Pure"), "100%", ["100% Pure"]),
        (("Under_score Ltd", "Underscore Ltd"), "under_s", ["Under_score Ltd"]),
        (('The "Quoted" Co', "The Quoted Co"), '"quoted"', ['The "Quoted" Co']),
        (("Back\\slash AG", "Backslash AG"), "k\\s", ["Back\\slash AG"]),
        (("Stern*Werk", "Sternwerk"), "n*w", ["Stern*Werk"]),
    ],
)
def test_search_text_is_literal_never_a_pattern(
    app: Harness, names: tuple[str, ...], query: str, expected: list[str]
) -> None:
    _add(app, *names)
    assert _found(app, query) == expected


def test_a_renamed_account_is_found_by_its_new_name_only(app: Harness) -> None:
    _add(app, "Acme Corp")
    app.run(ALICE, accounts.rename_account, NOW, account="Acme Corp", new_name="Zenith Labs")
    assert _found(app, "zenith") == ["Zenith Labs"]
    assert _found(app, "acme") == []


def test_tags_and_contacts_are_found_as_soon_as_they_exist_and_not_after(app: Harness) -> None:
    _add(app, "Acme Corp")
    app.run(ALICE, accounts.tag_account, NOW, account="Acme Corp", tags=("emea",))
    assert _found(app, "emea") == ["Acme Corp"]
    app.run(ALICE, accounts.untag_account, NOW, account="Acme Corp", tag="emea")
    assert _found(app, "emea") == []


def test_archived_accounts_are_found_only_when_asked(app: Harness) -> None:
    _add(app, "Soylent Foods", "Soylent Green")
    app.run(ALICE, accounts.archive_account, NOW, account="Soylent Green")
    assert _found(app, "soylent") == ["Soylent Foods"]
    assert _found(app, "soylent", include_archived=True) == ["Soylent Foods", "Soylent Green"]
    status = app.read("T1", lambda w: w.accounts.by_key("soylent green"))
    assert status is not None and status.status is AccountStatus.ARCHIVED


def test_an_archived_match_is_named_when_no_live_account_matches(app: Harness) -> None:
    """`find Soylent` for an archived account names it rather than inviting a duplicate."""
    _add(app, "Soylent Green", "Globex")
    app.run(ALICE, accounts.archive_account, NOW, account="Soylent Green")
    found = app.run(ALICE, lambda w, _a: queries.find_accounts(w, "soylent"))
    assert (found.accounts, found.suggestions) == ([], [])
    assert [a.name for a in found.archived] == ["Soylent Green"]
    live = app.run(ALICE, lambda w, _a: queries.find_accounts(w, "glob"))
    assert [a.name for a in live.accounts] == ["Globex"] and live.archived == []


def test_another_workspace_is_never_found_nor_suggested(app: Harness) -> None:
    _add(app, "Acme Corp")
    # The other workspace has many names spelt alike; none may crowd out or leak in.
    for number in range(60):
        app.run(EVE, accounts.add_account, NOW, name=f"Acme Corp {number:02}")
    assert _found(app, "acme") == ["Acme Corp"]
    with pytest.raises(AccountNotFound) as refused:
        app.run(ALICE, accounts.archive_account, NOW, account="Acme Crop")
    assert refused.value.suggestions == ("Acme Corp",)
    assert app.read("T1", lambda w: w.accounts.keys_among(["acme corp", "acme corp 07"])) == {
        "acme corp"
    }


def test_did_you_mean_finds_a_typo_among_many_names(app: Harness) -> None:
    _add(app, *(f"Company {number:03}" for number in range(80)), "Initech Labs", "Globex")
    with pytest.raises(AccountNotFound) as refused:
        app.run(ALICE, accounts.archive_account, NOW, account="Intech Labs")
    assert refused.value.suggestions[0] == "Initech Labs"
    assert app.run(ALICE, lambda w, _a: queries.find_accounts(w, "Glbex")).suggestions == ["Globex"]


NAME_TABLES = ("accounts", "account_tags", "contacts")


@pytest.mark.parametrize(
    "text",
    [
        "show Acme Corp",
        "show acme corp gmbh",
        "history Acme Corp 3",
        "who owns Acme Corp",
        "log call with Acme Corp: pricing. follow up friday: send the quote",
        "tag Acme Corp emea",
        "find acme",
        "find ac",
        "find acm corp",
        "find glbex",
        "show Acme Crop",
    ],
)
def test_reading_a_line_never_walks_the_workspace_names(
    app: Harness, connection: Connection, text: str
) -> None:
    _add(app, *(f"Company {number:03} GmbH" for number in range(40)), "Acme Corp", "Globex")
    app.run(ALICE, accounts.tag_account, NOW, account="Globex", tags=("acme-partner",))
    app.run(ALICE, accounts.add_contact, NOW, account="Globex", name="Jane Acmeson")

    def read_the_line() -> None:
        # An unknown account is refused; its "did you mean" is what is looked at then.
        with suppress(RapportError):
            app.read("T1", lambda w: run_text(w, ALICE, NOW, text))

    statements = each_statement(connection, read_the_line)
    assert statements.selects()
    assert walks(connection, statements, NAME_TABLES) == []


def test_exact_look_ups_cannot_take_the_trigram_index(connection: Connection) -> None:
    """pg_trgm's GIN operator class answers equality too; on the bare key PostgreSQL took it
    for `name_key = ANY(…)` (an import's look-up of 1,000 names: 3.9 s instead of 1 ms).
    The trigram indexes are on lower(key), which exact look-ups never spell."""
    if connection.dialect.name != "postgresql":
        pytest.skip("SQLite's name index is an FTS5 table, never used for equality")
    definitions = connection.exec_driver_sql(
        "SELECT indexdef FROM pg_indexes "
        "WHERE starts_with(indexname, 'search_') AND right(indexname, 5) = '_trgm'"
    ).scalars()
    found = list(definitions)
    assert len(found) == 3
    assert all("gin (lower((" in d and "gin_trgm_ops" in d for d in found), found


def _book(app: Harness, *rows: tuple[str, Sequence[str], Sequence[str]]) -> None:
    """Accounts (name, tags, contact names) added in one unit of work, for data in bulk."""

    def add(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(NOW)
        for name, tags, contacts in rows:
            account = work.accounts.add(
                name=name,
                kind=AccountKind.CUSTOMER,
                owner=Owner(user_id=ALICE.user_id),
                tier=None,
                cadence_days=30,
                now=NOW,
                tags=tags,
            )
            for contact in contacts:
                work.contacts.add(
                    account_id=account.id,
                    name=contact,
                    title=None,
                    email=None,
                    phone=None,
                    slack_user_id=None,
                    now=NOW,
                )

    app.read("T1", add)


def _ranked_by_bot_matching(app: Harness, query: str, *, include_archived: bool) -> list[str]:
    """What ``find`` must show: bot.matching's ranking of every account of the workspace."""

    def everything(work: SqlUnitOfWork) -> list[str]:
        contact_keys: dict[int, list[str]] = {}
        for contact in work.contacts.all():
            contact_keys.setdefault(contact.account_id, []).append(name_key(contact.name))
        candidates = [
            a
            for a in work.accounts.all()
            if include_archived or a.status is not AccountStatus.ARCHIVED
        ]
        ranked = rank_accounts(query, candidates, contact_keys)
        return [a.name for a in ranked[: queries.FIND_LIMIT]]

    return app.read("T1", everything)


# Every tier of bot.matching, with more matches of "nord" than a page holds: the page ends
# inside the exact tags, where names of one length are ordered by code point ("Nordz" before
# "Nordé", as Python compares them); prefixes of every length; a word start, an inside match.
_NORD_BOOK: tuple[tuple[str, Sequence[str], Sequence[str]], ...] = (
    ("Nord", (), ()),
    ("Nordwind", ("nord",), ()),  # a name and a tag: counts at its name's rank
    ("Nordwind AG", (), ("Anna Nordberg",)),
    ("Nordtech", (), ()),
    ("Nordtech Labs", (), ()),
    ("Nord AG", (), ()),
    ("Nord Labs GmbH", ("nordics",), ()),
    ("Nordé AG", (), ()),
    ("Nordz AG", (), ()),
    ("Big Nord", (), ()),
    ("Big Nordic", (), ()),
    ("Alpha Nordwind", (), ()),
    ("The Nord Co", (), ()),
    ("Old Nord", (), ()),
    ("Ostnord", (), ()),
    ("Westnord AG", (), ()),
    ("Binord", (), ()),
    ("Senordo", (), ()),
    ("Kanord Labs", (), ()),
    ("Xnord", (), ()),
    *((f"Tagged {n}", ("nord", "emea"), ()) for n in ("é", "z", "a", "bb", "ccc", "d", "e")),
    *((f"Partner {n}", ("nord-partner",), ()) for n in range(5)),
    *((f"Contact {n}", (), ("Anna Nordberg",)) for n in range(5)),
    ("Archived Nord", ("nord",), ("Anna Nordberg",)),
    *((f"Labs {n:02}", (), ()) for n in range(3)),
)


# Texts of a trigram or more: a shorter one is matched at the start of names, tags and
# contacts only (test_a_text_shorter_than_a_trigram_matches_the_start_of_names).
@pytest.mark.parametrize(
    "query", ["nord", "Nordw", "nord labs", "labs", "nordberg", "partner", "NORDÉ", "zzz"]
)
@pytest.mark.parametrize("include_archived", [False, True])
def test_find_shows_the_accounts_bot_matching_ranks_first(
    app: Harness, query: str, include_archived: bool
) -> None:
    _book(app, *_NORD_BOOK)
    app.run(ALICE, accounts.archive_account, NOW, account="Archived Nord")

    expected = _ranked_by_bot_matching(app, query, include_archived=include_archived)
    assert _found(app, query, include_archived=include_archived) == expected


def _find_statement(connection: Connection, app: Harness, query: str) -> tuple[str, Any]:
    statements = each_statement(connection, lambda: _found(app, query))
    [found] = [(s, p) for s, p in statements.run if s.lstrip().startswith("WITH name_start")]
    return found


def _postgres_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _postgres_nodes(child)


def _sqlite_steps(connection: Connection, statement: str, parameters: Any) -> int:
    """How many virtual machine instructions SQLite runs for the statement: its work."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    raw = connection.connection.driver_connection
    raw.set_progress_handler(count, 1)
    try:
        connection.exec_driver_sql(statement, parameters).all()
    finally:
        raw.set_progress_handler(None, 1)
    return steps


def _more_that_rank_lower(start: int, count: int) -> list[tuple[str, Sequence[str], Sequence[str]]]:
    return [
        row
        for n in range(start, start + count)
        for row in (
            (f"Nacme {n:03}", (), ()),  # "acme" inside a name
            (f"Tagged {n:03}", ("acme", "acme-partner"), ()),
            (f"Contact {n:03}", (), ("Jane Acmeson",)),
        )
    ]


def test_a_word_that_fills_the_page_at_the_start_of_names_reads_nothing_else(
    app: Harness, connection: Connection
) -> None:
    """``find`` reads the tiers of bot.matching best first and stops when the page is full:
    with 25 names starting with the word, the trigram indexes of names, tags and contacts
    are never read, however many rows they would match."""
    _book(app, *((f"Acme {n:02}", (), ()) for n in range(30)), *_more_that_rank_lower(0, 2))
    shown = [f"Acme {n:02}" for n in range(queries.FIND_LIMIT)]
    assert _found(app, "acme") == shown
    statement, parameters = _find_statement(connection, app, "acme")

    if connection.dialect.name == "postgresql":
        explained = connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
        ).scalar_one()
        plan = (explained if isinstance(explained, list) else json.loads(explained))[0]["Plan"]
        read = [
            node.get("Index Name") or node["Relation Name"]
            for node in _postgres_nodes(plan)
            if node.get("Actual Loops", 0) > 0
            and (
                node.get("Relation Name") in ("account_tags", "contacts")
                or "trgm" in node.get("Index Name", "")
            )
        ]
        assert read == [], read
        return

    # SQLite reports no rows read; its work is the instructions it runs. Many more rows in
    # the tiers after the first must not change it at all.
    before = _sqlite_steps(connection, statement, parameters)
    _book(app, *_more_that_rank_lower(2, 40))
    assert _found(app, "acme") == shown
    statement, parameters = _find_statement(connection, app, "acme")
    assert _sqlite_steps(connection, statement, parameters) == before
