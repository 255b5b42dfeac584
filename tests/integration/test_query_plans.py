"""Every query on a hot path is answered from an index: no plain scan of a big table.

Each command runs as the handlers run it, every SELECT it sends is recorded with its bound
values, and the database is asked how it would run that very statement:

- SQLite (``EXPLAIN QUERY PLAN``, without statistics, as in production): no ``SCAN`` of the
  tables that grow with the book of business, and no ``SEARCH`` on an index used for the
  workspace alone (``(team_id=?)``), which reads the whole workspace all the same.
- PostgreSQL (``EXPLAIN`` after ``ANALYZE``, with ``SET LOCAL enable_seqscan = off`` so that a
  usable index is always taken): no ``Seq Scan`` on those tables.
- Both: a page of a list (``ORDER BY … LIMIT``) comes in its index's order, never sorted after
  reading every match (``USE TEMP B-TREE FOR ORDER BY``; a ``Sort`` even with sorts priced out).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from bot.ports import UnitOfWork
from bot.runtime import Work
from tests.integration.growing import (
    COMMANDS,
    Statements,
    command,
    enrich,
    grow,
    measure,
    rapport,
    recording,
)

BIG_TABLES = frozenset(
    {"accounts", "account_tags", "contacts", "interactions", "follow_ups", "contracts"}
)
_SQLITE_SCAN = re.compile(r"^SCAN (\w+)")
_POSTGRES_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
# An index used for the workspace alone reads the whole workspace: a scan by another name.
_SQLITE_WHOLE_WORKSPACE = re.compile(r"^SEARCH (\w+) USING .*INDEX \w+ \(team_id=\?\)$")
# A page of a list: its ORDER BY must come from the index that finds it.
_PAGE = re.compile(r"ORDER BY .* LIMIT", re.DOTALL)
# The one page that may be sorted: one owner's renewals, read from their live accounts to each
# one's open contract (a partial index of open contracts, by account). An account has at most
# one open contract, so the sort holds at most one row per account of their book, never the
# workspace's; walking the workspace's open contracts in renewal order to find theirs is what
# grows (PostgreSQL, with statistics, picks this plan itself). Exactly these steps, nothing else.
_OWNER_ACCOUNTS = re.compile(
    r"^SEARCH accounts USING (COVERING )?INDEX \w+ \(team_id=\? AND owner_id=\?( AND status=\?)?\)$"
)
_THEIR_OPEN_CONTRACTS = re.compile(
    r"^SEARCH contracts USING (COVERING )?INDEX "
    r"(ix_contracts_open_account_renewal|uq_contracts_open_per_account) \(account_id=\?"
)
_ONE_BOOK_STEPS = (
    _OWNER_ACCOUNTS,
    _THEIR_OPEN_CONTRACTS,
    re.compile(r"^LIST SUBQUERY \d+$"),
    re.compile(r"^USE TEMP B-TREE FOR ORDER BY$"),
)


def _sorts_one_owners_book(plan: list[str]) -> bool:
    steps = [line.strip() for line in plan]
    return (
        any(_OWNER_ACCOUNTS.match(step) for step in steps)
        and any(_THEIR_OPEN_CONTRACTS.match(step) for step in steps)
        and all(any(p.match(step) for p in _ONE_BOOK_STEPS) for step in steps)
    )


# PostgreSQL's form of the same: the statement keeps to the caller's accounts' contracts
# (whatever join its statistics pick at a test's few rows), then sorts them by the next date
# that needs action, which no index holds (it depends on today): one row per account of
# their book.
_ONE_OWNERS_CONTRACTS = re.compile(
    r"contracts\.account_id IN \(SELECT accounts\.id\s+FROM accounts\s+WHERE "
    r"accounts\.team_id = \S+ AND accounts\.owner_id = ",
)


def _reading(work: Callable[[UnitOfWork], object]) -> Work[object]:
    return lambda uow, actor, now: work(uow)


WORKS: dict[str, Callable[[str], Work[object]]] = {
    name: make for name, make in COMMANDS.items()
} | {
    "overdue (mine)": lambda _: command("overdue"),
    "stale (mine)": lambda _: command("stale"),
    "done <id>": lambda _: command("done 9"),
    "renewals next quarter": lambda _: command("renewals next quarter"),
    "notices": lambda _: command("notices"),
    "accounts @user": lambda _: command("accounts <@UBOB>"),
    "accounts all <kind>": lambda _: command("accounts all customer"),
    "accounts all tier": lambda _: command("accounts all tier gold"),
    "accounts all tag": lambda _: command("accounts all tag emea"),
    "accounts all at risk": lambda _: command("accounts all at risk"),
    "accounts at risk (mine)": lambda _: command("accounts at risk"),
    "accounts <kind> tier tag (mine)": lambda _: command("accounts customer tier gold tag t1"),
    "accounts @user <kind> at risk": lambda _: command("accounts <@UBOB> customer at risk"),
    "show <a word of a name>": lambda _: command("show 0002"),
    "show <a name without its marks>": lambda _: command("show account-0002"),
    "follow-up by id": lambda _: _reading(lambda uow: uow.follow_ups.get(7)),
    "account by id": lambda _: _reading(lambda uow: uow.accounts.get(7)),
    "account by name key": lambda _: _reading(lambda uow: uow.accounts.by_key("account 0007")),
    "accounts by ids": lambda _: _reading(lambda uow: uow.accounts.by_ids([3, 5, 7])),
}


@pytest.fixture
def statements(connection: Connection) -> Iterator[Statements]:
    with recording(connection) as recorder:
        yield recorder


def _plan(connection: Connection, statement: str, parameters: Any) -> list[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [str(row[3]) for row in rows]
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    return [str(row[0]) for row in rows]


# Best match first: ranked by how well each matches, so sorted by nature (its scans still count).
RANKED = frozenset(
    {
        "find",
        # The accounts a name fits (a handful, unless the words are common), best first.
        "show <a word of a name>",
        "show <a name without its marks>",
    }
)
# Every account of the workspace by name, or those of a tier or tag, or at risk (marked, or so
# at the last health check: an OR over two tables), which no index covers: the page walks the
# workspace's name index in its order and stops at its LIMIT, the bounded COUNT at its cap (a
# LIMIT too). Only for these, and only in a statement with a LIMIT, is a search by the
# workspace alone allowed: the walk is bounded by the page, not the workspace.
WALKS_TO_A_LIMIT = frozenset(
    {"accounts all", "accounts all tier", "accounts all tag", "accounts all at risk"}
)
_LIMIT = re.compile(r"\bLIMIT\b")


def _problems(
    connection: Connection,
    statement: str,
    plan: list[str],
    *,
    ranked: bool = False,
    walks_to_a_limit: bool = False,
) -> list[str]:
    sqlite = connection.dialect.name == "sqlite"
    sorted_in_bounds = (
        _sorts_one_owners_book(plan) if sqlite else bool(_ONE_OWNERS_CONTRACTS.search(statement))
    )
    found = []
    for line in (line.strip() for line in plan):
        scan = _SQLITE_SCAN.match(line) if sqlite else _POSTGRES_SEQ_SCAN.search(line)
        if scan and scan[1] in BIG_TABLES:
            found.append(line)
        whole = _SQLITE_WHOLE_WORKSPACE.match(line) if sqlite else None
        bounded = walks_to_a_limit and _LIMIT.search(statement) is not None
        if whole and whole[1] in BIG_TABLES and not bounded:
            found.append(line)
        sorted_after = "TEMP B-TREE" in line or "Sort" in line
        if not ranked and not sorted_in_bounds and _PAGE.search(statement) and sorted_after:
            found.append(line)
    return found


@pytest.mark.parametrize("name", list(WORKS))
def test_hot_queries_use_an_index(
    name: str, connection: Connection, sessions: sessionmaker[Session], statements: Statements
) -> None:
    runtime = rapport(sessions)
    grow(sessions, 1, 41)
    enrich(sessions, "account 0002")
    measure(runtime, statements, WORKS[name]("Account 0002"))
    if connection.dialect.name == "postgresql":
        # Statistics of this transaction's rows, as a real book of business has them; then
        # scans and sorts priced out, so that the plan shows whether an index can do it.
        connection.exec_driver_sql(f"ANALYZE {', '.join(sorted(BIG_TABLES))}")
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        connection.exec_driver_sql("SET LOCAL enable_incremental_sort = off")
    selects = [(s, p) for s, p in statements.sent if s.lstrip().upper().startswith("SELECT")]
    assert selects
    bad = {}
    for statement, parameters in selects:
        plan = _plan(connection, statement, parameters)
        if problems := _problems(
            connection,
            statement,
            plan,
            ranked=name in RANKED,
            walks_to_a_limit=name in WALKS_TO_A_LIMIT,
        ):
            bad[statement] = (problems, plan)
    assert not bad, "\n\n".join(f"{s}\n  -> {p}\n  plan: {plan}" for s, (p, plan) in bad.items())


@pytest.mark.parametrize("name", ["mine", "App Home"])
def test_one_owners_renewals_start_from_their_accounts(
    name: str, connection: Connection, sessions: sessionmaker[Session], statements: Statements
) -> None:
    """``mine`` and the App Home read the caller's renewals from the caller's accounts, never
    from the workspace's open contracts in renewal order (which SQLite's planner, without
    statistics, takes for the plain workspace test: a walk of the workspace's window)."""
    if connection.dialect.name != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics (at 100,000 accounts: this plan)")
    runtime = rapport(sessions)
    grow(sessions, 1, 41)
    measure(runtime, statements, WORKS[name]("Account 0002"))
    renewals = [
        (s, p)
        for s, p in statements.sent
        if s.lstrip().upper().startswith("SELECT") and "FROM contracts" in s
    ]
    # The page and its count; the App Home's health also reads the open contracts of the
    # caller's accounts, which must start from them too.
    assert len(renewals) == (3 if name == "App Home" else 2)
    for statement, parameters in renewals:
        plan = [line.strip() for line in _plan(connection, statement, parameters)]
        assert any(_OWNER_ACCOUNTS.match(step) for step in plan), plan
        # Each of their accounts' one open contract, by account; its window (renewal date or
        # notice deadline) is tested on that row.
        assert any(_THEIR_OPEN_CONTRACTS.match(step) for step in plan), plan
        assert not any("ix_contracts_team_open_renewal" in step for step in plan), plan


@pytest.mark.parametrize(
    "line", ["accounts customer", "accounts at risk", "accounts <@UBOB> customer at risk"]
)
def test_one_owners_accounts_walk_the_owners_index(
    line: str, connection: Connection, sessions: sessionmaker[Session], statements: Statements
) -> None:
    """SQLite, without statistics, would walk every customer (or account at risk) of the
    workspace for one owner's: an index walk all the same, so the test above passes it."""
    if connection.dialect.name != "sqlite":
        pytest.skip("PostgreSQL chooses its index by statistics")
    runtime = rapport(sessions)
    grow(sessions, 1, 11)
    measure(runtime, statements, command(line))
    # The page and its bounded COUNT, both in name order.
    walks = [(s, p) for s, p in statements.sent if _PAGE.search(s) and "FROM accounts" in s]
    assert len(walks) == 2
    for statement, parameters in walks:
        plan = _plan(connection, statement, parameters)
        assert any("ix_accounts_team_owner_name" in step for step in plan), plan
