"""Databases for the tests: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.

Each backend gets a database of its own, built from empty by the real migrations and dropped
afterwards. Each test runs inside a connection-level transaction that is rolled back, with the
code under test committing to savepoints inside it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from storage import migrate, models
from storage.database import create_database_engine
from storage.unit_of_work import SqlUnitOfWork, unit_of_work

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])

UnitOfWorkFactory = Callable[[str], AbstractContextManager[SqlUnitOfWork]]


def _create_postgres_database(server_url: URL) -> URL:
    name = f"rapport_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.set(database=name)


def _drop_postgres_database(server_url: URL, url: URL) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def fresh_database_url(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str], URL]]:
    """Makes empty databases on demand (one per call) and drops them all at the end."""
    server_url = (
        make_url(os.environ["TEST_DATABASE_URL"]) if "TEST_DATABASE_URL" in os.environ else None
    )
    made: list[URL] = []

    def make(backend: str) -> URL:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("db") / "rapport.db"
            url = make_url(f"sqlite:///{path}")
        else:
            assert server_url is not None, "PostgreSQL needs TEST_DATABASE_URL"
            url = _create_postgres_database(server_url)
        made.append(url)
        return url

    yield make
    for url in made:
        if url.get_backend_name() == "postgresql":
            assert server_url is not None
            _drop_postgres_database(server_url, url)


@pytest.fixture(params=BACKENDS)
def fresh_sessions(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]
) -> Iterator[sessionmaker[Session]]:
    """A database of the test's own, migrated from empty, whose sessions really commit: for
    tests of concurrency (claims, leases, several connections at once)."""
    yield from _committing(fresh_database_url(request.param))


@pytest.fixture(params=[b for b in BACKENDS if b == "postgresql"])
def fresh_postgres_sessions(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]
) -> Iterator[sessionmaker[Session]]:
    """The same on PostgreSQL only: for what only it does (row locks, READ COMMITTED)."""
    yield from _committing(fresh_database_url(request.param))


def _committing(url: URL) -> Iterator[sessionmaker[Session]]:
    migrate.upgrade(url)
    engine = create_database_engine(url)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]
) -> Iterator[Engine]:
    """One database per backend for the whole run, migrated from empty."""
    url = fresh_database_url(request.param)
    migrate.upgrade(url)
    engine = create_database_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(migrated_engine: Engine) -> Iterator[Connection]:
    with migrated_engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits become savepoints of the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def uow(sessions: sessionmaker[Session]) -> UnitOfWorkFactory:
    """``with uow("T1") as work:`` — a unit of work for one workspace, as the app opens it."""

    def open_unit(team_id: str) -> AbstractContextManager[SqlUnitOfWork]:
        return unit_of_work(sessions, team_id)

    return open_unit


Rows = dict[tuple[Any, ...], dict[str, Any]]


@dataclass(frozen=True)
class Snapshot:
    """Every row of every table in ``storage.models``' metadata, by table and primary key:
    ``assert app.snapshot() == before`` proves a refused command changed nothing at all."""

    tables: dict[str, Rows]

    @classmethod
    def of(cls, session: Session) -> Snapshot:
        tables: dict[str, Rows] = {}
        for table in models.Base.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            rows = session.execute(select(table).order_by(*key)).mappings()
            tables[table.name] = {tuple(row[c.key] for c in key): dict(row) for row in rows}
        return cls(tables)

    def differences(self, other: Snapshot) -> list[str]:
        """One line per row that is not the same on both sides (self left, other right)."""
        lines = []
        for name in sorted(self.tables.keys() | other.tables.keys()):
            left, right = self.tables.get(name, {}), other.tables.get(name, {})
            for key in sorted(left.keys() | right.keys()):
                row = f"{name} {dict(zip(_key_names(name), key, strict=True))}"
                if key not in right:
                    lines.append(f"{row}: only on the left {left[key]}")
                elif key not in left:
                    lines.append(f"{row}: only on the right {right[key]}")
                elif left[key] != right[key]:
                    changed = [
                        f"{column} {left[key][column]!r} != {right[key][column]!r}"
                        for column in left[key]
                        if left[key][column] != right[key].get(column)
                    ]
                    lines.append(f"{row}: {'; '.join(changed)}")
        return lines


def _key_names(table: str) -> list[str]:
    return [c.key for c in models.Base.metadata.tables[table].primary_key.columns]


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Two snapshots that differ say which tables and rows, not two walls of data."""
    if op == "==" and isinstance(left, Snapshot) and isinstance(right, Snapshot):
        return ["the database is not the same:", *left.differences(right)]
    return None
