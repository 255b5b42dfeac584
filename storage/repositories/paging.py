"""Keyset pagination: one page of a query in its index's order, and a COUNT of the rest.

A page starts strictly after the cursor's row, compared as a row value on the ordering
columns (``(due, number) > (?, ?)``), which both databases answer from the same index that
orders the page; an OFFSET would walk and throw away every row before the page instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, func, literal, select, tuple_
from sqlalchemy.orm import QueryableAttribute, Session

from bot.paging import Cursor, KeyPart, Page

R = TypeVar("R")
T = TypeVar("T")


def read_page(
    session: Session,
    query: Select[Any],
    order: Sequence[QueryableAttribute[Any] | ColumnElement[Any]],
    *,
    limit: int,
    after: Cursor | None,
    key: Callable[[R], tuple[KeyPart, ...]],
    domain: Callable[[R], T],
    count_from: Select[Any] | None = None,
    count_cap: int | None = None,
    count_in_order: bool = False,
) -> Page[T]:
    """Up to ``limit`` rows of ``query`` after ``after`` in ``order`` (ascending, unique),
    and how many rows there are from this page's start on.

    ``query`` selects one mapped entity, without ORDER BY or LIMIT; ``count_from`` is the same
    query without loader options when it has some (a COUNT loads nothing). The COUNT always
    runs, even when the page is short, so that a command costs the same statements whatever
    the size of the workspace. ``count_cap``: count at most that many rows (for a list whose
    COUNT would walk a join row by row); the page then says its total is a lower bound.
    ``count_in_order``: the capped count reads its rows in ``order`` too, so that it walks
    the page's own index from the page's start. Without an order PostgreSQL may count by a
    sequential scan that stops at the cap, cheap only while the workspace's rows happen to
    come first in the table: for a workspace whose rows come last it reads every other one's."""
    if limit < 1:
        raise ValueError("a page holds at least one item")
    counted = query if count_from is None else count_from
    if after is not None:
        if len(after.key) != len(order):
            raise ValueError("this cursor belongs to another list")
        # Each value bound with its column's type (UTC datetimes stored as SQLite text).
        values = [
            bindparam(None, v, type_=c.expression.type)
            for c, v in zip(order, after.key, strict=True)
        ]
        starts_after = tuple_(*order) > tuple_(*values)
        query = query.where(starts_after)
        counted = counted.where(starts_after)
    rows: list[R] = list(session.scalars(query.order_by(*order).limit(limit)))
    if count_cap is None:
        total = session.scalar(counted.with_only_columns(func.count(), maintain_column_froms=True))
    else:
        first = counted.with_only_columns(literal(1), maintain_column_froms=True)
        if count_in_order:
            first = first.order_by(*order)
        total = session.scalar(select(func.count()).select_from(first.limit(count_cap).subquery()))
    count = int(total or 0)
    cursor = Cursor(key(rows[-1])) if rows and len(rows) < count else None
    capped = count_cap is not None and count >= count_cap
    return Page([domain(row) for row in rows], count, cursor, capped)
