"""`renewals`, `notices`, `mine` and the Home by the next date that needs action: a notice
deadline still to come, else the renewal date; windows to their last day; pages that follow
the order through both of the list's streams (coming notices, renewal dates)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from bot.domain import ActionKind, Actor, ContractDirection, RenewalPeriod
from bot.paging import Cursor, Page
from bot.services import accounts, contracts, queries
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import ALICE, BOB, NOW, Harness, when

TODAY = date(2027, 1, 6)  # NOW in Berlin


def _day(days: int) -> date:
    return TODAY + timedelta(days=days)


def _contract(
    app: Harness,
    owner: Actor,
    name: str,
    renews_in: int,
    *,
    notice_days: int | None = None,
    notice_months: int | None = None,
) -> None:
    app.run(owner, accounts.add_account, NOW, name=name)
    app.run(
        owner,
        contracts.set_contract,
        NOW,
        account=name,
        value=Decimal(1000),
        currency="EUR",
        renews=when(_day(renews_in).isoformat()),
        notice_days=notice_days,
        notice_months=notice_months,
    )


@pytest.fixture
def book(app: Harness) -> Harness:
    """Alice's and Bob's contracts, each named for where it stands today (6 Jan 2027)."""
    _contract(app, ALICE, "Noticed", 91, notice_days=45)  # notice by +46, renews +91
    _contract(app, BOB, "Soon", 20)  # no notice: renews +20
    _contract(app, ALICE, "Passed", 30, notice_days=60)  # notice passed at -30, renews +30
    _contract(app, ALICE, "Edge", 100, notice_days=10)  # notice by +90: the window's last day
    _contract(app, ALICE, "Beyond", 120, notice_days=29)  # notice by +91: one day past it
    _contract(app, ALICE, "Months", 150, notice_months=3)  # 3 months before 5 Jun: 5 Mar
    # Renewed a week ago without an outcome: the outcome is overdue.
    app.run(ALICE, accounts.add_account, NOW, name="Overdue")

    def overdue(work: SqlUnitOfWork) -> None:
        account = work.accounts.by_key("overdue")
        assert account is not None
        work.contracts.add(
            account_id=account.id,
            value=Decimal(5),
            currency="EUR",
            renewal_date=_day(-5),
            direction=ContractDirection.WE_SELL,
            start_date=None,
            notice_days=30,
            auto_renew=False,
            previous_id=None,
            now=NOW,
        )

    app.read("T1", overdue)
    return app


def _rows(items: Any) -> list[tuple[str, ActionKind, date]]:
    return [(i.account.name, i.action.kind, i.action.day) for i in items]


def _renewals(app: Harness, **kwargs: Any) -> queries.RenewalList:
    return app.read("T1", lambda w: queries.renewals(w, ALICE, NOW, **kwargs))


def test_renewals_include_coming_notice_deadlines_by_the_next_date_that_needs_action(
    book: Harness,
) -> None:
    result = _renewals(book)
    assert _rows(result.page.items) == [
        ("Overdue", ActionKind.RENEWAL, _day(-5)),  # an outcome to record comes first
        ("Soon", ActionKind.RENEWAL, _day(20)),
        # Its notice deadline passed: the renewal is what comes next.
        ("Passed", ActionKind.RENEWAL, _day(30)),
        # Renews in 91 days, past the window: in it by its notice deadline, and sorted by it.
        ("Noticed", ActionKind.NOTICE, _day(46)),
        ("Months", ActionKind.NOTICE, date(2027, 3, 5)),
        ("Edge", ActionKind.NOTICE, _day(90)),  # the window's last day is in it
    ]
    assert result.page.total == 6 and result.page.cursor is None
    assert [i.account.name for i in _renewals(book, within_days=89).page.items][-1] == "Months"


def test_calendar_windows(book: Harness) -> None:
    month = _renewals(book, period=RenewalPeriod.THIS_MONTH)
    assert (month.window.first_day, month.window.last_day) == (TODAY, date(2027, 1, 31))
    assert [i.account.name for i in month.page.items] == ["Overdue", "Soon"]
    quarter = _renewals(book, period=RenewalPeriod.THIS_QUARTER)
    assert quarter.window.last_day == date(2027, 3, 31)
    assert [i.account.name for i in quarter.page.items] == [
        "Overdue",
        "Soon",
        "Passed",
        "Noticed",
        "Months",
    ]
    # Next quarter: what falls from 1 April to 30 June, nothing overdue; a notice deadline
    # before the window leaves the renewal date as the contract's date in it.
    nxt = _renewals(book, period=RenewalPeriod.NEXT_QUARTER)
    assert (nxt.window.first_day, nxt.window.last_day) == (date(2027, 4, 1), date(2027, 6, 30))
    assert _rows(nxt.page.items) == [
        ("Edge", ActionKind.NOTICE, _day(90)),
        ("Noticed", ActionKind.RENEWAL, _day(91)),
        ("Beyond", ActionKind.NOTICE, _day(91)),  # the same day: by id
        ("Months", ActionKind.RENEWAL, date(2027, 6, 5)),
    ]


def test_notices_are_coming_deadlines_only(book: Harness) -> None:
    result = book.read("T1", lambda w: queries.notices(w, ALICE, NOW))
    assert _rows(result.page.items) == [
        ("Noticed", ActionKind.NOTICE, _day(46)),
        ("Months", ActionKind.NOTICE, date(2027, 3, 5)),
        ("Edge", ActionKind.NOTICE, _day(90)),
    ]
    shorter = book.read("T1", lambda w: queries.notices(w, ALICE, NOW, within_days=89))
    assert [i.account.name for i in shorter.page.items] == ["Noticed", "Months"]
    longer = book.read("T1", lambda w: queries.notices(w, ALICE, NOW, within_days=91))
    assert [i.account.name for i in longer.page.items][-1] == "Beyond"


def test_mine_and_the_home_use_the_same_order_for_their_owner(book: Harness) -> None:
    expected = [
        ("Overdue", ActionKind.RENEWAL, _day(-5)),
        ("Passed", ActionKind.RENEWAL, _day(30)),
        ("Noticed", ActionKind.NOTICE, _day(46)),
        ("Months", ActionKind.NOTICE, date(2027, 3, 5)),
        ("Edge", ActionKind.NOTICE, _day(90)),
    ]
    mine = book.read("T1", lambda w: queries.mine(w, ALICE, NOW))
    assert _rows(mine.renewals.items) == expected
    home = book.read("T1", lambda w: queries.home(w, ALICE, NOW))
    assert _rows(home.renewals.items) == expected
    bobs = book.read("T1", lambda w: queries.mine(w, BOB, NOW))
    assert [i.account.name for i in bobs.renewals.items] == ["Soon"]


def _walk(app: Harness, read: Callable[[Cursor | None, SqlUnitOfWork], Page[Any]]) -> list[Any]:
    items: list[Any] = []
    text: str | None = None
    while True:
        after = Cursor.decode(text) if text is not None else None
        page = app.read("T1", partial(read, after))
        assert page.total == len(page.items) + page.more
        items += page.items
        if page.cursor is None:
            return items
        text = page.cursor.encode()


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_pages_follow_the_order_through_both_streams(book: Harness, limit: int) -> None:
    whole = [i.contract.id for i in _renewals(book).page.items]
    last_day = _day(90)
    for owner in (None, "UALICE"):
        walked = _walk(
            book,
            lambda after, w, owner=owner: w.contracts.open_by_next_action_page(
                TODAY, last_day, owner, limit=limit, after=after
            ),
        )
        mine = [i.contract.id for i in _renewals(book).page.items if i.account.name != "Soon"]
        assert [c.id for c in walked] == (whole if owner is None else mine)
    notices = _walk(
        book,
        lambda after, w: w.contracts.open_notices_page(TODAY, last_day, limit=limit, after=after),
    )
    assert [c.notice_deadline for c in notices] == [_day(46), date(2027, 3, 5), _day(90)]


def test_a_page_counts_both_streams_from_its_start(book: Harness) -> None:
    first = book.read(
        "T1", lambda w: w.contracts.open_by_next_action_page(TODAY, _day(90), None, limit=4)
    )
    assert (len(first.items), first.total) == (4, 6)
    assert first.cursor is not None
    second = book.read(
        "T1",
        lambda w: w.contracts.open_by_next_action_page(
            TODAY, _day(90), None, limit=4, after=first.cursor
        ),
    )
    assert [c.notice_deadline for c in second.items] == [date(2027, 3, 5), _day(90)]
    assert (second.total, second.cursor) == (2, None)
