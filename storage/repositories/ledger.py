"""Append-mostly records: the audit log, Slack event de-duplication, the nudge ledger."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Executable,
    Select,
    Update,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.domain import AuditEvent
from bot.nudges.model import ItemKind, LedgerEntry, NudgeStatus, Occasion
from storage import mapping, models
from storage.repositories.base import TEAM, Scoped, insert_for, insert_in


@cache
def _event_received_at() -> Select[datetime]:
    event = models.SlackEventRow
    return select(event.received_at).where(event.event_id == bindparam("event_id"))


@cache
def _remember_event(dialect: str) -> Executable:
    """INSERT … ON CONFLICT for the dialect (``SqlSlackEventLog.remember`` says what it does)."""
    event = models.SlackEventRow
    insert = insert_in(dialect)(event).values(
        event_id=bindparam("event_id"), team_id=bindparam(TEAM), received_at=bindparam("now")
    )
    taken: Executable = insert.on_conflict_do_update(
        index_elements=["event_id"],
        set_={"team_id": insert.excluded.team_id, "received_at": insert.excluded.received_at},
        where=event.received_at < bindparam("forgotten_before"),
    ).returning(event.event_id)
    return taken


class SqlAuditLog(Scoped):
    """The audit trail of one unit of work: the rows it writes share a ``change_key``, so
    `undo` takes back what one request changed, whole."""

    def __init__(self, session: Session, team_id: str, change_key: str | None = None) -> None:
        super().__init__(session, team_id)
        self.change_key = change_key or uuid.uuid4().hex

    def record(self, event: AuditEvent) -> None:
        if event.team_id != self.team_id:
            raise ValueError("an audit event must belong to the unit of work's workspace")
        self.session.add(
            models.AuditEventRow(
                team_id=self.team_id,
                actor=event.actor,
                action=event.action,
                entity=event.entity,
                entity_id=None if event.entity_id is None else str(event.entity_id),
                before=event.before,
                after=event.after,
                at=event.at,
                change_key=self.change_key,
                undoes=event.undoes,
            )
        )
        # No flush: nothing reads an audit row back in the unit that writes it (a query
        # would flush it first), and the unit's rows go in one INSERT at its commit.

    def _list(self, *conditions: object) -> list[AuditEvent]:
        rows = self.session.scalars(
            select(models.AuditEventRow)
            .where(models.AuditEventRow.team_id == self.team_id, *conditions)  # type: ignore[arg-type]
            .order_by(models.AuditEventRow.id)
        )
        return [mapping.audit_event(r) for r in rows]

    def for_entity(self, entity: str, entity_id: int | str) -> list[AuditEvent]:
        return self._list(
            and_(
                models.AuditEventRow.entity == entity,
                models.AuditEventRow.entity_id == str(entity_id),
            )
        )

    def all(self) -> list[AuditEvent]:
        return self._list()

    def latest_change(self, actor: str, since: datetime) -> list[AuditEvent]:
        audit = models.AuditEventRow
        mine = (audit.team_id == self.team_id, audit.actor == actor, audit.at >= since)
        # An undo's rows come after the rows they took back, so the window holds both.
        undone = select(audit.undoes).where(*mine, audit.undoes.is_not(None))
        newest = self.session.scalars(
            select(audit)
            .where(*mine, audit.undoes.is_(None), audit.id.not_in(undone))
            .order_by(audit.id.desc())
            .limit(1)
        ).one_or_none()
        if newest is None:
            return []
        if newest.change_key is None:  # written in bulk (an import): a change of its own
            return [mapping.audit_event(newest)]
        return self._list(audit.actor == actor, audit.change_key == newest.change_key)


class SqlSlackEventLog(Scoped):
    KEEP = timedelta(days=1)

    def remember(self, event_id: str, now: datetime) -> bool:
        # One statement: a new id is inserted; one seen more than KEEP ago counts as new
        # (its row is taken over); one seen within KEEP changes nothing and is a retry.
        # Concurrent deliveries of one event: the second waits for the first transaction,
        # then finds its fresh row and does nothing, so exactly one of them goes on.
        taken = self.session.execute(
            _remember_event(self.session.get_bind().dialect.name),
            {
                "event_id": event_id,
                TEAM: self.team_id,
                "now": now,
                "forgotten_before": now - self.KEEP,
            },
        )
        return taken.first() is not None

    def seen(self, event_id: str, now: datetime) -> bool:
        received = self.session.scalar(_event_received_at(), {"event_id": event_id})
        return received is not None and received >= now - self.KEEP

    def forget_old(self, now: datetime) -> int:
        # Housekeeping, off the request path (the scheduler's pass): a request only ever
        # writes its own row.
        removed = self.session.execute(
            delete(models.SlackEventRow).where(
                models.SlackEventRow.team_id == self.team_id,
                models.SlackEventRow.received_at < now - self.KEEP,
            )
        )
        return int(getattr(removed, "rowcount", 0) or 0)


# Ledger rows per INSERT: the statement is compiled once and sent in batches of this size.
_ROWS_PER_INSERT = 500
# How many waiting recipients one claim looks at; those another worker is claiming are skipped.
_RECIPIENTS_PER_LOOK = 50


class SqlNudgeLedger(Scoped):
    def record(self, occasions: Sequence[Occasion], now: datetime) -> int:
        if not occasions:
            return 0
        rows = [
            {
                "team_id": self.team_id,
                "occasion_key": o.key,
                "item_kind": o.item_kind.value,
                "item_id": o.item_id,
                "nudge_kind": o.kind.value,
                "recipient_id": o.recipient,
                "deliver_after": o.deliver_after,
                "status": NudgeStatus.PENDING.value,
                "attempts": 0,
                "reason": o.reason[:300],
                "details": dict(o.details),
                "created_at": now,
            }
            for o in occasions
        ]
        statement = (
            insert_for(self.session)(models.NudgeRow)
            .on_conflict_do_nothing(index_elements=["team_id", "occasion_key"])
            .returning(models.NudgeRow.id)
        )
        # One statement compiled once, its rows sent in batches (SQLAlchemy's "insertmany-
        # values"); RETURNING lists only the rows inserted, which rowcount does not on
        # every driver.
        inserted = 0
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            batch = rows[start : start + _ROWS_PER_INSERT]
            inserted += len(self.session.execute(statement, batch).all())
        return inserted

    def _due(self, due_by: datetime, wall_now: datetime) -> list[ColumnElement[bool]]:
        return [
            models.NudgeRow.team_id == self.team_id,
            models.NudgeRow.status == NudgeStatus.PENDING.value,
            models.NudgeRow.deliver_after <= due_by,
            or_(models.NudgeRow.retry_after.is_(None), models.NudgeRow.retry_after <= wall_now),
        ]

    def claim_next(
        self, *, due_by: datetime, wall_now: datetime, worker: str, lease_until: datetime
    ) -> list[LedgerEntry]:
        due = self._due(due_by, wall_now)
        waiting = self.session.scalars(
            select(models.NudgeRow.recipient_id)
            .where(*due)
            .group_by(models.NudgeRow.recipient_id)
            .order_by(func.min(models.NudgeRow.deliver_after), func.min(models.NudgeRow.id))
            .limit(_RECIPIENTS_PER_LOOK)
        ).all()
        for recipient in waiting:
            if not self._hold_recipient(recipient):
                continue  # another worker is claiming them right now: theirs, whole
            theirs = [*due, models.NudgeRow.recipient_id == recipient]
            rows = list(
                self.session.scalars(
                    select(models.NudgeRow)
                    .where(*theirs)
                    .order_by(models.NudgeRow.id)
                    .with_for_update(skip_locked=True)
                )
            )
            total = self.session.scalar(select(func.count()).where(*theirs))
            if not rows or len(rows) != total:
                continue  # claimed since the look above, or some rows are held: not a part
            # One UPDATE for the recipient's rows, locked above (set-based, not row by row).
            self.session.execute(
                update(models.NudgeRow)
                .where(models.NudgeRow.id.in_([row.id for row in rows]))
                .values(
                    status=NudgeStatus.CLAIMED.value,
                    lease_owner=worker,
                    lease_until=lease_until,
                    attempts=models.NudgeRow.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            return [
                replace(
                    mapping.ledger_entry(row),
                    status=NudgeStatus.CLAIMED,
                    attempts=row.attempts + 1,
                )
                for row in rows
            ]
        return []

    def _hold_recipient(self, recipient: str) -> bool:
        """One recipient's rows are claimed as one unit (so a digest is never split between
        workers). PostgreSQL: a transaction-scoped advisory lock per recipient, tried, never
        waited for. SQLite: its transactions begin IMMEDIATE (storage.database), so only one
        claim runs at a time anyway."""
        if self.session.get_bind().dialect.name == "sqlite":
            return True
        key = f"rapport-nudges:{self.team_id}:{recipient}"
        locked = self.session.scalar(
            select(func.pg_try_advisory_xact_lock(func.hashtextextended(key, 0)))
        )
        return bool(locked)

    def renew_lease(
        self, ids: Sequence[int], *, worker: str, wall_now: datetime, lease_until: datetime
    ) -> int:
        result = self.session.execute(
            self._held(ids, worker)
            .where(models.NudgeRow.lease_until > wall_now)
            .values(lease_until=lease_until)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def _held(self, ids: Sequence[int], worker: str) -> Update:
        return update(models.NudgeRow).where(
            models.NudgeRow.team_id == self.team_id,
            models.NudgeRow.id.in_(list(ids)),
            models.NudgeRow.status == NudgeStatus.CLAIMED.value,
            models.NudgeRow.lease_owner == worker,
        )

    def mark_sent(
        self, ids: Sequence[int], *, worker: str, channel_id: str, message_ts: str, at: datetime
    ) -> int:
        result = self.session.execute(
            self._held(ids, worker).values(
                status=NudgeStatus.SENT.value,
                channel_id=channel_id,
                message_ts=message_ts,
                sent_at=at,
                lease_owner=None,
                lease_until=None,
                last_error=None,
                retry_after=None,
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def release_failed(
        self,
        ids: Sequence[int],
        *,
        worker: str,
        error: str,
        give_up: bool,
        at: datetime,
        retry_after: datetime,
    ) -> None:
        status = NudgeStatus.FAILED if give_up else NudgeStatus.PENDING
        self.session.execute(
            self._held(ids, worker).values(
                status=status.value,
                last_error=error[:2000],
                lease_owner=None,
                lease_until=None,
                retry_after=None if give_up else retry_after,
                failing_since=func.coalesce(models.NudgeRow.failing_since, at),
            )
        )

    def skip(self, ids: Sequence[int], *, worker: str, why: str) -> None:
        self.session.execute(
            self._held(ids, worker).values(
                status=NudgeStatus.SKIPPED.value, last_error=why, lease_owner=None, lease_until=None
            )
        )

    def reap(self, wall_now: datetime) -> int:
        result = self.session.execute(
            update(models.NudgeRow)
            .where(
                models.NudgeRow.team_id == self.team_id,
                models.NudgeRow.status == NudgeStatus.CLAIMED.value,
                models.NudgeRow.lease_until < wall_now,
            )
            .values(status=NudgeStatus.PENDING.value, lease_owner=None, lease_until=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def entries(
        self, *, statuses: Sequence[NudgeStatus] = (), limit: int = 500
    ) -> list[LedgerEntry]:
        query = select(models.NudgeRow).where(models.NudgeRow.team_id == self.team_id)
        if statuses:
            query = query.where(models.NudgeRow.status.in_([s.value for s in statuses]))
        rows = self.session.scalars(query.order_by(models.NudgeRow.id.desc()).limit(limit))
        return [mapping.ledger_entry(row) for row in rows]

    def statuses(self, keys: Sequence[str]) -> dict[str, NudgeStatus]:
        rows = self.session.execute(
            select(models.NudgeRow.occasion_key, models.NudgeRow.status).where(
                models.NudgeRow.team_id == self.team_id,
                models.NudgeRow.occasion_key.in_(list(keys)),
            )
        )
        return {key: NudgeStatus(status) for key, status in rows}

    def record_decision(
        self,
        *,
        channel_id: str,
        message_ts: str,
        item_kind: ItemKind,
        item_id: int,
        decision: str,
        by: str,
        at: datetime,
    ) -> int:
        result = self.session.execute(
            update(models.NudgeRow)
            .where(
                models.NudgeRow.team_id == self.team_id,
                models.NudgeRow.channel_id == channel_id,
                models.NudgeRow.message_ts == message_ts,
                models.NudgeRow.item_kind == item_kind.value,
                models.NudgeRow.item_id == item_id,
            )
            .values(decision=decision, decided_by=by, decided_at=at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
