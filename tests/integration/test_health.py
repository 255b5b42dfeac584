"""Health on a real database: what the repository counts (overdue follow-ups, touches in two
windows), the score of accounts as the services see them, and per-kind cadence rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.domain import AccountKind, AccountStatus, Actor, InteractionKind, Owner
from bot.errors import PermissionDenied
from bot.health import HealthBand
from bot.services import accounts, contracts, follow_ups, interactions, settings, undo
from bot.services.health import health_of
from bot.services.importing import Importer
from bot.transfer.reader import read_records
from storage.unit_of_work import SqlUnitOfWork, unit_of_work
from tests.integration.conftest import ADMIN, ALICE, EVE, NOW, Harness, when

TODAY = date(2027, 1, 6)


def _account_id(app: Harness, name: str, team: str = "T1") -> int:
    found = app.read(team, lambda work: work.accounts.search(name, include_archived=True, limit=1))
    return found[0].id


def _touch(work: SqlUnitOfWork, account_id: int, days_ago: int) -> None:
    work.interactions.add(
        account_id=account_id,
        kind=InteractionKind.CALL,
        occurred_at=NOW - timedelta(days=days_ago),
        summary="call",
        logged_by="UALICE",
        contact_id=None,
        permalink=None,
        now=NOW,
    )


def test_the_repository_counts_overdue_follow_ups_and_touches_per_window(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=400), name="Acme")
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=400), name="Quiet")
    app.run(EVE, accounts.add_account, NOW - timedelta(days=400), name="Acme")
    acme, quiet = _account_id(app, "Acme"), _account_id(app, "Quiet")
    eves = _account_id(app, "Acme", "T2")
    for days, text in ((9, "oldest"), (2, "newer"), (-3, "not yet")):
        app.run(
            ALICE,
            follow_ups.create_follow_up,
            NOW - timedelta(days=days + 1),
            account="Acme",
            when=when("tomorrow", now=NOW - timedelta(days=days + 1)),
            text=text,
        )
    app.run(
        EVE,
        follow_ups.create_follow_up,
        NOW - timedelta(days=20),
        account="Acme",
        when=when("tomorrow", now=NOW - timedelta(days=20)),
        text="eve's",
    )

    def seed(work: SqlUnitOfWork) -> None:
        # Recent window: 0..90 days ago; previous: 90..180; older ones not counted.
        for days in (1, 30, 89, 91, 120, 179, 181, 400):
            _touch(work, acme, days)

    app.read("T1", seed)
    app.read("T2", lambda work: _touch(work, eves, 1))
    found = app.read("T1", lambda work: work.activity.activity([acme, quiet, eves], NOW))
    assert set(found) == {acme}  # Quiet has nothing; Eve's account is another workspace's
    counted = found[acme]
    assert counted.overdue_follow_ups == 2
    assert counted.oldest_overdue_at is not None
    assert counted.oldest_overdue_at.date() == (NOW - timedelta(days=9)).date()
    assert (counted.touches_recent, counted.touches_previous) == (3, 3)


def test_a_snoozed_follow_up_is_overdue_only_after_its_snooze(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=10), name="Acme")
    added = app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW - timedelta(days=10),
        account="Acme",
        when=when("tomorrow", now=NOW - timedelta(days=10)),
        text="call back",
    )
    app.run(ALICE, follow_ups.snooze_follow_up, NOW, added.follow_up.number, when("tomorrow"))
    acme = _account_id(app, "Acme")
    found = app.read("T1", lambda work: work.activity.activity([acme], NOW))
    assert acme not in found


def test_scores_of_accounts_as_the_service_sees_them(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=74), name="Cold")
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=5), name="Warm")
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=5), name="Gone")
    app.run(ALICE, accounts.set_status, NOW, account="Gone", status=AccountStatus.CHURNED)
    app.run(
        ALICE,
        contracts.set_contract,
        NOW - timedelta(days=74),
        account="Cold",
        value=Decimal(24000),
        currency="EUR",
        renews=when("2027-01-27", now=NOW - timedelta(days=74)),
    )

    def scores(work: SqlUnitOfWork) -> dict[str, tuple[int, HealthBand, str]]:
        listed = work.accounts.search("", include_archived=False, limit=10)
        health = health_of(work, listed, NOW, TODAY)
        names = {a.id: a.name for a in listed}
        return {names[i]: (h.score, h.band, h.reason) for i, h in health.items()}

    found = app.read("T1", scores)
    assert set(found) == {"Cold", "Warm"}  # a churned account has no health
    assert found["Cold"] == (
        45,  # 40 off for the cadence, 15 for a renewal within 30 days untouched
        HealthBand.WATCH,
        "no touch in the 74 days since it was added, against a 30-day cadence; "
        "renewal in 21 days with no touch yet",
    )
    assert found["Warm"][:2] == (100, HealthBand.HEALTHY)

    app.run(
        ALICE,
        interactions.log_interaction,
        NOW,
        account="Cold",
        kind=InteractionKind.CALL,
        summary="caught up",
        when=when("today", past=True),
    )
    assert app.read("T1", scores)["Cold"][:2] == (100, HealthBand.HEALTHY)


def test_a_cadence_rule_moves_the_accounts_of_its_kind_that_follow_it(app: Harness) -> None:
    app.run(
        ALICE,
        accounts.add_account,
        NOW - timedelta(days=3),
        name="Follows",
        kind=AccountKind.SUPPLIER,
    )
    app.run(
        ALICE,
        accounts.add_account,
        NOW - timedelta(days=3),
        name="Own",
        kind=AccountKind.SUPPLIER,
        cadence_days=45,
    )
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=3), name="Customer")
    app.run(
        EVE,
        accounts.add_account,
        NOW - timedelta(days=3),
        name="Eve's supplier",
        kind=AccountKind.SUPPLIER,
    )

    with pytest.raises(PermissionDenied):
        app.run(ALICE, settings.set_cadence_rule, NOW, kind=AccountKind.SUPPLIER, ideal_days=60)
    change = app.run(
        ADMIN,
        settings.set_cadence_rule,
        NOW,
        kind=AccountKind.SUPPLIER,
        ideal_days=60,
        max_days=120,
    )
    assert change.moved == 1

    def cadences(team: str) -> dict[str, tuple[int, bool]]:
        listed = app.read(team, lambda w: w.accounts.search("", include_archived=True, limit=9))
        return {a.name: (a.cadence_days, a.cadence_own) for a in listed}

    assert cadences("T1") == {
        "Follows": (60, False),
        "Own": (45, True),
        "Customer": (30, False),
    }
    assert cadences("T2") == {"Eve's supplier": (90, False)}
    follows = app.read("T1", lambda w: w.accounts.by_key("follows"))
    assert follows is not None
    assert follows.next_touch_due == NOW - timedelta(days=3) + timedelta(days=60)

    # A new supplier gets the rule; `set … kind` moves an account that follows its kind.
    app.run(ALICE, accounts.add_account, NOW, name="New", kind=AccountKind.SUPPLIER)
    app.run(ALICE, accounts.set_account_field, NOW, account="Customer", kind=AccountKind.SUPPLIER)
    assert cadences("T1")["New"] == (60, False)
    assert cadences("T1")["Customer"] == (60, False)

    # Back to the default: those that follow it move back.
    back = app.run(
        ADMIN, settings.set_cadence_rule, NOW, kind=AccountKind.SUPPLIER, ideal_days=None
    )
    assert back.is_default and back.moved == 3
    assert cadences("T1") == {
        "Follows": (90, False),
        "Own": (45, True),
        "Customer": (90, False),
        "New": (90, False),
    }
    workspace = app.read("T1", lambda w: w.workspaces.get_or_create(NOW))
    assert workspace.cadence_rules == ()


def test_undo_takes_a_cadence_rule_back_with_the_accounts_it_moved(app: Harness) -> None:
    app.run(
        ALICE,
        accounts.add_account,
        NOW - timedelta(days=3),
        name="Follows",
        kind=AccountKind.SUPPLIER,
    )
    app.run(ADMIN, settings.set_cadence_rule, NOW, kind=AccountKind.SUPPLIER, ideal_days=60)
    app.run(ADMIN, undo.undo_last_change, NOW + timedelta(minutes=1))
    follows = app.read("T1", lambda w: w.accounts.by_key("follows"))
    assert follows is not None and follows.cadence_days == 90
    assert app.read("T1", lambda w: w.workspaces.get_or_create(NOW)).cadence_rules == ()


def test_an_imported_or_set_cadence_is_the_accounts_own(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme")
    app.run(ALICE, accounts.set_account_field, NOW, account="Acme", cadence_days=10)
    acme = app.read("T1", lambda w: w.accounts.by_key("acme"))
    assert acme is not None and (acme.cadence_days, acme.cadence_own) == (10, True)
    app.run(ADMIN, settings.set_cadence_rule, NOW, kind=AccountKind.CUSTOMER, ideal_days=60)
    acme = app.read("T1", lambda w: w.accounts.by_key("acme"))
    assert acme is not None and acme.cadence_days == 10


def test_switching_the_score_off_leaves_no_health(app: Harness) -> None:
    app.run(ALICE, accounts.add_account, NOW, name="Acme")
    app.run(ADMIN, settings.update_workspace, NOW, health_enabled=False)
    listed = app.read(
        "T1",
        lambda w: health_of(w, w.accounts.search("", include_archived=False, limit=5), NOW, TODAY),
    )
    assert listed == {}


def test_an_owner_is_kept_apart(app: Harness) -> None:
    """Accounts of an unresolved owner are scored like any other."""
    app.read("T1", lambda w: w.workspaces.get_or_create(NOW))
    app.read(
        "T1",
        lambda w: w.accounts.add(
            name="Orphan",
            kind=AccountKind.CUSTOMER,
            owner=Owner(unresolved="jane@x.example"),
            tier=None,
            cadence_days=30,
            now=NOW - timedelta(days=100),
        ),
    )
    found = app.read("T1", lambda w: health_of(w, w.accounts.with_unresolved_owner(), NOW, TODAY))
    assert [h.band for h in found.values()] == [HealthBand.WATCH]


def test_an_imported_cadence_is_the_accounts_own_unless_its_kind_gives_it(app: Harness) -> None:
    def run_import(text: str) -> None:
        with unit_of_work(app.sessions, "T1") as work:
            Importer(work, Actor(team_id="T1", user_id="UALICE"), NOW).run(read_records(text))

    run_import("Name,Type,Cadence Days\nOwn,Supplier,45\nKind's,Supplier,90\nNone,Supplier,\n")
    listed = app.read("T1", lambda w: w.accounts.search("", include_archived=True, limit=9))
    assert {a.name: (a.cadence_days, a.cadence_own) for a in listed} == {
        "Own": (45, True),
        "Kind's": (90, False),
        "None": (90, False),
    }
    run_import("Name,Cadence Days\nKind's,20\n")  # a new cadence in a later file is its own
    kinds = app.read("T1", lambda w: w.accounts.by_key("kind's"))
    assert kinds is not None and (kinds.cadence_days, kinds.cadence_own) == (20, True)
