"""Empty databases for one benchmark run: a SQLite file in a temporary directory, or a
PostgreSQL database of the run's own (created on the server, dropped afterwards)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

# The PostgreSQL server the benchmark creates its databases on (`make bench` needs a user
# that may CREATE DATABASE); the same server the test suite uses.
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
KINDS = ("sqlite", "postgresql")


def postgres_server() -> URL:
    return make_url(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))


def postgres_answers(server: URL) -> bool:
    """Whether the PostgreSQL server can be reached (the run goes on without it if not)."""
    engine = create_engine(server, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


@contextmanager
def empty_database(kind: str) -> Iterator[URL]:
    """A new, empty database of ``kind``, removed when the block ends."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="rapport-bench-") as directory:
            yield make_url(f"sqlite:///{Path(directory) / 'rapport.db'}")
        return
    if kind != "postgresql":
        raise ValueError(f"no such database kind: {kind}")
    server = postgres_server()
    name = f"rapport_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
