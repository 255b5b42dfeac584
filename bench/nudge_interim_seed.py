"""A stand-in for ``bench.seed.load`` while that module is being written: the rows a nudge
pass reads (accounts, follow-ups, contracts, interactions), inserted with SQLAlchemy Core.

It follows the shared interface (``Scale``, ``Seeded``) so ``bench.nudge_pass`` switches to
the real generator by import alone; it is not the product's write path and not realistic in
names — only in the shapes planning cares about (dates, statuses, owners).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from storage import migrate, models
from storage.database import create_database_engine

_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class Scale:
    name: str
    accounts: int
    interactions: int
    follow_ups: int
    contracts: int
    owners: int
    workspaces: int


S = Scale("S", 1_000, 10_000, 2_000, 1_000, owners=200, workspaces=2)
L = Scale("L", 100_000, 1_000_000, 200_000, 100_000, owners=200, workspaces=2)
SCALES = {"S": S, "L": L}


@dataclass(frozen=True, slots=True)
class Seeded:
    database_url: str
    team_ids: tuple[str, ...]
    owner_ids: tuple[str, ...]
    sample_names: tuple[str, ...]
    now: datetime


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load(database_url: str, scale: Scale, *, now: datetime, seed: int = 8) -> Seeded:
    """Migrate the empty database and fill it deterministically."""
    migrate.upgrade(database_url)
    rng = random.Random(seed)
    teams = tuple(f"T{n:04d}" for n in range(1, scale.workspaces + 1))
    owners = tuple(f"U{n:05d}" for n in range(1, scale.owners + 1))
    team_owners = {t: owners[i :: len(teams)] for i, t in enumerate(teams)}
    engine = create_database_engine(database_url)
    names: list[str] = []
    with engine.begin() as connection:
        connection.execute(
            insert(models.WorkspaceRow),
            [{"team_id": t, "name": t, "created_at": now, "version": 1} for t in teams],
        )

        def accounts() -> Iterator[dict[str, Any]]:
            for n in range(scale.accounts):
                team = teams[n % len(teams)]
                cadence = rng.choice((14, 30, 30, 90))
                touched = now - timedelta(days=rng.uniform(0, 120))
                name = f"Company {n:06d} GmbH"
                if team == teams[0] and len(names) < 1_000:
                    names.append(name)
                yield {
                    "team_id": team,
                    "name": name,
                    "name_key": name.casefold(),
                    "kind": "customer",
                    "owner_id": rng.choice(team_owners[team]),
                    "status": "active" if n % 20 else "churned",
                    "cadence_days": cadence,
                    "last_touch_at": touched,
                    "next_touch_due": touched + timedelta(days=cadence),
                    "created_at": now - timedelta(days=400),
                    "updated_at": now,
                    "version": 1,
                }

        for chunk in _chunks(accounts()):
            connection.execute(insert(models.AccountRow), chunk)

        def account_of(n: int) -> tuple[int, str]:
            index = n % scale.accounts
            return index + 1, teams[index % len(teams)]

        def follow_ups() -> Iterator[dict[str, Any]]:
            for n in range(scale.follow_ups):
                account_id, team = account_of(rng.randrange(scale.accounts))
                overdue = n % 10 == 0
                due = now - timedelta(days=rng.uniform(0, 30)) if overdue else None
                if due is None:
                    due = now + timedelta(days=rng.uniform(1, 120))
                yield {
                    "team_id": team,
                    "number": n + 1,
                    "account_id": account_id,
                    "owner_id": rng.choice(team_owners[team]),
                    "due_at": due,
                    "text": "Send the proposal",
                    "status": "open",
                    "created_by": team_owners[team][0],
                    "created_at": now - timedelta(days=40),
                    "updated_at": now,
                    "version": 1,
                }

        for chunk in _chunks(follow_ups()):
            connection.execute(insert(models.FollowUpRow), chunk)

        def contracts() -> Iterator[dict[str, Any]]:
            for n in range(min(scale.contracts, scale.accounts)):
                account_id, team = account_of(n)
                renewal = (now + timedelta(days=rng.uniform(-365, 365))).date()
                yield {
                    "team_id": team,
                    "account_id": account_id,
                    "value_cents": 2_400_000,
                    "currency": "EUR",
                    "renewal_date": renewal,
                    "notice_days": rng.choice((None, 30, 60, 90)),
                    "auto_renew": False,
                    "direction": "we_sell",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }

        for chunk in _chunks(contracts()):
            connection.execute(insert(models.ContractRow), chunk)

        def interactions() -> Iterator[dict[str, Any]]:
            for _ in range(scale.interactions):
                account_id, team = account_of(rng.randrange(scale.accounts))
                at = now - timedelta(days=rng.uniform(0, 400))
                yield {
                    "team_id": team,
                    "account_id": account_id,
                    "kind": "call",
                    "occurred_at": at,
                    "summary": "Talked about the renewal.",
                    "logged_by": team_owners[team][0],
                    "created_at": at,
                }

        for chunk in _chunks(interactions()):
            connection.execute(insert(models.InteractionRow), chunk)
    engine.dispose()
    return Seeded(database_url, teams, owners, tuple(names), now)
