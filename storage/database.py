"""Engines and sessions: SQLite (the embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker


def create_database_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and real transactions."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, in_memory=url.database in (None, "", ":memory:"))
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    # pysqlite's own transaction handling neither emits BEGIN for SELECTs nor supports
    # SAVEPOINT properly; SQLAlchemy's documented recipe: let the driver autocommit and
    # emit BEGIN ourselves. Without it a rolled-back test could leave rows behind.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")  # writers queue rather than fail
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    # BEGIN IMMEDIATE takes the write lock at the start. In WAL mode a transaction that read
    # first and writes later fails at once (SQLITE_BUSY_SNAPSHOT) if another process wrote
    # meanwhile; taking the lock up front makes writers queue (busy_timeout) instead. It
    # also serialises the nudge ledger's claims, which SQLite has no row locks for.
    # A unit of work that only reads asks for a snapshot instead (``SNAPSHOT``): a plain
    # BEGIN, which in WAL mode neither waits for the writer nor holds it up.
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        reading = connection.get_execution_options().get(SNAPSHOT, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


# The execution option that marks a read-only unit of work's connection (see above).
SNAPSHOT = "rapport_snapshot"


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def answers(engine: Engine) -> bool:
    """Whether the database answers a trivial query now (for the health check)."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception:  # any failure means "not answering"; the health check says so
        return False
    return True


_SQLITE_WRITERS: WeakKeyDictionary[Engine | Connection, threading.RLock] = WeakKeyDictionary()
_REGISTRY = threading.Lock()


def one_transaction_at_a_time(
    sessions: sessionmaker[Session], *, reading: bool = False
) -> AbstractContextManager[Any]:
    """SQLite runs one transaction at a time (BEGIN IMMEDIATE). Between processes its busy
    handler makes waiters sleep and retry (up to 100 ms a time, in no order), which under
    load leaves some requests waiting seconds; within one process, threads queue on a lock
    instead and go as soon as it is free. PostgreSQL needs nothing of the kind.

    A transaction that only reads (``reading``: a snapshot, see ``SNAPSHOT``) does not queue
    when the database is a file in WAL mode: a Home tab built after an answer then never holds up
    the next request. An in-memory database has one connection, shared: everything queues."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, Engine | Connection) or bind.dialect.name != "sqlite":
        return nullcontext()
    if reading and bind.engine.url.database not in (None, "", ":memory:"):
        return nullcontext()
    with _REGISTRY:
        return _SQLITE_WRITERS.setdefault(bind, threading.RLock())
