"""A contract's next date that needs action, the windows of `renewals`, and list rows led by
that date."""

from __future__ import annotations

from datetime import date

import pytest

from bot import commands as c
from bot.domain import ActionKind, NextAction, RenewalPeriod
from bot.errors import InvalidInput
from bot.execute import Executed
from bot.paging import Page
from bot.render import render_result
from bot.services.queries import RenewalItem, RenewalList, RenewalWindow, renewal_window
from tests.unit.test_render_support import account, contract, viewer

TODAY = date(2026, 12, 4)  # the render support's viewer's today


def test_the_notice_deadline_while_it_is_still_to_come_then_the_renewal() -> None:
    k = contract(renewal_date=date(2027, 3, 31), notice_days=60)  # notice by 30 Jan
    assert k.next_action(date(2027, 1, 29)) == NextAction(date(2027, 1, 30), ActionKind.NOTICE)
    assert k.next_action(date(2027, 1, 30)) == NextAction(date(2027, 1, 30), ActionKind.NOTICE)
    assert k.next_action(date(2027, 1, 31)) == NextAction(date(2027, 3, 31), ActionKind.RENEWAL)
    plain = contract(notice_days=None)
    assert plain.next_action(TODAY) == NextAction(date(2027, 3, 31), ActionKind.RENEWAL)


@pytest.mark.parametrize(
    ("today", "period", "first", "last", "overdue"),
    [
        (date(2027, 1, 6), RenewalPeriod.THIS_MONTH, date(2027, 1, 6), date(2027, 1, 31), True),
        (date(2027, 2, 1), RenewalPeriod.THIS_MONTH, date(2027, 2, 1), date(2027, 2, 28), True),
        (
            date(2027, 12, 31),
            RenewalPeriod.THIS_MONTH,
            date(2027, 12, 31),
            date(2027, 12, 31),
            True,
        ),
        (date(2027, 5, 9), RenewalPeriod.THIS_QUARTER, date(2027, 5, 9), date(2027, 6, 30), True),
        (
            date(2027, 11, 2),
            RenewalPeriod.THIS_QUARTER,
            date(2027, 11, 2),
            date(2027, 12, 31),
            True,
        ),
        (date(2027, 3, 31), RenewalPeriod.NEXT_QUARTER, date(2027, 4, 1), date(2027, 6, 30), False),
        (date(2027, 10, 1), RenewalPeriod.NEXT_QUARTER, date(2028, 1, 1), date(2028, 3, 31), False),
    ],
)
def test_calendar_windows(
    today: date, period: RenewalPeriod, first: date, last: date, overdue: bool
) -> None:
    assert renewal_window(today, period=period) == RenewalWindow(first, last, overdue)


def test_day_windows() -> None:
    assert renewal_window(TODAY) == RenewalWindow(TODAY, date(2027, 3, 4))
    assert renewal_window(TODAY, within_days=1) == RenewalWindow(TODAY, date(2026, 12, 5))
    with pytest.raises(InvalidInput):
        renewal_window(TODAY, within_days=3661)


def _row(item: RenewalItem) -> str:
    window = RenewalWindow(TODAY, date(2027, 3, 4))
    reply = render_result(Executed(c.Renewals(), RenewalList(window, Page.of([item]))), viewer())
    return next(
        b["text"]["text"]
        for b in reply.blocks
        if b["type"] == "section" and b["text"]["text"].startswith("*Acme")
    )


def test_a_row_leads_with_the_notice_deadline_then_renewal_value_owner() -> None:
    k = contract(renewal_date=date(2027, 3, 31), notice_days=60, auto_renew=True)
    row = _row(RenewalItem(k, account(), k.next_action(TODAY)))
    assert row.startswith(
        "*Acme Corp* · notice by Sat 30 Jan 2027 (in 57 days) · "
        "renews Wed 31 Mar 2027 (in 117 days) · 24,000 EUR · auto-renews · <@"
    )


def test_a_row_past_its_notice_deadline_leads_with_the_renewal() -> None:
    k = contract(renewal_date=date(2027, 1, 15), notice_days=60)
    row = _row(RenewalItem(k, account(), k.next_action(TODAY)))
    assert row.startswith(
        "*Acme Corp* · renews Fri 15 Jan 2027 (in 42 days) · notice deadline passed (Mon 16 Nov)"
        " · 24,000 EUR"
    )


def test_a_row_of_a_later_window_names_a_deadline_still_ahead_of_today() -> None:
    # Next quarter's list: the renewal falls in it, the deadline before it but after today.
    k = contract(renewal_date=date(2027, 4, 10), notice_days=60)
    row = _row(RenewalItem(k, account(), k.next_action(date(2027, 4, 1))))
    assert row.startswith(
        "*Acme Corp* · renews Sat 10 Apr 2027 (in 127 days) · notice by Tue 9 Feb 2027 (in 67 days)"
    )


def test_an_overdue_outcome_says_so_first() -> None:
    k = contract(renewal_date=date(2026, 12, 1), notice_days=None)
    row = _row(RenewalItem(k, account(), k.next_action(TODAY)))
    assert row.startswith("*Acme Corp* · renewal date was Tue 1 Dec — record the outcome · 24,000")
