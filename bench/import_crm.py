"""Import of a CRM export with contracts: ``python app.py import`` of N rows shaped like a
HubSpot companies export (owner, kind, tags, renewal date, value, currency, notice,
auto-renew), then the same file again, against the floor of a Core ``executemany`` of the
same accounts and contracts (issue 10, point 7: "a 100,000-row file imports in bulk").

The second import changes nothing (issue 10, point 6): it reads every account and contract
back and compares, so it is measured too. Each side gets an empty, migrated database.

    python -m bench.import_crm [--rows 100000] [--db sqlite postgresql]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import Table, insert, select

from bench.import_speed import (
    FLOOR_NOW,
    TEAM_ID,
    _database_url_in_environment,
    floor_account,
    floor_database,
)
from bench.names import company_names
from bench.scratch_db import empty_database
from bot.domain import AccountKind, name_key
from storage import migrate, models

HEADER = (
    "Company name",
    "Company owner",
    "Type",
    "Tags",
    "Renewal Date",
    "Contract Value",
    "Currency",
    "Notice Period",
    "Auto Renew",
)
KINDS = ("Customer", "Prospect", "Partner", "Vendor", "Reseller")
TAGS = ("", "emea", "Key Account", "emea; enterprise", "apac")
CURRENCIES = ("USD", "EUR", "GBP", "CHF")
FIRST_RENEWAL = date(2027, 1, 1)


def crm_rows(rows: int, seed: int = 10) -> list[tuple[str, ...]]:
    """The file's rows: every one an account with an owner (a Slack id) and a contract."""
    rng = random.Random(seed)
    names = company_names(rng)
    owners = [f"U{n:07d}" for n in range(200)]
    return [
        (
            next(names),
            rng.choice(owners),
            rng.choice(KINDS),
            rng.choice(TAGS),
            (FIRST_RENEWAL + timedelta(days=rng.randrange(730))).isoformat(),
            f"{rng.randrange(1_000, 500_000)}.{rng.randrange(100):02d}",
            rng.choice(CURRENCIES),
            str(rng.choice((30, 60, 90))),
            rng.choice(("true", "false")),
        )
        for _ in range(rows)
    ]


def _csv(rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def time_imports(database_url: str, rows: list[tuple[str, ...]]) -> tuple[float, float, str]:
    """Seconds of the first import and of the same file again, and the second's summary."""
    import app  # the command line itself: its module has no side effects at import

    migrate.upgrade(database_url)
    times: list[float] = []
    summary = ""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "companies.csv"
        path.write_text(_csv(rows), encoding="utf-8")
        with _database_url_in_environment(database_url):
            for _ in range(2):
                out = io.StringIO()
                started = time.perf_counter()
                status = app.main(["import", str(path), "--team", TEAM_ID], out=out)
                times.append(time.perf_counter() - started)
                if status != 0:
                    raise RuntimeError(f"the import left rows out (exit status {status})")
                summary = next(
                    line.strip()
                    for line in out.getvalue().splitlines()
                    if line.strip().endswith(".") and ("created" in line or "unchanged" in line)
                )
    return times[0], times[1], summary


def time_floor(database_url: str, rows: list[tuple[str, ...]]) -> float:
    """Seconds a Core ``executemany`` of the same accounts, then their contracts, takes."""
    engine = floor_database(database_url)
    accounts = [floor_account(row[0], AccountKind(row[2].lower()), row[1], None) for row in rows]
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(cast(Table, models.AccountRow.__table__)), accounts)
        ids = dict(
            connection.execute(
                select(models.AccountRow.name_key, models.AccountRow.id).where(
                    models.AccountRow.team_id == TEAM_ID
                )
            ).all()
        )
        contracts = [
            {
                "team_id": TEAM_ID,
                "account_id": ids[name_key(row[0])],
                "value_cents": int(row[5].replace(".", "")),
                "currency": row[6],
                "renewal_date": date.fromisoformat(row[4]),
                "notice_days": int(row[7]),
                "auto_renew": row[8] == "true",
                "direction": "we_sell",
                "created_at": FLOOR_NOW,
                "updated_at": FLOOR_NOW,
                "version": 1,
            }
            for row in rows
        ]
        connection.execute(insert(cast(Table, models.ContractRow.__table__)), contracts)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def run(database_kind: str, rows: int) -> dict[str, float | str]:
    data = crm_rows(rows)
    with empty_database(database_kind) as url:
        first, again, summary = time_imports(url, data)
    with empty_database(database_kind) as url:
        floor = time_floor(url, data)
    return {
        "rows": float(rows),
        "import_s": first,
        "again_s": again,
        "floor_s": floor,
        "ratio": first / floor,
        "again_ratio": again / floor,
        "again_summary": summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    arguments = parser.parse_args()
    print(
        f"{'database':<11} {'rows':>8} {'import s':>9} {'again s':>8} {'floor s':>8} "
        f"{'ratio':>6} {'again':>6}  second run says"
    )
    for kind in arguments.db:
        result = run(kind, arguments.rows)
        print(
            f"{kind:<11} {arguments.rows:>8} {result['import_s']:>9.2f} "
            f"{result['again_s']:>8.2f} {result['floor_s']:>8.2f} "
            f"{result['ratio']:>6.1f} {result['again_ratio']:>6.1f}  {result['again_summary']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
