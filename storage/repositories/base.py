"""What every repository shares: the workspace scope, dialect-aware INSERT, live statuses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.domain import AccountStatus
from bot.errors import ConcurrentChange

LIVE_STATUSES = (AccountStatus.ACTIVE.value, AccountStatus.AT_RISK.value)


def insert_for(session: Session) -> Callable[..., Any]:
    """INSERT with ON CONFLICT for the session's dialect (SQLite and PostgreSQL share it)."""
    return insert_in(session.get_bind().dialect.name)


def insert_in(dialect: str) -> Callable[..., Any]:
    """INSERT with ON CONFLICT for the dialect of this name."""
    return sqlite_insert if dialect == "sqlite" else pg_insert


# Statements every request sends are built once per process (``functools.cache`` on a
# function of no arguments, values as named ``bindparam``s) and run with their values:
# building a SELECT in SQLAlchemy — coercing each clause, then keying its compiled form —
# takes longer than SQLite takes to answer it (about 0.07 ms against 0.02; BENCHMARKS.md).
# Other statements are built where they are used, which reads better.
TEAM = "workspace"  # the bound parameter every built-once statement scopes its workspace by

# Ids per IN (…) list: well within every driver's limit on bound parameters.
IN_SLICE = 1_000
R = TypeVar("R")


def in_slices(ids: Iterable[int]) -> Iterator[list[int]]:
    """Distinct ids, sorted, in lists of at most ``IN_SLICE``."""
    distinct = sorted(set(ids))
    for start in range(0, len(distinct), IN_SLICE):
        yield distinct[start : start + IN_SLICE]


class Scoped:
    def __init__(self, session: Session, team_id: str) -> None:
        self.session = session
        self.team_id = team_id

    def rows_by_ids(self, model: type[R], ids: Iterable[int]) -> list[R]:
        """This workspace's rows of ``model`` with these ids, by id, looked up by primary key
        a slice of ids at a time."""
        table = model.__table__  # type: ignore[attr-defined]
        found: list[R] = []
        for part in in_slices(ids):
            found += self.session.scalars(
                select(model)
                .where(self.chosen_in_workspace(table.c.team_id), table.c.id.in_(part))
                .order_by(table.c.id)
            )
        return found

    def chosen_in_workspace(self, team_column: ColumnElement[str]) -> ColumnElement[bool]:
        """The workspace test for rows already chosen by key (an id list, a search index):
        ``chosen_in``, for this unit's workspace."""
        return chosen_in(self.session.get_bind().dialect.name, team_column, self.team_id)


def chosen_in(
    dialect: str, team_column: ColumnElement[str], team: str | BindParameter[str]
) -> ColumnElement[bool]:
    """The workspace test for rows already chosen by key (an id list, a search index).

    SQLite's planner has no statistics, and given ``team_id = ? AND id IN (…)`` it walks
    the workspace's index and tests every row's id: work that grows with the workspace.
    There the workspace is compared in a form no index answers, so the rows are looked up
    by key; PostgreSQL, which keeps statistics, gets the plain comparison."""
    if dialect == "sqlite":
        return (team_column + "") == team
    return team_column == team


def check_version(stored: int, read: int, what: str) -> None:
    """A write may only replace the version its caller read: anything else means another
    transaction changed the row in between, and this one must run again on fresh data."""
    if stored != read:
        raise ConcurrentChange(f"{what} is at version {stored}, not {read} as read")
