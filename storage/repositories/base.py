"""What every repository shares: the workspace scope, dialect-aware INSERT, live statuses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import ColumnElement, String
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

from bot.domain import AccountStatus
from bot.errors import ConcurrentChange

LIVE_STATUSES = (AccountStatus.ACTIVE.value, AccountStatus.AT_RISK.value)


def insert_for(session: Session) -> Callable[..., Any]:
    """INSERT with ON CONFLICT for the session's dialect (SQLite and PostgreSQL share it)."""
    return sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert


# Ids per IN (…) list: well within every driver's limit on bound parameters.
IN_SLICE = 1_000


def in_slices(ids: Iterable[int]) -> Iterator[list[int]]:
    """Distinct ids, sorted, in lists of at most ``IN_SLICE``."""
    distinct = sorted(set(ids))
    for start in range(0, len(distinct), IN_SLICE):
        yield distinct[start : start + IN_SLICE]


class _Unindexed(FunctionElement[str]):
    type = String()
    name = "unindexed"
    inherit_cache = True


@compiles(_Unindexed)
def _unindexed(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_Unindexed, "sqlite")
def _unindexed_sqlite(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)


def in_workspace(team_column: Any, team_id: str) -> ColumnElement[bool]:
    """``team_column = team_id`` for look-ups by primary key (``id IN (…)``). Without
    statistics SQLite would rather range over a ``team_id`` index — every row of the
    workspace — than look the ids up; ``+team_id`` (SQLite's documented way) keeps that term
    from choosing an index. Other databases see the plain comparison."""
    return _Unindexed(team_column) == team_id


class Scoped:
    def __init__(self, session: Session, team_id: str) -> None:
        self.session = session
        self.team_id = team_id


def check_version(stored: int, read: int, what: str) -> None:
    """A write may only replace the version its caller read: anything else means another
    transaction changed the row in between, and this one must run again on fresh data."""
    if stored != read:
        raise ConcurrentChange(f"{what} is at version {stored}, not {read} as read")
