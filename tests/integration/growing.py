"""A workspace that grows, and a recorder of the SQL a command sends: for the tests that
hold every command to a fixed number of statements and every hot query to an index."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import units_of_work
from bot.clock import FixedClock
from bot.domain import (
    AccountKind,
    Actor,
    ContractDirection,
    InteractionKind,
    Owner,
    RenewalOutcome,
    UserPreferences,
)
from bot.execute import run_text
from bot.ports import UnitOfWork
from bot.render import render_result
from bot.render.reply import Viewer
from bot.runtime import Rapport, Work
from bot.services import queries
from storage.unit_of_work import SqlUnitOfWork, unit_of_work
from tests.integration.conftest import NOW

ALICE, BOB = "UALICE", "UBOB"


@dataclass
class Statements:
    """Every statement sent on one connection while ``recording``: its SQL, its bound
    values as sent, and how many there are."""

    recording: bool = False
    seen: list[tuple[str, int]] = field(default_factory=list)
    sent: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if self.recording:
            self.seen.append((statement, _parameter_count(parameters)))
            self.sent.append((statement, parameters))


def _parameter_count(parameters: Any) -> int:
    if isinstance(parameters, Mapping | Sequence) and not isinstance(parameters, str):
        return len(parameters)
    return 0


@contextmanager
def recording(connection: Connection) -> Iterator[Statements]:
    """What is sent on ``connection`` while the recorder's ``recording`` is on."""
    recorder = Statements()
    event.listen(connection, "before_cursor_execute", recorder)
    yield recorder
    event.remove(connection, "before_cursor_execute", recorder)


def grow(sessions: sessionmaker[Session], start: int, stop: int) -> None:
    """Accounts ``start``…``stop - 1`` (two in three Alice's), each with tags, a contact,
    three interactions, an overdue follow-up and one due this week, and a contract renewing in
    the next 90 days; all of them past their cadence."""
    with unit_of_work(sessions, "T1") as work:
        work.workspaces.get_or_create(NOW)
        for n in range(start, stop):
            _add_account(work, n)


def enrich(sessions: sessionmaker[Session], key: str) -> None:
    """Ten times the contacts, interactions and open follow-ups on one account, and a
    contract renewed before: a card or history that loads its parts row by row grows."""
    with unit_of_work(sessions, "T1") as work:
        account = work.accounts.by_key(key)
        assert account is not None
        for n in range(10):
            _add_touches(work, account.id, ALICE, 1000 + n)
        old = work.contracts.open_for_account(account.id)
        assert old is not None
        work.contracts.save(dataclasses.replace(old, outcome=RenewalOutcome.RENEWED), NOW)
        work.contracts.add(
            account_id=account.id,
            value=Decimal(1),
            currency="EUR",
            renewal_date=date(2028, 1, 20),
            direction=ContractDirection.WE_SELL,
            start_date=None,
            notice_days=None,
            auto_renew=False,
            previous_id=old.id,
            now=NOW,
        )


def _add_account(work: SqlUnitOfWork, n: int) -> None:
    owner = BOB if n % 3 == 0 else ALICE
    account = work.accounts.add(
        name=f"Account {n:04d}",
        kind=AccountKind.CUSTOMER,
        owner=Owner(user_id=owner),
        tier="gold",
        cadence_days=30,
        now=NOW - timedelta(days=60 + n % 7),
        tags=("emea", f"t{n % 5}"),
    )
    _add_touches(work, account.id, owner, n)
    work.contracts.add(
        account_id=account.id,
        value=Decimal(1000 + n),
        currency="EUR",
        renewal_date=date(2027, 1, 20) + timedelta(days=n % 60),
        direction=ContractDirection.WE_SELL,
        start_date=None,
        notice_days=30,
        auto_renew=False,
        previous_id=None,
        now=NOW,
    )


def _add_touches(work: SqlUnitOfWork, account_id: int, owner: str, n: int) -> None:
    """A contact, three interactions, an overdue follow-up and one due this week."""
    contact = work.contacts.add(
        account_id=account_id,
        name=f"Person {n}",
        title=None,
        email=f"p{n}@example.com",
        phone=None,
        slack_user_id=None,
        now=NOW,
    )
    for days in (50, 45, 40):
        work.interactions.add(
            account_id=account_id,
            kind=InteractionKind.CALL,
            occurred_at=NOW - timedelta(days=days, minutes=n),
            summary=f"Call {days}",
            logged_by=owner,
            contact_id=contact.id,
            permalink=None,
            now=NOW,
        )
    for offset in (-timedelta(days=2, minutes=n), timedelta(days=1, minutes=n)):
        work.follow_ups.add(
            number=work.workspaces.next_follow_up_number(),
            account_id=account_id,
            owner_id=owner,
            due_at=NOW + offset,
            text="Send the deck",
            created_by=owner,
            now=NOW,
        )


def command(text: str) -> Work[object]:
    """A line of text as the handlers run it; rendered too (which needs no SQL at all)."""

    def work(uow: UnitOfWork, actor: Actor, now: datetime) -> object:
        executed = run_text(uow, actor, now, text)
        render_result(executed, Viewer(actor.user_id, ZoneInfo(actor.timezone), now))
        return executed

    return work


# Each command, given the account it is about: a fresh one (of the same shape) at each size,
# so that a write at the small size (a `log`) does not change what the same line does later.
COMMANDS: dict[str, Callable[[str], Work[object]]] = {
    "show": lambda target: command(f"show {target}"),
    "history": lambda target: command(f"history {target}"),
    "log with a follow-up": lambda target: command(
        f"log call with {target}: talked pricing follow up tomorrow: send the quote"
    ),
    "who owns": lambda target: command(f"who owns {target}"),
    # As typed in Slack: a link, marks after the name, a question, a line that is a name.
    "who owns, linked and asked": lambda target: command(
        f"who owns <http://{target}.example|{target}>??"
    ),
    "a bare name": lambda target: command(f"{target}."),
    "what's overdue?": lambda _: command("what's overdue?"),
    "mine": lambda _: command("mine"),
    "overdue all": lambda _: command("overdue all"),
    "due": lambda _: command("due this week"),
    "renewals": lambda _: command("renewals"),
    "stale all": lambda _: command("stale all"),
    "find": lambda _: command("find account 00"),
    "accounts": lambda _: command("accounts"),
    "accounts all": lambda _: command("accounts all"),
    "App Home": lambda _: queries.home,
}


def rapport(sessions: sessionmaker[Session]) -> Rapport:
    """The app's runtime over the test's database, Alice in Berlin known to it."""
    with unit_of_work(sessions, "T1") as work:
        work.workspaces.get_or_create(NOW)
        work.users.save_preferences(UserPreferences("T1", ALICE, timezone="Europe/Berlin"), NOW)
    return Rapport(units_of_work(sessions), FixedClock(NOW), frozenset())


def measure(rapport: Rapport, statements: Statements, work: Work[object]) -> list[tuple[str, int]]:
    """The statements ``work`` sends, run as Alice through ``Rapport.attempt``."""
    statements.seen.clear()
    statements.sent.clear()
    statements.recording = True
    try:
        attempt = rapport.attempt("T1", ALICE, work)
    finally:
        statements.recording = False
    assert attempt.refusal is None, attempt.refusal
    return list(statements.seen)
