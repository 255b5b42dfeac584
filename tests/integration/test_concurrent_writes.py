"""Concurrent writes all survive: a write names the version it read, and a request that lost
the race runs again on fresh data (storage versions, ``Rapport.attempt``).

These run real transactions from real threads on a freshly migrated database of their own
(PostgreSQL's READ COMMITTED is where lost updates happened; SQLite serialises writers).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import units_of_work
from bot.clock import FixedClock
from bot.domain import AccountStatus, Actor, name_key
from bot.errors import ConcurrentChange
from bot.execute import Executed, run_text
from bot.runtime import Attempt, Rapport
from bot.services import accounts, contracts
from storage.unit_of_work import unit_of_work
from tests.integration.conftest import when

TEAM = "T0001"
NOW = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)
ADMIN = "UADMIN"


@pytest.fixture
def rapport(fresh_sessions: sessionmaker[Session]) -> Rapport:
    return Rapport(units_of_work(fresh_sessions), FixedClock(NOW), frozenset({ADMIN}))


def _say(rapport: Rapport, text: str, user: str = ADMIN, team: str = TEAM) -> Attempt[object]:
    return rapport.attempt(team, user, lambda uow, actor, now: run_text(uow, actor, now, text))


def _all_at_once(tasks: list[Callable[[], object]]) -> list[object]:
    """Run the tasks on threads that start together; their results, in order."""
    barrier = threading.Barrier(len(tasks))
    results: list[object] = [None] * len(tasks)
    errors: list[BaseException] = []

    def run(i: int, task: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[i] = task()
        except BaseException as error:  # the test reports it below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def _succeeded(attempt: object) -> bool:
    return isinstance(attempt, Attempt) and isinstance(attempt.value, Executed)


def test_a_write_from_a_stale_copy_is_refused_as_a_conflict(
    fresh_sessions: sessionmaker[Session],
) -> None:
    sessions = fresh_sessions
    actor = Actor(TEAM, ADMIN)
    with unit_of_work(sessions, TEAM) as uow:
        uow.workspaces.get_or_create(NOW)
        stale = accounts.add_account(uow, actor, NOW, name="Acme Corp")
    with unit_of_work(sessions, TEAM) as uow:
        accounts.set_status(uow, actor, NOW, account="Acme Corp", status=AccountStatus.AT_RISK)
    with pytest.raises(ConcurrentChange), unit_of_work(sessions, TEAM) as uow:
        uow.accounts.save(dataclasses.replace(stale, tier="gold"))
    with unit_of_work(sessions, TEAM) as uow:
        stored = uow.accounts.by_key("acme corp")
    assert stored is not None and stored.status is AccountStatus.AT_RISK and stored.tier is None


ROUNDS = 15


def test_four_concurrent_changes_to_one_account_all_survive(rapport: Rapport) -> None:
    """Status, owner, a tag and a logged touch, sent at the same instant, round after round:
    each is stored, and the audit trail is one unbroken chain of versions."""
    assert _succeeded(_say(rapport, "add Acme Corp"))
    for i in range(ROUNDS):
        status = "at risk" if i % 2 == 0 else "active"
        owner = "UALICE" if i % 2 == 0 else "UBOB"
        results = _all_at_once(
            [
                lambda s=status: _say(rapport, f"status Acme Corp {s}"),
                lambda o=owner: _say(rapport, f"assign Acme Corp <@{o}>"),
                lambda i=i: _say(rapport, f"tag Acme Corp round{i}"),
                lambda i=i: _say(rapport, f"log call with Acme Corp: round {i}"),
            ]
        )
        assert all(_succeeded(r) for r in results), [getattr(r, "refusal", r) for r in results]
    with rapport.units(TEAM) as uow:
        account = uow.accounts.by_key(name_key("Acme Corp"))
        assert account is not None
        trail = [e for e in uow.audit.for_entity("account", account.id)]
        touches = uow.interactions.recent(account.id, 100)
    last = ROUNDS - 1
    assert account.status is (AccountStatus.AT_RISK if last % 2 == 0 else AccountStatus.ACTIVE)
    assert account.owner.user_id == ("UALICE" if last % 2 == 0 else "UBOB")
    assert set(account.tags) == {f"round{i}" for i in range(ROUNDS)}
    assert len(touches) == ROUNDS
    versions = [(e.before or {}).get("version") for e in trail[1:]]
    assert versions == [(e.after or {}).get("version") for e in trail[:-1]], "a lost update"
    print(f"\n{len(trail)} account changes in one unbroken chain of versions")


def test_concurrent_preferences_of_one_user_all_survive(rapport: Rapport) -> None:
    """Two settings sent at once, the first the user ever sets: both are kept."""
    results = _all_at_once(
        [
            lambda: _say(rapport, "settings digest 08:00", user="UALICE"),
            lambda: _say(rapport, "settings timezone Europe/Paris", user="UALICE"),
            lambda: _say(rapport, "settings nudges instant", user="UALICE"),
        ]
    )
    assert all(_succeeded(r) for r in results)
    with rapport.units(TEAM) as uow:
        preferences = uow.users.preferences("UALICE")
    assert preferences is not None
    assert preferences.digest_time.strftime("%H:%M") == "08:00"
    assert preferences.timezone == "Europe/Paris"
    assert preferences.nudge_mode.value == "instant"


def test_a_new_workspaces_first_requests_at_once_all_succeed(rapport: Rapport) -> None:
    results = _all_at_once(
        [lambda u=u: _say(rapport, "help", user=u, team="TNEW") for u in ("U1", "U2", "U3")]
        + [lambda u=u: _say(rapport, f"add Account {u}", user=u, team="TNEW") for u in "ABC"]
    )
    assert all(_succeeded(r) for r in results), [getattr(r, "refusal", r) for r in results]
    with rapport.units("TNEW") as uow:
        assert len(uow.accounts.all()) == 3


def test_a_renewal_decided_meanwhile_is_not_decided_again_for_the_next_term(
    fresh_postgres_sessions: sessionmaker[Session],
) -> None:
    """Two "Renewed" presses at once (PostgreSQL, READ COMMITTED): the second read the
    contract while it was open; the first renewed it and opened the next term before the
    second wrote. The second must fail on the contract it read, not renew the next term."""
    postgres = fresh_postgres_sessions
    actor = Actor(TEAM, ADMIN, is_admin=True)
    with unit_of_work(postgres, TEAM) as uow:
        uow.workspaces.get_or_create(NOW)
        account = accounts.add_account(uow, actor, NOW, name="Acme Corp")
        renews = when("2027-03-31")
        contract = contracts.set_contract(
            uow, actor, NOW, account=account, value=Decimal(24000), currency="EUR", renews=renews
        ).contract
    with pytest.raises(ConcurrentChange), unit_of_work(postgres, TEAM) as second:
        read, of = contracts.renewal_still_open(second, contract.id, contract.renewal_date)
        with unit_of_work(postgres, TEAM) as first:  # commits while the second is open
            contracts.record_outcome(first, actor, NOW, account=of, renewed=True, contract=read)
        contracts.record_outcome(second, actor, NOW, account=of, renewed=True, contract=read)
    with unit_of_work(postgres, TEAM) as uow:
        outcomes = [c.outcome.value if c.outcome else None for c in uow.contracts.all()]
    assert outcomes == ["renewed", None]
