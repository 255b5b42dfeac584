"""Claims on PostgreSQL: one recipient's rows are one unit, and a claimer never waits.

Two transactions are held open side by side (no threads needed): what one holds, the other
must skip — whole recipients, never a part of one — and at once (a one-second lock timeout
turns any wait into a failure).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.nudges.model import ItemKind, LedgerEntry, NudgeKind, Occasion
from storage import models
from storage.unit_of_work import SqlUnitOfWork, unit_of_work

TEAM = "T0001"
NOW = datetime(2027, 1, 4, 8, 5, tzinfo=UTC)
RECIPIENTS = ("UANNA", "UBEN", "UCARL")
PER_RECIPIENT = 5


@pytest.fixture
def sessions(fresh_postgres_sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    sessions = fresh_postgres_sessions
    occasions = [
        Occasion(
            key=f"fu:{n}:overdue:{recipient}",
            kind=NudgeKind.FOLLOW_UP_OVERDUE,
            item_kind=ItemKind.FOLLOW_UP,
            item_id=n,
            recipient=recipient,
            deliver_after=NOW - timedelta(minutes=5),
            reason="overdue",
        )
        for recipient in RECIPIENTS
        for n in range(PER_RECIPIENT)
    ]
    with unit_of_work(sessions, TEAM) as uow:
        uow.workspaces.get_or_create(NOW)
        uow.nudges.record(occasions, NOW)
    return sessions


def _claim(uow: SqlUnitOfWork, worker: str) -> list[LedgerEntry]:
    return uow.nudges.claim_next(
        due_by=NOW, wall_now=NOW, worker=worker, lease_until=NOW + timedelta(minutes=2)
    )


def _impatient(session: Session) -> SqlUnitOfWork:
    session.begin()
    session.execute(text("SET LOCAL lock_timeout = '1s'"))
    return SqlUnitOfWork(session, TEAM)


def test_a_second_claimer_takes_another_recipient_whole_without_waiting(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as first, sessions() as second:
        one = _claim(_impatient(first), "w1")  # still uncommitted: its locks are held
        two = _claim(_impatient(second), "w2")
        assert {e.recipient for e in one} == {"UANNA"} and len(one) == PER_RECIPIENT
        assert {e.recipient for e in two} == {"UBEN"} and len(two) == PER_RECIPIENT
        first.commit()
        second.commit()


def test_a_recipient_partly_held_elsewhere_is_skipped_not_split(
    sessions: sessionmaker[Session],
) -> None:
    """Another transaction holds a row lock on one of Anna's rows (an older claimer took her
    first row): a claim must neither wait for it nor take the rest of Anna's digest."""
    with sessions() as holder, sessions() as claimer:
        holder.begin()
        first_of_anna = (
            select(models.NudgeRow)
            .where(models.NudgeRow.recipient_id == "UANNA")
            .order_by(models.NudgeRow.id)
            .limit(1)
            .with_for_update()
        )
        holder.scalars(first_of_anna).one()
        claimed = _claim(_impatient(claimer), "w1")
        assert {e.recipient for e in claimed} == {"UBEN"} and len(claimed) == PER_RECIPIENT
        claimer.commit()
        holder.rollback()
