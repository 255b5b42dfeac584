"""`accounts …`: text in, a page of accounts out, and "Show more" for the next page — through
the parser, the executor, the repository and the renderer, on the real database."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain import AccountFilter, AccountKind, AccountStatus, Actor, Owner
from bot.errors import NothingToDo
from bot.execute import Executed, run_more, run_text
from bot.paging import Cursor, More
from bot.render import ids, render_result
from bot.render.reply import Reply, Viewer
from bot.services.queries import ACCOUNTS_PAGE, AccountList
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import ALICE, BOB, EVE, NOW, Harness

CAROL = "UCAROL"


def _add(
    work: SqlUnitOfWork,
    name: str,
    owner: str,
    *,
    kind: AccountKind = AccountKind.CUSTOMER,
    tier: str | None = None,
    status: AccountStatus = AccountStatus.ACTIVE,
    tags: tuple[str, ...] = (),
) -> None:
    work.accounts.add(
        name=name,
        kind=kind,
        owner=Owner(user_id=owner),
        tier=tier,
        cadence_days=30,
        now=NOW - timedelta(days=10),
        status=status,
        tags=tags,
    )


@pytest.fixture
def book(app: Harness) -> Harness:
    """T1: Alice's and Bob's accounts of several kinds, tiers, tags and statuses, an archived
    one that every filter would otherwise take; T2: Eve's, which T1 never sees."""

    def seed(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(NOW)
        alice, bob = ALICE.user_id, BOB.user_id
        _add(work, "Bravo", alice, kind=AccountKind.SUPPLIER, tier="Gold", tags=("emea",))
        _add(work, "alpha", alice, tier="gold", tags=("EMEA", "dach"))
        _add(work, "Charlie", alice, status=AccountStatus.AT_RISK, tier="silver")
        _add(work, "delta", alice, status=AccountStatus.CHURNED, kind=AccountKind.PARTNER)
        _add(
            work,
            "Archived",
            alice,
            kind=AccountKind.SUPPLIER,
            tier="gold",
            status=AccountStatus.ARCHIVED,
            tags=("emea",),
        )
        _add(work, "echo", bob, kind=AccountKind.SUPPLIER, tier="gold", tags=("emea",))
        _add(work, "Foxtrot", bob, status=AccountStatus.AT_RISK, tags=("apac",))
        _add(work, "Golf", bob, status=AccountStatus.ARCHIVED)

    app.read("T1", seed)

    def other(work: SqlUnitOfWork) -> None:
        work.workspaces.get_or_create(NOW)
        _add(work, "Aardvark", EVE.user_id, kind=AccountKind.SUPPLIER, tier="gold", tags=("emea",))

    app.read("T2", other)
    return app


def say(app: Harness, text: str, actor: Actor = ALICE) -> Executed:
    return app.read(actor.team_id, lambda w: run_text(w, actor, NOW, text))


def listed(app: Harness, text: str, actor: Actor = ALICE) -> list[str]:
    result = say(app, text, actor).value
    assert isinstance(result, AccountList)
    return [a.name for a in result.page.items]


def rendered(executed: Executed, actor: Actor = ALICE) -> Reply:
    return render_result(executed, Viewer(actor.user_id, ZoneInfo(actor.timezone), NOW))


def more_value(reply: Reply) -> str | None:
    """The value of the reply's "Show more" button, if it has one."""
    for block in reply.blocks:
        for element in block.get("elements", []):
            if isinstance(element, dict) and element.get("action_id") == ids.SHOW_MORE:
                return str(element["value"])
    return None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # The caller's own by default, by name whatever the case; archived ones never.
        ("accounts", ["alpha", "Bravo", "Charlie", "delta"]),
        ("accounts mine", ["alpha", "Bravo", "Charlie", "delta"]),
        ("accounts all", ["alpha", "Bravo", "Charlie", "delta", "echo", "Foxtrot"]),
        ("accounts <@UBOB>", ["echo", "Foxtrot"]),
        ("accounts suppliers", ["Bravo"]),
        ("accounts all supplier", ["Bravo", "echo"]),
        ("accounts all tier GOLD", ["alpha", "Bravo", "echo"]),
        ("accounts all tag emea", ["alpha", "Bravo", "echo"]),
        ("accounts tag dach", ["alpha"]),
        ("accounts all at risk", ["Charlie", "Foxtrot"]),
        ("accounts at risk", ["Charlie"]),
        ("accounts all supplier tier gold tag emea", ["Bravo", "echo"]),
        ("accounts <@UBOB> supplier tag emea tier gold", ["echo"]),
        ("accounts all partner at risk", []),
        ("accounts <@UNOBODY>", []),
    ],
)
def test_filters_combine_and_archived_accounts_are_left_out(
    book: Harness, text: str, names: list[str]
) -> None:
    assert listed(book, text) == names


def test_another_workspace_is_never_listed(book: Harness) -> None:
    assert listed(book, "accounts all supplier tier gold tag emea", EVE) == ["Aardvark"]
    assert "Aardvark" not in listed(book, "accounts all")


def test_the_header_says_how_the_line_was_read(book: Harness) -> None:
    reply = rendered(say(book, "accounts <@UBOB> suppliers tier gold tag emea"))
    header = reply.blocks[0]["text"]["text"]
    assert header == "*Accounts of <@UBOB>, suppliers, tier gold, tagged `emea`* — 1"
    assert "*echo* · supplier · gold · <@UBOB>" in json.dumps(reply.blocks, ensure_ascii=False)
    mine = rendered(say(book, "accounts at risk"))
    assert mine.blocks[0]["text"]["text"] == "*Your accounts, at risk* — 1"
    # Your own: no owner on each line, the status when not active.
    assert "*Charlie* · customer · silver · at risk" in json.dumps(mine.blocks, ensure_ascii=False)
    assert "UALICE" not in json.dumps(mine.blocks, ensure_ascii=False)
    assert more_value(mine) is None


def test_an_empty_list_says_nothing_matched_and_what_to_try(book: Harness) -> None:
    reply = rendered(say(book, "accounts all partner at risk"))
    assert "No accounts match those filters (All accounts, partners, at risk)" in reply.text
    assert "`accounts all`" in reply.text
    nothing = rendered(say(book, "accounts", Actor("T1", CAROL, "Europe/Berlin")))
    assert "You don't own any accounts yet" in nothing.text


@pytest.fixture
def long_book(book: Harness) -> Harness:
    """Alice owns 31 more customers (35 live), named so that case decides nothing."""

    def seed(work: SqlUnitOfWork) -> None:
        for n in range(31):
            name = f"Kilo{n:02d}" if n % 2 else f"kilo{n:02d}"
            _add(work, name, ALICE.user_id, tags=("emea",))

    book.read("T1", seed)
    return book


def _pages(app: Harness, text: str, clicker: Actor = ALICE) -> list[AccountList]:
    """The first page as Alice asked for it, then each "Show more" in turn, clicked by
    ``clicker`` (each page rendered for whoever asked for it)."""
    executed = say(app, text)
    pages = []
    viewer = ALICE
    while True:
        value = executed.value
        assert isinstance(value, AccountList)
        pages.append(value)
        button = more_value(rendered(executed, viewer))
        viewer = Actor("T1", clicker.user_id, clicker.timezone)
        if button is None:
            return pages
        executed = app.read("T1", lambda w, b=button: run_more(w, clicker, NOW, b))  # type: ignore[misc]


def test_show_more_walks_the_whole_list_once_in_order(long_book: Harness) -> None:
    pages = _pages(long_book, "accounts tag emea")
    names = [a.name for p in pages for a in p.page.items]
    expected = ["alpha", "Bravo", *(f"{'kK'[n % 2]}ilo{n:02d}" for n in range(31))]
    assert names == expected
    assert [len(p.page.items) for p in pages] == [ACCOUNTS_PAGE, 33 - ACCOUNTS_PAGE]
    assert [p.page.total for p in pages] == [33, 33 - ACCOUNTS_PAGE]
    assert [p.continued for p in pages] == [False, True]
    second = rendered(Executed(say(long_book, "accounts tag emea").command, pages[1]))
    assert second.blocks[0]["text"]["text"] == "*Your accounts, tagged `emea`* — 8 left"
    assert "…and 8 more" in rendered(say(long_book, "accounts tag emea")).text


def test_show_more_of_my_list_goes_on_with_mine_whoever_clicks(long_book: Harness) -> None:
    """The button names whose list it is: Bob clicking under Alice's list sees hers."""
    pages = _pages(long_book, "accounts", clicker=BOB)
    assert len(pages) == 2
    assert all(a.owner.user_id == ALICE.user_id for p in pages for a in p.page.items)
    assert sum(len(p.page.items) for p in pages) == 35


@pytest.mark.parametrize(
    "value",
    [
        "",
        "accounts all",
        "accounts all\nnot json",
        'mine\n[["s","x"]]',
        'accounts fancy\n[["s","x"]]',
        '\n[["s","x"]]',
        'accounts all\n[["s","x"],["i",1]]',
        'accounts all\n[["i",1]]',
        'accounts all\n[["d","2027-01-01"]]',
    ],
)
def test_a_forged_show_more_shows_nothing(book: Harness, value: str) -> None:
    with pytest.raises(NothingToDo):
        book.read("T1", lambda w: run_more(w, ALICE, NOW, value))


def test_a_show_more_from_another_workspace_lists_only_the_clickers(book: Harness) -> None:
    value = More("accounts all supplier", Cursor(("",))).encode()
    executed = book.read("T2", lambda w: run_more(w, EVE, NOW, value))
    assert isinstance(executed.value, AccountList)
    assert [a.name for a in executed.value.page.items] == ["Aardvark"]


def test_the_count_stops_at_its_cap(long_book: Harness) -> None:
    def page(work: SqlUnitOfWork) -> Any:
        return work.accounts.listed_page(AccountFilter(), limit=5, count_cap=20)

    first = long_book.read("T1", page)
    assert (first.total, first.capped, len(first.items)) == (20, True, 5)
    reply = rendered(
        Executed(say(long_book, "accounts all").command, AccountList(AccountFilter(), first, False))
    )
    assert reply.blocks[0]["text"]["text"] == "*All accounts* — 20+"
    assert "…and 15+ more" in reply.text
