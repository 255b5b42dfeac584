"""A book of business to measure against, loaded through the product's own bulk write path
(``UnitOfWork.bulk``, the one an import uses), deterministic for a seed and a ``now``.

Counts are totals across the workspaces. Besides what ``Scale`` names, every account gets
one contact and up to three tags, and every owner a cached Slack profile (so that a nudge
pass or a command meets a known user, not a ``users.info`` call). No audit events are
written: the data is a starting point, not a history of changes.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench.names import company_names
from bot.domain import (
    AccountKind,
    AccountStatus,
    FollowUpStatus,
    InteractionKind,
    Owner,
    RenewalOutcome,
    SlackProfile,
)
from bot.drafts import NewAccount, NewContact, NewContract, NewFollowUp, NewInteraction
from bot.ports import UnitOfWork
from storage import migrate
from storage.database import create_database_engine, create_session_factory
from storage.unit_of_work import unit_of_work


@dataclass(frozen=True, slots=True)
class Scale:
    name: str  # "S" or "L"
    accounts: int
    interactions: int
    follow_ups: int  # 10 % of them overdue at `now`
    contracts: int  # renewal dates spread over two years around `now`
    owners: int
    workspaces: int


S = Scale(
    "S", accounts=1_000, interactions=10_000, follow_ups=2_000, contracts=1_000, owners=200,
    workspaces=2,
)  # fmt: skip
L = Scale(
    "L", accounts=100_000, interactions=1_000_000, follow_ups=200_000, contracts=100_000,
    owners=200, workspaces=2,
)  # fmt: skip
SCALES = {"S": S, "L": L}


@dataclass(frozen=True, slots=True)
class Seeded:
    database_url: str
    team_ids: tuple[str, ...]  # T-ids of the workspaces
    owner_ids: tuple[str, ...]  # U-ids of the owners (spread over the workspaces)
    sample_names: tuple[str, ...]  # >= 1,000 account names of team_ids[0], for commands
    now: datetime  # aware UTC: the moment the data is built around


CHUNK_ACCOUNTS = 1_000  # accounts (and all that hangs off them) per transaction
SAMPLE_NAMES = 1_000
KINDS = (
    (AccountKind.CUSTOMER, 60),
    (AccountKind.PROSPECT, 15),
    (AccountKind.PARTNER, 8),
    (AccountKind.VENDOR, 6),
    (AccountKind.SUPPLIER, 5),
    (AccountKind.DISTRIBUTOR, 3),
    (AccountKind.RESELLER, 3),
)
STATUSES = (
    (AccountStatus.ACTIVE, 85),
    (AccountStatus.AT_RISK, 8),
    (AccountStatus.CHURNED, 4),
    (AccountStatus.ARCHIVED, 3),
)
TIERS = ("gold", "silver", "bronze", "platinum", None, None)
TAGS = [
    "emea",
    "apac",
    "amer",
    "dach",
    "nordics",
    "benelux",
    "uk",
    "france",
    "iberia",
    "enterprise",
    "smb",
    "midmarket",
    "strategic",
    "pilot",
    "renewal-risk",
    "upsell",
    "champion-left",
    "security-review",
    "sso",
    "api-user",
    "reseller-led",
    "healthcare",
    "fintech",
    "retail",
    "manufacturing",
    "logistics",
    "public-sector",
    "edu",
]
TOPICS = (
    "Q3 pricing", "the SSO rollout", "renewal terms", "a support escalation", "the roadmap",
    "onboarding", "invoice questions", "the pilot numbers", "a new stakeholder", "the QBR deck",
    "data residency", "API limits", "the security questionnaire", "expansion to a new team",
)  # fmt: skip
FOLLOW_UP_TEXTS = (
    "send the proposal", "check the pilot numbers", "share the SOC 2 report",
    "book the QBR", "confirm the renewal quote", "introduce the new CSM", "chase the PO",
)  # fmt: skip
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "UTC")
FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Lea",
    "Marco",
    "Nora",
    "Omar",
]
LAST_NAMES = [
    "Schmidt",
    "Meyer",
    "Dubois",
    "Rossi",
    "García",
    "Novak",
    "Jensen",
    "Murphy",
    "Silva",
    "Öztürk",
    "Kowalski",
]


def _split(total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` as evenly as it goes (the first ones take the rest)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _weighted(rng: random.Random, options: Sequence[tuple[object, int]]) -> object:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _per_account(rng: random.Random, accounts: int, total: int) -> list[int]:
    """How many of ``total`` items each account gets: skewed, as real books are (a few
    accounts have many touches, many have few), summing to ``total`` exactly."""
    if accounts == 0:
        return []
    weights = [1.0 / (1 + (i % 50)) ** 0.7 for i in range(accounts)]
    rng.shuffle(weights)
    counts = Counter(rng.choices(range(accounts), weights=weights, k=total))
    return [counts[i] for i in range(accounts)]


def _spread(rng: random.Random, scale: Scale, count: int) -> list[bool]:
    """Exactly ``count`` of ``scale.accounts``-long flags set, in a seeded order."""
    flags = [i < count for i in range(scale.accounts)]
    rng.shuffle(flags)
    return flags


@dataclass(frozen=True, slots=True)
class _Plan:
    """One workspace's share of a scale."""

    team_id: str
    owners: tuple[str, ...]
    accounts: int
    interactions: list[int]  # per account
    follow_ups: list[int]
    overdue: list[int]
    contracts: list[int]


def _plans(scale: Scale, owner_ids: Sequence[str], rng: random.Random) -> list[_Plan]:
    team_ids = [f"TW{n:04d}" for n in range(1, scale.workspaces + 1)]
    accounts = _split(scale.accounts, scale.workspaces)
    interactions = _split(scale.interactions, scale.workspaces)
    follow_ups = _split(scale.follow_ups, scale.workspaces)
    overdue = _split(scale.follow_ups // 10, scale.workspaces)
    contracts = _split(scale.contracts, scale.workspaces)
    plans = []
    for n, team_id in enumerate(team_ids):
        per_follow_up = _per_account(rng, accounts[n], follow_ups[n])
        # The overdue ones: a seeded choice among the follow-ups, counted per account.
        chosen = rng.sample(range(follow_ups[n]), overdue[n])
        owner_of = [a for a, c in enumerate(per_follow_up) for _ in range(c)]
        overdue_counts = Counter(owner_of[i] for i in chosen)
        plans.append(
            _Plan(
                team_id=team_id,
                owners=tuple(owner_ids[n :: scale.workspaces]),
                accounts=accounts[n],
                interactions=_per_account(rng, accounts[n], interactions[n]),
                follow_ups=per_follow_up,
                overdue=[overdue_counts[a] for a in range(accounts[n])],
                contracts=_per_account(rng, accounts[n], contracts[n])
                if contracts[n] > accounts[n]
                else [1 if i < contracts[n] else 0 for i in range(accounts[n])],
            )
        )
    return plans


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


def load(database_url: str, scale: Scale, *, now: datetime, seed: int = 8) -> Seeded:
    """Migrate the empty database at database_url and fill it, deterministically for a
    seed, through the product's own bulk write path."""
    if now.tzinfo is None:
        raise ValueError("now must be aware")
    migrate.upgrade(database_url)
    engine = create_database_engine(database_url)
    sessions = create_session_factory(engine)
    rng = random.Random(f"rapport-seed:{seed}")
    owner_ids = tuple(f"UO{n:05d}" for n in range(1, scale.owners + 1))
    plans = _plans(scale, owner_ids, rng)
    samples: list[str] = []
    try:
        for plan in plans:
            with unit_of_work(sessions, plan.team_id) as work:
                work.workspaces.get_or_create(now)
                work.bulk.add_profiles([_profile(owner, rng) for owner in plan.owners], now)
            names = company_names(random.Random(f"rapport-names:{seed}:{plan.team_id}"))
            for chunk in _chunks(plan.accounts, CHUNK_ACCOUNTS):
                with unit_of_work(sessions, plan.team_id) as work:
                    live = _load_chunk(work, plan, chunk, names, rng, now)
                if plan is plans[0]:
                    samples += live
        with unit_of_work(sessions, plans[0].team_id) as work:
            work.bulk.refresh_statistics()  # what is measured next plans with real sizes
    finally:
        engine.dispose()
    return Seeded(
        database_url=database_url,
        team_ids=tuple(plan.team_id for plan in plans),
        owner_ids=owner_ids,
        sample_names=_samples(samples, random.Random(f"rapport-samples:{seed}")),
        now=now,
    )


def _samples(names: list[str], rng: random.Random) -> tuple[str, ...]:
    """At least ``SAMPLE_NAMES`` names for commands: every live name once when there are
    fewer (a small scale), in a seeded order."""
    if not names:
        return ()
    chosen = rng.sample(names, min(len(names), SAMPLE_NAMES))
    while len(chosen) < SAMPLE_NAMES:
        chosen += chosen[: SAMPLE_NAMES - len(chosen)]
    return tuple(chosen)


def _profile(owner: str, rng: random.Random) -> SlackProfile:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return SlackProfile(
        user_id=owner,
        timezone=rng.choice(ZONES),
        display_name=f"{first} {last} {owner[-3:]}",
        email=f"{first.lower()}.{owner.lower()}@ourco.example",
    )


def _load_chunk(
    uow: UnitOfWork,
    plan: _Plan,
    chunk: range,
    names: Iterator[str],
    rng: random.Random,
    now: datetime,
) -> list[str]:
    """One chunk of accounts and everything hung off them; the names of the live ones."""
    drafts: list[NewAccount] = []
    touches: list[list[tuple[datetime, InteractionKind, str, str]]] = []
    for index in chunk:
        kind = _weighted(rng, KINDS)
        assert isinstance(kind, AccountKind)
        created = now - timedelta(days=rng.uniform(30, 1500))
        owner = rng.choice(plan.owners)
        account_touches = sorted(
            (
                created + (now - created) * rng.random(),
                rng.choice(list(InteractionKind)),
                f"Talked about {rng.choice(TOPICS)}.",
                rng.choice(plan.owners),
            )
            for _ in range(plan.interactions[index])
        )
        touches.append(account_touches)
        status = _weighted(rng, STATUSES)
        assert isinstance(status, AccountStatus)
        drafts.append(
            NewAccount(
                name=next(names),
                kind=kind,
                owner=Owner(user_id=owner),
                tier=rng.choice(TIERS),
                cadence_days=kind.default_cadence_days,
                created_at=created,
                status=status,
                tags=tuple(dict.fromkeys(rng.choices(TAGS, k=rng.randrange(4)))),
                last_touch_at=account_touches[-1][0] if account_touches else None,
            )
        )
    accounts = uow.bulk.add_accounts(drafts)
    uow.bulk.add_contacts(
        [
            NewContact(
                account_id=account.id,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                title=rng.choice(("CTO", "Head of Procurement", "VP Sales", None)),
                email=None,
                phone=None,
                slack_user_id=None,
                created_at=account.created_at,
            )
            for account in accounts
        ]
    )
    uow.bulk.add_interactions(
        [
            NewInteraction(
                account_id=account.id,
                kind=kind,
                occurred_at=moment,
                summary=summary,
                logged_by=by,
                contact_id=None,
                permalink=None,
                created_at=moment,
            )
            for account, account_touches in zip(accounts, touches, strict=True)
            for moment, kind, summary, by in account_touches
        ]
    )
    follow_ups: list[NewFollowUp] = []
    contracts: list[NewContract] = []
    for index, account in zip(chunk, accounts, strict=True):
        owner = account.owner.user_id or plan.owners[0]
        for n in range(plan.follow_ups[index]):
            follow_ups.append(_follow_up(account.id, owner, n < plan.overdue[index], rng, now))
        for n in range(plan.contracts[index]):
            # One open contract per account; any more are earlier, renewed terms.
            contracts.append(_contract(account.id, account.kind, n, rng, now))
    uow.bulk.add_follow_ups(follow_ups)
    uow.bulk.add_contracts(contracts)
    live = (AccountStatus.ACTIVE, AccountStatus.AT_RISK)
    return [account.name for account in accounts if account.status in live]


def _follow_up(
    account_id: int, owner: str, overdue: bool, rng: random.Random, now: datetime
) -> NewFollowUp:
    text = rng.choice(FOLLOW_UP_TEXTS)
    if overdue:
        due = now - timedelta(days=rng.uniform(0.1, 60))
        return NewFollowUp(account_id, owner, due, text, owner, due - timedelta(days=7), due)
    if rng.random() < 0.25:  # closed in the past: neither open nor overdue
        due = now - timedelta(days=rng.uniform(1, 365))
        return NewFollowUp(
            account_id,
            owner,
            due,
            text,
            owner,
            due - timedelta(days=7),
            due,
            status=FollowUpStatus.DONE,
            completed_by=owner,
            completed_at=due,
            version=2,
        )
    due = now + timedelta(days=rng.uniform(0.1, 90))
    snoozed = due + timedelta(days=7) if rng.random() < 0.05 else None
    return NewFollowUp(
        account_id, owner, due, text, owner, now - timedelta(days=3), now, snoozed_until=snoozed
    )


def _contract(
    account_id: int, kind: AccountKind, term: int, rng: random.Random, now: datetime
) -> NewContract:
    renewal: date = (now + timedelta(days=rng.uniform(-365, 365))).date()
    if term > 0:
        renewal -= timedelta(days=365 * term)
    return NewContract(
        account_id=account_id,
        value=Decimal(rng.randrange(1_000, 250_000)),
        currency=rng.choice(("EUR", "USD", "GBP")),
        renewal_date=renewal,
        direction=kind.contract_direction,
        start_date=renewal - timedelta(days=365),
        notice_days=rng.choice((None, 30, 60, 90)),
        auto_renew=rng.random() < 0.3,
        created_at=now - timedelta(days=400),
        outcome=RenewalOutcome.RENEWED if term > 0 else None,
        outcome_at=now - timedelta(days=30) if term > 0 else None,
        outcome_by=None,
    )


def main() -> None:
    import argparse
    import time
    from datetime import UTC

    from bench.scratch_db import empty_database

    parser = argparse.ArgumentParser(description="Time loading a scale into empty databases.")
    parser.add_argument("--scale", choices=list(SCALES), default="S")
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    arguments = parser.parse_args()
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    for kind in arguments.db:
        with empty_database(kind) as url:
            started = time.perf_counter()
            load(url, SCALES[arguments.scale], now=now)
            print(
                f"{kind}: scale {arguments.scale} loaded in {time.perf_counter() - started:.1f} s"
            )


if __name__ == "__main__":
    main()
