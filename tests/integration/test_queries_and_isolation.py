"""The read side (find, show, mine, overdue, due, renewals, stale) and workspace isolation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.domain import AccountStatus, InteractionKind, Owner, RenewalPeriod
from bot.errors import AccountNotFound, FollowUpNotFound
from bot.services import accounts, contracts, follow_ups, interactions, queries
from bot.services.housekeeping import forget_old_deliveries
from storage import models
from storage.unit_of_work import SqlUnitOfWork, unit_of_work
from tests.integration.conftest import ALICE, BOB, EVE, NOW, Harness, when


@pytest.fixture
def world(app: Harness) -> Harness:
    """Workspace T1: a few accounts with contacts, touches, follow-ups and contracts."""
    app.run(
        ALICE,
        accounts.add_account,
        NOW - timedelta(days=100),
        name="Acme Corp",
        tags=("emea", "gold"),
    )
    app.run(ALICE, accounts.add_account, NOW - timedelta(days=50), name="Acme")
    app.run(BOB, accounts.add_account, NOW - timedelta(days=40), name="Globex", tags=("apac",))
    app.run(ALICE, accounts.add_account, NOW, name="Initech Labs")
    app.run(ALICE, accounts.add_contact, NOW, account="Globex", name="Hank Scorpio")
    app.run(
        ALICE,
        interactions.log_interaction,
        NOW - timedelta(days=10),
        account="Acme",
        kind=InteractionKind.CALL,
        summary="Fine.",
    )
    app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW - timedelta(days=3),
        account="Acme Corp",
        when=when("2027-01-04", now=NOW - timedelta(days=3)),
        text="Overdue one",
    )
    app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account="Acme Corp",
        when=when("today 17:00"),
        text="Due today",
    )
    app.run(
        ALICE,
        follow_ups.create_follow_up,
        NOW,
        account="Globex",
        when=when("friday"),
        text="Due this week",
    )
    app.run(
        BOB,
        follow_ups.create_follow_up,
        NOW - timedelta(days=3),
        account="Globex",
        when=when("2027-01-05", now=NOW - timedelta(days=3)),
        text="Bob's overdue",
    )
    app.run(
        ALICE,
        contracts.set_contract,
        NOW,
        account="Acme Corp",
        value=Decimal(24000),
        currency="EUR",
        renews=when("2027-03-31"),
    )
    app.run(
        BOB,
        contracts.set_contract,
        NOW,
        account="Globex",
        value=Decimal(5000),
        currency="USD",
        renews=when("2027-02-15"),
    )
    app.run(
        ALICE,
        contracts.set_contract,
        NOW,
        account="Initech Labs",
        value=Decimal(100),
        currency="EUR",
        renews=when("2027-12-31"),
    )
    return app


def _read(app: Harness, query: Callable[[SqlUnitOfWork], Any], team: str = "T1") -> Any:
    return app.read(team, query)


def test_find_ranks_exact_then_prefix_then_tags_and_contacts(world: Harness) -> None:
    names = [a.name for a in _read(world, lambda w: queries.find_accounts(w, "acme").accounts)]
    assert names == ["Acme", "Acme Corp"]
    assert [a.name for a in _read(world, lambda w: queries.find_accounts(w, "EMEA").accounts)] == [
        "Acme Corp"
    ]
    assert [
        a.name for a in _read(world, lambda w: queries.find_accounts(w, "scorpio").accounts)
    ] == ["Globex"]
    assert [a.name for a in _read(world, lambda w: queries.find_accounts(w, "labs").accounts)] == [
        "Initech Labs"
    ]


def test_archived_accounts_leave_find_unless_asked(world: Harness) -> None:
    world.run(ALICE, accounts.archive_account, NOW, account="Acme")
    assert [a.name for a in _read(world, lambda w: queries.find_accounts(w, "acme").accounts)] == [
        "Acme Corp"
    ]
    found = _read(world, lambda w: queries.find_accounts(w, "acme", include_archived=True).accounts)
    assert [a.name for a in found] == ["Acme", "Acme Corp"]


def test_account_card(world: Harness) -> None:
    card = _read(world, lambda w: queries.account_card(w, "acme corp", NOW, NOW.date()))
    assert card.account.name == "Acme Corp"
    assert card.contract is not None and card.contract.value == Decimal("24000.00")
    assert [f.text for f in card.follow_ups] == ["Overdue one", "Due today"]
    assert card.interactions == [] and card.last_touch is None
    globex = _read(world, lambda w: queries.account_card(w, "globex", NOW, NOW.date()))
    assert [c.name for c in globex.contacts] == ["Hank Scorpio"]


def test_history_newest_first(world: Harness) -> None:
    for day in range(1, 4):
        world.run(
            BOB,
            interactions.log_interaction,
            NOW,
            account="Globex",
            kind=InteractionKind.EMAIL,
            summary=f"mail {day}",
            when=when(f"2027-01-0{day}", past=True),
        )
    shown = _read(world, lambda w: queries.history(w, "Globex", 2))
    assert [i.summary for i in shown.interactions] == ["mail 3", "mail 2"]


def test_mine(world: Harness) -> None:
    summary = _read(world, lambda w: queries.mine(w, ALICE, NOW))
    assert [a.name for a in summary.accounts.items] == ["Acme", "Acme Corp", "Initech Labs"]
    assert [i.follow_up.text for i in summary.follow_ups.items] == [
        "Overdue one",
        "Due today",
        "Due this week",
    ]
    assert [r.account.name for r in summary.renewals.items] == ["Acme Corp"]


def test_overdue_mine_someone_and_all(world: Harness) -> None:
    mine = _read(world, lambda w: queries.overdue(w, NOW, "UALICE"))
    assert [i.follow_up.text for i in mine.items] == ["Overdue one"]
    everyone = _read(world, lambda w: queries.overdue(w, NOW, None))
    assert [i.follow_up.text for i in everyone.items] == ["Overdue one", "Bob's overdue"]


def test_snoozed_follow_ups_leave_overdue_until_the_snooze_ends(world: Harness) -> None:
    world.run(ALICE, follow_ups.snooze_follow_up, NOW, 1, when("monday"))
    assert _read(world, lambda w: queries.overdue(w, NOW, "UALICE")).items == []
    later = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    assert [
        i.follow_up.number
        for i in _read(world, lambda w: queries.overdue(w, later, "UALICE")).items
    ] == [2, 3, 1]  # by when each is due now: the snoozed one last


def test_due_today_and_this_week(world: Harness) -> None:
    today = _read(world, lambda w: queries.due(w, ALICE, NOW, this_week=False))
    assert [i.follow_up.text for i in today.items] == ["Overdue one", "Due today"]
    week = _read(world, lambda w: queries.due(w, ALICE, NOW, this_week=True))
    assert [i.follow_up.text for i in week.items] == ["Overdue one", "Due today", "Due this week"]


def test_renewals_windows(world: Harness) -> None:
    default = _read(world, lambda w: queries.renewals(w, ALICE, NOW))
    assert [(r.account.name, r.account.owner.user_id) for r in default.page.items] == [
        ("Globex", "UBOB"),
        ("Acme Corp", "UALICE"),
    ]
    soon = _read(world, lambda w: queries.renewals(w, ALICE, NOW, within_days=45))
    assert [r.account.name for r in soon.page.items] == ["Globex"]
    quarter = _read(
        world, lambda w: queries.renewals(w, ALICE, NOW, period=RenewalPeriod.THIS_QUARTER)
    )
    assert [r.account.name for r in quarter.page.items] == ["Globex", "Acme Corp"]
    year = _read(world, lambda w: queries.renewals(w, ALICE, NOW, within_days=365))
    assert [r.account.name for r in year.page.items][-1] == "Initech Labs"


def test_stale_longest_first_and_reset_by_any_touch(world: Harness) -> None:
    stale = _read(world, lambda w: queries.stale(w, NOW, None))
    # Acme Corp: created 100 days ago, cadence 30. Globex: 40 days ago. Acme was touched.
    assert [a.name for a in stale.items] == ["Acme Corp", "Globex"]
    world.run(
        BOB,
        interactions.log_interaction,
        NOW,
        account="Acme Corp",
        kind=InteractionKind.NOTE,
        summary="Checked in.",
    )
    assert [a.name for a in _read(world, lambda w: queries.stale(w, NOW, None)).items] == ["Globex"]
    assert _read(world, lambda w: queries.stale(w, NOW, "UALICE")).items == []


def test_churned_and_archived_accounts_leave_the_lists(world: Harness) -> None:
    world.run(ALICE, accounts.set_status, NOW, account="Acme Corp", status=AccountStatus.CHURNED)
    stale = _read(world, lambda w: queries.stale(w, NOW, None))
    assert "Acme Corp" not in [a.name for a in stale.items]
    assert "Acme Corp" not in [
        r.account.name for r in _read(world, lambda w: queries.renewals(w, ALICE, NOW)).page.items
    ]


# Every use case, pointed from workspace T2 at T1's accounts and follow-up numbers.
CROSS_WORKSPACE_ATTEMPTS: dict[str, Callable[[SqlUnitOfWork], object]] = {
    "rename": lambda w: accounts.rename_account(w, EVE, NOW, account="Acme Corp", new_name="X"),
    "archive": lambda w: accounts.archive_account(w, EVE, NOW, account="Acme Corp"),
    "status": lambda w: accounts.set_status(
        w, EVE, NOW, account="Acme Corp", status=AccountStatus.AT_RISK
    ),
    "tag": lambda w: accounts.tag_account(w, EVE, NOW, account="Acme Corp", tags=("x",)),
    "untag": lambda w: accounts.untag_account(w, EVE, NOW, account="Acme Corp", tag="emea"),
    "assign": lambda w: accounts.assign_account(w, EVE, NOW, account="Acme Corp", user_id="UEVE"),
    "contact": lambda w: accounts.add_contact(w, EVE, NOW, account="Acme Corp", name="Spy"),
    "log": lambda w: interactions.log_interaction(
        w, EVE, NOW, account="Acme Corp", kind=InteractionKind.CALL, summary="x"
    ),
    "follow up": lambda w: follow_ups.create_follow_up(
        w, EVE, NOW, account="Acme Corp", when=when("tomorrow"), text="x"
    ),
    "done": lambda w: follow_ups.complete_follow_up(w, EVE, NOW, 1),
    "snooze": lambda w: follow_ups.snooze_follow_up(w, EVE, NOW, 1, when("monday")),
    "cancel": lambda w: follow_ups.cancel_follow_up(w, EVE, NOW, 1),
    "contract": lambda w: contracts.set_contract(
        w,
        EVE,
        NOW,
        account="Acme Corp",
        value=Decimal(1),
        currency="EUR",
        renews=when("2027-06-01"),
    ),
    "renewed": lambda w: contracts.record_outcome(w, EVE, NOW, account="Acme Corp", renewed=True),
    "churned": lambda w: contracts.record_outcome(w, EVE, NOW, account="Acme Corp", renewed=False),
    "show": lambda w: queries.account_card(w, "Acme Corp", NOW, NOW.date()),
    "history": lambda w: queries.history(w, "Acme Corp"),
    "who owns": lambda w: queries.who_owns(w, "Acme Corp"),
}


@pytest.mark.parametrize("attempt", CROSS_WORKSPACE_ATTEMPTS.values(), ids=CROSS_WORKSPACE_ATTEMPTS)
def test_another_workspace_can_neither_see_nor_touch(
    world: Harness, attempt: Callable[[SqlUnitOfWork], object]
) -> None:
    world.run(EVE, accounts.add_account, NOW, name="Eve's Own")
    before = world.snapshot()
    with pytest.raises((AccountNotFound, FollowUpNotFound)) as refused:
        world.read("T2", attempt)
    if isinstance(refused.value, AccountNotFound):
        assert "Acme Corp" not in refused.value.suggestions
    assert world.snapshot() == before


def test_another_workspace_lists_nothing_of_ours(world: Harness) -> None:
    world.run(EVE, accounts.add_account, NOW, name="Eve's Own", owner=Owner(user_id="UALICE"))
    assert _read(world, lambda w: queries.find_accounts(w, "acme").accounts, "T2") == []
    assert _read(world, lambda w: queries.overdue(w, NOW, None), "T2").items == []
    assert (
        _read(world, lambda w: queries.stale(w, NOW + timedelta(days=400), None), "T2")
        .items[0]
        .name
        == "Eve's Own"
    )
    assert (
        _read(world, lambda w: queries.renewals(w, EVE, NOW, within_days=3660), "T2").page.total
        == 0
    )
    alice_in_t2 = ALICE.__class__(team_id="T2", user_id="UALICE", timezone="Europe/Berlin")
    summary = _read(world, lambda w: queries.mine(w, alice_in_t2, NOW), "T2")
    assert [a.name for a in summary.accounts.items] == ["Eve's Own"]
    assert summary.follow_ups.total == summary.renewals.total == 0
    assert [e.team_id for e in _read(world, lambda w: w.audit.all(), "T2")] == ["T2"]


def test_owner_unresolved_lists_only_this_workspaces_accounts(app: Harness) -> None:
    """`find owner:unresolved` lists the accounts of the asking workspace whose owner is still
    unresolved — never another workspace's, never an account with a Slack owner."""
    app.run(ALICE, accounts.add_account, NOW, name="Ours", owner=Owner(unresolved="mo@a.example"))
    app.run(ALICE, accounts.add_account, NOW, name="Ours Owned")
    app.run(EVE, accounts.add_account, NOW, name="Theirs", owner=Owner(unresolved="jo@b.example"))

    def unresolved(team: str) -> list[str]:
        found = _read(app, lambda w: queries.find_accounts(w, "owner:unresolved"), team)
        return [a.name for a in found.accounts]

    assert unresolved("T1") == ["Ours"]
    assert unresolved("T2") == ["Theirs"]


def test_home_shows_my_overdue_this_week_renewals_and_stale(world: Harness) -> None:
    data = _read(world, lambda w: queries.home(w, ALICE, NOW))
    assert [i.follow_up.text for i in data.overdue.items] == ["Overdue one"]
    assert [i.follow_up.text for i in data.due_this_week.items] == ["Due today", "Due this week"]
    assert [r.account.name for r in data.renewals.items] == ["Acme Corp"]
    assert [a.name for a in data.stale.items] == ["Acme Corp"]


def test_seen_deliveries_are_kept_a_day_and_pruned_after_it(app: Harness) -> None:
    """A Slack retry within the day is recognised; an id older than a day counts as new;
    the scheduler's housekeeping prunes ids older than a day (the table does not grow for
    ever), and a request never deletes anything."""
    day = timedelta(days=1)

    def remember(key: str, at: datetime) -> bool:
        return app.read("T1", lambda w: w.events.remember(key, at))

    def kept() -> set[str]:
        with app.sessions() as session:
            return set(session.scalars(select(models.SlackEventRow.event_id)))

    assert remember("Ev1", NOW) is True
    assert remember("Ev1", NOW + day - timedelta(seconds=1)) is False
    assert remember("Ev2", NOW + day + timedelta(seconds=1)) is True
    assert kept() == {"Ev1", "Ev2"}  # remembering never prunes
    assert remember("Ev1", NOW + day + timedelta(seconds=2)) is True  # a day old: new again
    assert remember("Ev1", NOW + day + timedelta(seconds=3)) is False  # and now recent
    units = lambda team_id, **_: unit_of_work(app.sessions, team_id)  # noqa: E731
    later = NOW + 2 * day + timedelta(seconds=2)
    assert forget_old_deliveries(units, ["T1"], later) == 1
    assert kept() == {"Ev1"}
