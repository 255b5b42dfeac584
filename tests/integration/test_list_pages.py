"""Lists are read a page at a time: following the cursors walks the whole list once, in its
order, ties included, and each page counts what is left from its start on."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TypeVar

from sqlalchemy import select

from bot.domain import AccountKind, AccountStatus, ContractDirection, FollowUp, Owner
from bot.paging import Cursor, Page
from storage import models
from storage.repositories.paging import read_page
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import NOW, Harness

T = TypeVar("T")
TODAY = NOW.date()


def _walk(
    app: Harness, read: Callable[[Cursor | None, SqlUnitOfWork], Page[T]]
) -> tuple[list[T], list[int]]:
    """Every page in turn, each in a unit of work of its own, the cursor carried between
    them as a button's value would be (encoded text)."""
    items: list[T] = []
    totals: list[int] = []
    text: str | None = None
    while True:
        after = Cursor.decode(text) if text is not None else None
        page = app.read("T1", partial(read, after))
        items += page.items
        totals.append(page.total)
        if page.cursor is None:
            return items, totals
        text = page.cursor.encode()


def _seed(work: SqlUnitOfWork) -> None:
    """Eight live accounts of two owners, one archived; follow-ups with equal due times and
    snoozes; contracts."""
    work.workspaces.get_or_create(NOW)
    for n in range(8):
        owner = "UALICE" if n % 3 else "UBOB"
        work.accounts.add(
            name=f"Account {7 - n}",
            kind=AccountKind.CUSTOMER,
            owner=Owner(user_id=owner),
            tier=None,
            cadence_days=30,
            # Pairs of accounts last touched at the same moment: ties broken by id.
            now=NOW - timedelta(days=40 + n // 2),
        )
    work.accounts.add(
        name="Archived",
        kind=AccountKind.CUSTOMER,
        owner=Owner(user_id="UALICE"),
        tier=None,
        cadence_days=30,
        now=NOW - timedelta(days=90),
        status=AccountStatus.ARCHIVED,
    )
    ids = [a.id for a in work.accounts.all()]
    for number in range(1, 12):
        follow_up = work.follow_ups.add(
            number=number,
            account_id=ids[number % 8],
            owner_id="UALICE" if number % 2 else "UBOB",
            due_at=NOW - timedelta(days=number // 3),  # three at a time share a moment
            text=f"#{number}",
            created_by="UALICE",
            now=NOW,
        )
        if number in (4, 9):  # snoozed past the others, and back among them
            snoozed = NOW + timedelta(days=1) if number == 4 else NOW - timedelta(days=1)
            work.follow_ups.save(_snoozed(follow_up, snoozed), NOW)
    for n, account_id in enumerate(ids):
        work.contracts.add(
            account_id=account_id,
            value=Decimal(100 * n),
            currency="EUR",
            renewal_date=date(2027, 2, 1) + timedelta(days=n // 2 * 10),
            direction=ContractDirection.WE_SELL,
            start_date=None,
            notice_days=None,
            auto_renew=False,
            previous_id=None,
            now=NOW,
        )


def _snoozed(follow_up: FollowUp, until: datetime) -> FollowUp:
    return dataclasses.replace(follow_up, snoozed_until=until)


def test_follow_up_pages_walk_the_list_in_order(app: Harness) -> None:
    app.read("T1", _seed)
    whole = app.read("T1", lambda w: w.follow_ups.open_due_before(NOW + timedelta(days=2), None))
    items, totals = _walk(
        app,
        lambda after, w: w.follow_ups.open_page(
            owner_id=None, due_before=NOW + timedelta(days=2), limit=3, after=after
        ),
    )
    assert [f.number for f in items] == [f.number for f in whole]
    assert totals == [11, 8, 5, 2]
    # The snoozed ones by when they are due now: #4 last, #9 among yesterday's.
    assert [f.number for f in items][-1] == 4


def test_follow_up_pages_of_one_owner_in_a_window(app: Harness) -> None:
    app.read("T1", _seed)
    items, totals = _walk(
        app,
        lambda after, w: w.follow_ups.open_page(
            owner_id="UALICE",
            due_from=NOW - timedelta(days=2),
            due_before=NOW + timedelta(days=2),
            limit=2,
            after=after,
        ),
    )
    expected = [
        f
        for f in app.read("T1", lambda w: w.follow_ups.open_for_owner("UALICE"))
        if NOW - timedelta(days=2) <= f.effective_due < NOW + timedelta(days=2)
    ]
    assert [f.number for f in items] == [f.number for f in expected]
    assert totals[0] == len(expected) and len(totals) == (len(expected) + 1) // 2


def test_stale_pages_walk_longest_first_with_ties_by_id(app: Harness) -> None:
    app.read("T1", _seed)
    whole = app.read("T1", lambda w: w.accounts.stale(NOW, None))
    items, totals = _walk(
        app,
        lambda after, w: w.accounts.stale_page(NOW, None, limit=3, count_cap=100, after=after),
    )
    assert [a.id for a in items] == [a.id for a in whole]
    assert len(items) == 8 and totals == [8, 5, 2]
    mine, _ = _walk(
        app,
        lambda after, w: w.accounts.stale_page(NOW, "UBOB", limit=1, count_cap=100, after=after),
    )
    assert [a.id for a in mine] == [a.id for a in whole if a.owner.user_id == "UBOB"]


def test_a_stale_count_stops_at_its_cap_and_says_so(app: Harness) -> None:
    """A large book has tens of thousands of stale accounts: the count stops at its cap, the
    page says its total is a lower bound, and the pages still walk them all."""
    app.read("T1", _seed)
    capped = app.read("T1", lambda w: w.accounts.stale_page(NOW, None, limit=3, count_cap=5))
    assert (len(capped.items), capped.total, capped.capped) == (3, 5, True)
    items, totals = _walk(
        app, lambda after, w: w.accounts.stale_page(NOW, None, limit=3, count_cap=5, after=after)
    )
    assert len(items) == 8 and totals == [5, 5, 2]


def test_owned_pages_are_by_name(app: Harness) -> None:
    app.read("T1", _seed)
    items, totals = _walk(
        app, lambda after, w: w.accounts.owned_page("UALICE", limit=2, after=after)
    )
    names = [a.name for a in items]
    assert names == sorted(names) and "Archived" not in names
    assert totals[0] == len(names) == 5


def test_renewal_pages_are_by_date_then_id_of_live_accounts(app: Harness) -> None:
    app.read("T1", _seed)
    last_day = date(2027, 12, 31)
    whole = app.read("T1", lambda w: w.contracts.open_renewing_by(last_day, None))
    items, totals = _walk(
        app,
        lambda after, w: w.contracts.open_by_next_action_page(
            TODAY, last_day, None, limit=3, after=after
        ),
    )
    assert [c.id for c in items] == [c.id for c in whole]
    assert len(items) == 8 and totals == [8, 5, 2]
    bobs, _ = _walk(
        app,
        lambda after, w: w.contracts.open_by_next_action_page(
            TODAY, last_day, "UBOB", limit=2, after=after
        ),
    )
    assert len(bobs) == 3


def test_a_renewal_count_stops_at_its_cap_and_says_so(app: Harness) -> None:
    """Counting a long renewal window joins each contract to its account; the count stops
    at RENEWALS_COUNTED and the page says its total is a lower bound."""
    app.read("T1", _seed)
    last_day = date(2027, 12, 31)
    whole = app.read(
        "T1", lambda w: w.contracts.open_by_next_action_page(TODAY, last_day, None, limit=3)
    )
    assert (whole.total, whole.capped) == (8, False)
    with app.sessions() as session:
        capped = read_page(
            session,
            select(models.ContractRow).where(models.ContractRow.team_id == "T1"),
            (models.ContractRow.renewal_date, models.ContractRow.id),
            limit=3,
            after=None,
            key=lambda row: (row.renewal_date, row.id),
            domain=lambda row: row.id,
            count_cap=5,
        )
    assert (len(capped.items), capped.total, capped.capped) == (3, 5, True)
    assert capped.cursor is not None
