"""A stand-in for `bench.seed` (being written on another branch) with the same interface, so
the harness can run before it lands. It writes through the product's services, one row at a
time, so it caps the rows it writes; delete it once `bench/seed.py` is on main."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from bot.dates import When
from bot.domain import Actor, InteractionKind, Owner, SlackProfile
from bot.services import accounts, contracts, follow_ups, interactions
from storage import migrate
from storage.database import create_database_engine, create_session_factory
from storage.unit_of_work import unit_of_work


@dataclass(frozen=True, slots=True)
class Scale:
    name: str
    accounts: int
    interactions: int
    follow_ups: int
    contracts: int
    owners: int
    workspaces: int


S = Scale("S", 1_000, 10_000, 2_000, 1_000, 200, 2)
L = Scale("L", 100_000, 1_000_000, 200_000, 100_000, 200, 2)
SCALES = {"S": S, "L": L}
_CAP = 2_000  # rows of each kind at most: the services are slow at this


@dataclass(frozen=True, slots=True)
class Seeded:
    database_url: str
    team_ids: tuple[str, ...]
    owner_ids: tuple[str, ...]
    sample_names: tuple[str, ...]
    now: datetime


_FIRST = ["Nord", "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Müller", "Café"]
_SECOND = ["Logistik", "Systems", "Foods", "Bau", "Médical", "Energy", "Partners", "Labs"]
_FORMS = ["GmbH", "Inc.", "Ltd", "AG", "SAS", "LLC"]


def _names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    for n in range(count):
        first, second, form = rng.choice(_FIRST), rng.choice(_SECOND), rng.choice(_FORMS)
        names.append(f"{first} {second} {n} {form}")
    return names


def load(database_url: str, scale: Scale, *, now: datetime, seed: int = 8) -> Seeded:
    """Migrate and fill ``database_url`` (capped: see the module's docstring)."""
    migrate.upgrade(database_url)
    sessions = create_session_factory(create_database_engine(database_url))
    rng = random.Random(seed)
    teams = tuple(f"TB{n:04d}" for n in range(scale.workspaces))
    owners = tuple(f"UB{n:04d}" for n in range(scale.owners))
    per_team = min(scale.accounts, _CAP) // len(teams)
    samples: list[str] = []
    earlier = now - timedelta(days=40)
    for t, team in enumerate(teams):
        team_owners = owners[t :: len(teams)]
        names = _names(rng, per_team)
        if t == 0:
            samples = names
        with unit_of_work(sessions, team) as uow:
            uow.workspaces.get_or_create(earlier)
            for owner in team_owners:
                uow.users.save_profile(SlackProfile(user_id=owner, timezone="UTC"), earlier)
            made = []
            for name in names:
                actor = Actor(team, rng.choice(team_owners))
                made.append(
                    accounts.add_account(
                        uow, actor, earlier, name=name, owner=Owner(user_id=actor.user_id)
                    )
                )
            for n in range(min(scale.interactions, _CAP) // len(teams)):
                account = rng.choice(made)
                actor = Actor(team, account.owner.user_id or team_owners[0])
                interactions.log_interaction(
                    uow,
                    actor,
                    earlier + timedelta(hours=n % 700),
                    account=account.name,
                    kind=InteractionKind.CALL,
                    summary=f"call {n}",
                )
            for n in range(min(scale.follow_ups, _CAP) // len(teams)):
                account = rng.choice(made)
                actor = Actor(team, account.owner.user_id or team_owners[0])
                due = (now + timedelta(days=rng.randint(-3, 27))).date()
                follow_ups.create_follow_up(
                    uow,
                    actor,
                    now - timedelta(days=5),
                    account=account.name,
                    when=When(due, None, due.isoformat()),
                    text=f"follow-up {n}",
                )
            for account in made[: min(scale.contracts, _CAP) // len(teams)]:
                actor = Actor(team, account.owner.user_id or team_owners[0])
                renews = (now + timedelta(days=rng.randint(1, 700))).date()
                contracts.set_contract(
                    uow,
                    actor,
                    earlier,
                    account=account.name,
                    value=Decimal(rng.randint(1, 100) * 1000),
                    currency="EUR",
                    renews=When(renews, None, renews.isoformat()),
                )
    return Seeded(database_url, teams, owners, tuple(samples), now)
