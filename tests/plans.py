"""What the database does for a piece of work: the statements it runs and their plans.

A test asserts that a request reads rows through an index that narrows them to what it
asks about, never by walking a whole table or a whole workspace's share of it: work that
would grow with the workspace. ``walks`` reads the plan the database itself reports.
SQLite's planner has no statistics, so its plan for a test's few rows is its plan at any
size, and the check is strict: no full scan, no index searched by the workspace alone.
PostgreSQL's ``EXPLAIN`` runs with sequential scans priced out: a scan that stays has no
index to use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, event


@dataclass
class Statements:
    """The SELECTs run on a connection while recording."""

    run: list[tuple[str, Any]] = field(default_factory=list)

    def selects(self) -> list[tuple[str, Any]]:
        return [(s, p) for s, p in self.run if s.lstrip().upper().startswith("SELECT")]


@contextmanager
def recording(connection: Connection) -> Iterator[Statements]:
    statements = Statements()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.run.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def plan(connection: Connection, statement: str, parameters: Any) -> list[str]:
    """The database's own account of how it would run ``statement``, one line per step."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return [str(row[-1]) for row in rows]
    with connection.begin_nested():
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        return [str(row[0]) for row in rows]


_SQLITE_WALKS = (
    r"^SCAN (?P<table>\w+)\b(?! VIRTUAL)",  # a full scan (of the table or one of its indexes)
    r"^SEARCH (?P<table>\w+) USING (COVERING )?INDEX \S+ \(team_id=\?\)$",  # the workspace
)
# PostgreSQL chooses among usable indexes by its statistics, which a test's few rows make
# meaningless; what a test can hold it to is that an index is usable at all: with sequential
# scans priced out, a "Seq Scan" left in the plan means none is.
_PG_WALK = re.compile(r"Seq Scan on (?P<table>\w+)")


def _walking_steps(dialect: str, steps: list[str], tables: Collection[str]) -> list[str]:
    if dialect == "sqlite":
        return [
            step
            for step in steps
            for pattern in _SQLITE_WALKS
            if (found := re.search(pattern, step)) and found["table"] in tables
        ]
    return [step for step in steps if (found := _PG_WALK.search(step)) and found["table"] in tables]


def walks(connection: Connection, statements: Statements, tables: Collection[str]) -> list[str]:
    """Each step that reads one of ``tables`` without narrowing it, with its statement."""
    found = []
    for statement, parameters in statements.selects():
        steps = [s.strip() for s in plan(connection, statement, parameters)]
        for step in _walking_steps(connection.dialect.name, steps, tables):
            found.append(f"{step}  <=  {' '.join(statement.split())[:160]}")
    return found


def each_statement(connection: Connection, work: Callable[[], object]) -> Statements:
    with recording(connection) as statements:
        work()
    return statements
