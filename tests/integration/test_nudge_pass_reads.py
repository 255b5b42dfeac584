"""A nudge pass reads what can be due, not the workspace: the rows it loads and the statements
it runs stay the same when items that cannot be due are added (issue 8, point 3). Speed
itself is measured by bench/nudge_pass.py, never here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, text
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_nudge_pass
from bot.clock import FixedClock
from bot.domain import AccountKind, ContractDirection, Owner
from bot.fakeslack import FakeSlack
from bot.settings import Settings
from handlers.client import make_client
from storage import models
from storage.unit_of_work import SqlUnitOfWork, unit_of_work
from tests.scenario.conftest import slack_workspace

TEAM = "T0001"
NOW = datetime(2027, 1, 4, 8, 5, tzinfo=UTC)  # Monday 09:05 in Berlin: Alice's digest is open
TODAY = NOW.date()
LOADED = (models.FollowUpRow, models.ContractRow, models.AccountRow, models.InteractionRow)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(slack_workspace(TEAM), clock=lambda: NOW) as running:
        yield running
        assert running.violations == []


class Reads:
    """Rows loaded per table and statements run, while counting."""

    def __init__(self, engine: Engine) -> None:
        self.rows: Counter[str] = Counter()
        self.statements = 0
        self.counting = False
        self._listeners = [(model, self._loaded(model.__tablename__)) for model in LOADED]
        for model, listener in self._listeners:
            event.listen(model, "load", listener)
        event.listen(engine, "before_cursor_execute", self._executed)

    def _loaded(self, table: str) -> Any:
        def count(_target: object, _context: object) -> None:
            if self.counting:
                self.rows[table] += 1

        return count

    def _executed(self, *_args: object) -> None:
        if self.counting:
            self.statements += 1

    def close(self, engine: Engine) -> None:
        for model, listener in self._listeners:
            event.remove(model, "load", listener)
        event.remove(engine, "before_cursor_execute", self._executed)


def _account(uow: SqlUnitOfWork, name: str, owner: str, touched: datetime) -> int:
    return uow.accounts.add(
        name=name,
        kind=AccountKind.CUSTOMER,
        owner=Owner(user_id=owner),
        tier=None,
        cadence_days=30,
        now=NOW - timedelta(days=400),
        last_touch_at=touched,
    ).id


def _contract(uow: SqlUnitOfWork, account_id: int, renews_in: int, notice: int | None) -> None:
    uow.contracts.add(
        account_id=account_id,
        value=Decimal(1000),
        currency="EUR",
        renewal_date=TODAY + timedelta(days=renews_in),
        direction=ContractDirection.WE_SELL,
        start_date=None,
        notice_days=notice,
        auto_renew=False,
        previous_id=None,
        now=NOW,
    )


def _follow_up(uow: SqlUnitOfWork, account_id: int, owner: str, due: datetime) -> int:
    number = uow.workspaces.next_follow_up_number()
    return uow.follow_ups.add(
        number=number,
        account_id=account_id,
        owner_id=owner,
        due_at=due,
        text="Call back",
        created_by=owner,
        now=NOW - timedelta(days=30),
    ).number


def _add_due(sessions: sessionmaker[Session]) -> None:
    """Four things due for Alice now, one of each way to be due."""
    with unit_of_work(sessions, TEAM) as uow:
        uow.workspaces.get_or_create(NOW)
        fresh = NOW - timedelta(days=1)
        acme = _account(uow, "Acme", "UALICE", fresh)
        _follow_up(uow, acme, "UALICE", NOW - timedelta(days=2))  # overdue
        _contract(uow, acme, renews_in=30, notice=None)  # ladder step 30
        globex = _account(uow, "Globex", "UALICE", fresh)
        _contract(uow, globex, renews_in=120, notice=113)  # notice deadline in 7 days
        _account(uow, "Initech", "UALICE", NOW - timedelta(days=45))  # stale


def _add_not_due(sessions: sessionmaker[Session], count: int, offset: int) -> None:
    """Items that cannot be due now: touched accounts, follow-ups due next month or snoozed
    until then, contracts renewing (and giving notice) months ahead — Bob's and Alice's."""
    with unit_of_work(sessions, TEAM) as uow:
        for n in range(offset, offset + count):
            owner = ("UALICE", "UBOB")[n % 2]
            account = _account(uow, f"Quiet {n}", owner, NOW - timedelta(days=n % 20))
            _follow_up(uow, account, owner, NOW + timedelta(days=30 + n % 40))
            number = _follow_up(uow, account, owner, NOW - timedelta(days=3))
            snoozed = uow.follow_ups.by_number(number)
            assert snoozed is not None
            uow.follow_ups.save(replace(snoozed, snoozed_until=NOW + timedelta(days=7)), NOW)
            _contract(uow, account, renews_in=150 + n % 200, notice=30 + n % 60)


def _forget_the_ledger(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        session.execute(delete(models.NudgeRow))
        session.commit()


def test_a_pass_reads_the_same_rows_however_much_cannot_be_due(
    fresh_sessions: sessionmaker[Session], fake: FakeSlack
) -> None:
    sessions = fresh_sessions
    engine = sessions.kw["bind"]
    client = make_client("xoxb-test", fake.api_url, sleep=lambda _s: None)
    nudges = create_nudge_pass(
        Settings(slack_bot_token="xoxb-test"),
        client=client,
        session_factory=sessions,
        wall=FixedClock(NOW),
        worker="w1",
    )
    _add_due(sessions)
    _add_not_due(sessions, 5, offset=0)
    assert nudges.run([TEAM], NOW).delivered == 4  # owners' profiles are fetched once
    reads = Reads(engine)
    try:
        measured = []
        for added in (0, 60):
            _add_not_due(sessions, added, offset=5)
            _forget_the_ledger(sessions)
            reads.counting, reads.rows, reads.statements = True, Counter(), 0
            report = nudges.run([TEAM], NOW)
            reads.counting = False
            assert (report.planned, report.delivered) == (4, 4)
            measured.append((dict(reads.rows), reads.statements))
    finally:
        reads.close(engine)
    (rows_small, statements_small), (rows_large, statements_large) = measured
    assert rows_large == rows_small
    assert statements_large == statements_small
    assert sum(rows_small.values()) <= 4 * 4  # each due item and what its nudge shows


def test_the_notice_deadline_index_exists_and_answers_the_due_query(
    fresh_sessions: sessionmaker[Session],
) -> None:
    """An expression index alembic cannot compare on SQLite: here it is checked by hand."""
    sessions = fresh_sessions
    _add_due(sessions)
    with unit_of_work(sessions, TEAM) as uow:
        due = uow.contracts.open_due_ids(TODAY + timedelta(days=92), TODAY + timedelta(days=15))
        assert len(due) == 2
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            names = session.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"),
                {"t": "contracts"},
            ).all()
            plan = session.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM contracts WHERE team_id = 'T0001' "
                    "AND outcome IS NULL AND notice_days IS NOT NULL "
                    "AND date(renewal_date, '-' || notice_days || ' days') <= '2027-01-20'"
                )
            ).all()
            assert "ix_contracts_open_notice_deadline" in " ".join(str(r) for r in plan)
        else:
            names = session.scalars(
                text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": "contracts"}
            ).all()
    assert {"ix_contracts_open_notice_deadline", "ix_contracts_team_open_renewal"} <= set(names)
