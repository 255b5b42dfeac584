"""Import speed: ``python app.py import`` of N account rows against its floor, a SQLAlchemy
Core ``executemany`` of the same rows into the same table (issue 8: at most 3× the floor).

Each side gets an empty, freshly migrated database of its own. The import goes through the
command line's own entry point (``app.main``), so reading the file, resolving owners, the
report and every audit event are part of what is measured, as a user would wait for them.

    python -m bench.import_speed [--rows 100000] [--db sqlite postgresql]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, insert

from bench.names import company_names
from bench.scratch_db import empty_database
from bot.domain import AccountKind, name_key
from storage import migrate, models
from storage.database import create_database_engine

TEAM_ID = "TBENCH"
KINDS = (AccountKind.CUSTOMER, AccountKind.PROSPECT, AccountKind.PARTNER, AccountKind.VENDOR)
TIERS = ("gold", "silver", "bronze", "")


def account_rows(rows: int, seed: int = 8) -> list[dict[str, str]]:
    """The file's rows, as the CSV holds them: name, kind, owner (a Slack id), tier."""
    rng = random.Random(seed)
    names = company_names(rng)
    owners = [f"U{n:07d}" for n in range(200)]
    return [
        {
            "Name": next(names),
            "Type": rng.choice(KINDS).value,
            "Owner": rng.choice(owners),
            "Tier": rng.choice(TIERS),
        }
        for _ in range(rows)
    ]


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["Name", "Type", "Owner", "Tier"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@contextmanager
def _database_url_in_environment(url: str) -> Iterator[None]:
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


def time_import(database_url: str, rows: list[dict[str, str]]) -> float:
    """Seconds ``app.py import`` takes for the rows, into a migrated, empty database."""
    import app  # the command line itself: its module has no side effects at import

    migrate.upgrade(database_url)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "accounts.csv"
        path.write_text(_csv(rows), encoding="utf-8")
        with _database_url_in_environment(database_url):
            started = time.perf_counter()
            status = app.main(["import", str(path), "--team", TEAM_ID], out=io.StringIO())
            elapsed = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"the import reported skipped rows (exit status {status})")
    return elapsed


FLOOR_NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def floor_database(database_url: str) -> Engine:
    """A migrated database with the bench's workspace in it, for a floor to insert into."""
    migrate.upgrade(database_url)
    engine = create_database_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            insert(cast(Table, models.WorkspaceRow.__table__)),
            [
                {
                    "team_id": TEAM_ID,
                    "created_at": FLOOR_NOW,
                    "last_follow_up_number": 0,
                    "version": 1,
                }
            ],
        )
    return engine


def floor_account(name: str, kind: AccountKind, owner: str, tier: str | None) -> dict[str, Any]:
    """An accounts row as a floor inserts it: what the import stores, nothing computed."""
    return {
        "team_id": TEAM_ID,
        "name": name,
        "name_key": name_key(name),
        "kind": kind.value,
        "owner_id": owner,
        "owner_unresolved": None,
        "tier": tier,
        "status": "active",
        "cadence_days": kind.default_cadence_days,
        "last_touch_at": None,
        "next_touch_due": FLOOR_NOW + timedelta(days=30),
        "created_at": FLOOR_NOW,
        "updated_at": FLOOR_NOW,
        "version": 1,
    }


def time_floor(database_url: str, rows: list[dict[str, str]]) -> float:
    """Seconds a Core ``executemany`` of the same accounts takes, in one transaction."""
    engine = floor_database(database_url)
    values = [
        floor_account(row["Name"], AccountKind(row["Type"]), row["Owner"], row["Tier"] or None)
        for row in rows
    ]
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(cast(Table, models.AccountRow.__table__)), values)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def run(database_kind: str, rows: int) -> dict[str, float]:
    """Import and floor for ``rows`` account rows on one kind of database (each side in an
    empty database of its own): seconds, rows per second and the ratio import/floor."""
    data = account_rows(rows)
    with empty_database(database_kind) as url:
        imported = time_import(url, data)
    with empty_database(database_kind) as url:
        floor = time_floor(url, data)
    return {
        "rows": float(rows),
        "import_s": imported,
        "floor_s": floor,
        "import_rows_per_s": rows / imported,
        "floor_rows_per_s": rows / floor,
        "ratio": imported / floor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    arguments = parser.parse_args()
    print(
        f"{'database':<11} {'rows':>8} {'import s':>9} {'rows/s':>8} {'floor s':>8} "
        f"{'rows/s':>8} {'ratio':>6}"
    )
    for kind in arguments.db:
        result = run(kind, arguments.rows)
        print(
            f"{kind:<11} {arguments.rows:>8} {result['import_s']:>9.2f} "
            f"{result['import_rows_per_s']:>8.0f} {result['floor_s']:>8.2f} "
            f"{result['floor_rows_per_s']:>8.0f} {result['ratio']:>6.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
