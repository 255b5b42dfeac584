"""Touches on an account: logged interactions and the follow-ups owed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, select
from sqlalchemy.orm import aliased

from bot.domain import FollowUp, FollowUpStatus, Interaction, InteractionKind
from bot.paging import Cursor, KeyPart, Page
from storage import mapping, models
from storage.repositories.base import TEAM, Scoped, check_version, in_slices
from storage.repositories.paging import read_page


@cache
def _recent_interactions() -> Select[models.InteractionRow]:
    interaction = models.InteractionRow
    return (
        select(interaction)
        .where(
            interaction.team_id == bindparam(TEAM),
            interaction.account_id == bindparam("account_id"),
        )
        .order_by(interaction.occurred_at.desc(), interaction.id.desc())
        .limit(bindparam("limit"))
    )


@cache
def _open_follow_ups_of_account() -> Select[models.FollowUpRow]:
    follow_up = models.FollowUpRow
    return (
        select(follow_up)
        .where(
            follow_up.team_id == bindparam(TEAM),
            follow_up.status == FollowUpStatus.OPEN.value,
            follow_up.account_id == bindparam("account_id"),
        )
        .order_by(func.coalesce(follow_up.snoozed_until, follow_up.due_at), follow_up.number)
    )


class SqlInteractionRepository(Scoped):
    def add(
        self,
        *,
        account_id: int,
        kind: InteractionKind,
        occurred_at: datetime,
        summary: str,
        logged_by: str,
        contact_id: int | None,
        permalink: str | None,
        now: datetime,
    ) -> Interaction:
        row = models.InteractionRow(
            team_id=self.team_id,
            account_id=account_id,
            contact_id=contact_id,
            kind=kind.value,
            occurred_at=occurred_at,
            summary=summary,
            logged_by=logged_by,
            permalink=permalink,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.interaction(row)

    def _for_account(self, account_id: int) -> Select[models.InteractionRow]:
        return (
            select(models.InteractionRow)
            .where(
                models.InteractionRow.team_id == self.team_id,
                models.InteractionRow.account_id == account_id,
            )
            .order_by(models.InteractionRow.occurred_at.desc(), models.InteractionRow.id.desc())
        )

    def recent(self, account_id: int, limit: int) -> list[Interaction]:
        rows = self.session.scalars(
            _recent_interactions(),
            {TEAM: self.team_id, "account_id": account_id, "limit": limit},
        )
        return [mapping.interaction(r) for r in rows]

    def at(self, account_id: int, occurred_at: datetime) -> list[Interaction]:
        rows = self.session.scalars(
            self._for_account(account_id).where(models.InteractionRow.occurred_at == occurred_at)
        )
        return [mapping.interaction(r) for r in rows]

    def get(self, interaction_id: int) -> Interaction | None:
        row = self.session.scalars(
            select(models.InteractionRow).where(
                models.InteractionRow.team_id == self.team_id,
                models.InteractionRow.id == interaction_id,
            )
        ).one_or_none()
        return mapping.interaction(row) if row else None

    def delete(self, interaction_id: int) -> None:
        self.session.execute(
            delete(models.InteractionRow).where(
                models.InteractionRow.team_id == self.team_id,
                models.InteractionRow.id == interaction_id,
            )
        )

    def latest_for_accounts(self, account_ids: Iterable[int]) -> dict[int, Interaction]:
        """Each account's newest interaction, for several accounts in one query a slice: one
        short walk down ix_interactions_account_occurred per account."""
        row, newer = models.InteractionRow, aliased(models.InteractionRow)
        found: dict[int, Interaction] = {}
        for ids in in_slices(account_ids):
            newest = (
                select(newer.id)
                .where(newer.account_id == models.AccountRow.id)
                .order_by(newer.occurred_at.desc(), newer.id.desc())
                .limit(1)
                .scalar_subquery()
            )
            wanted = select(newest).where(
                self.chosen_in_workspace(models.AccountRow.__table__.c.team_id),
                models.AccountRow.id.in_(ids),
            )
            rows = self.session.scalars(select(row).where(row.id.in_(wanted)))
            found.update((r.account_id, mapping.interaction(r)) for r in rows)
        return found

    def all(self) -> list[Interaction]:
        rows = self.session.scalars(
            select(models.InteractionRow)
            .where(models.InteractionRow.team_id == self.team_id)
            .order_by(models.InteractionRow.id)
        )
        return [mapping.interaction(r) for r in rows]


class SqlFollowUpRepository(Scoped):
    def _select(self) -> Select[models.FollowUpRow]:
        return select(models.FollowUpRow).where(models.FollowUpRow.team_id == self.team_id)

    @staticmethod
    def _effective_due() -> ColumnElement[datetime]:
        return func.coalesce(models.FollowUpRow.snoozed_until, models.FollowUpRow.due_at)

    def _open(self) -> Select[models.FollowUpRow]:
        return self._select().where(models.FollowUpRow.status == FollowUpStatus.OPEN.value)

    def _list(self, query: Select[models.FollowUpRow]) -> list[FollowUp]:
        ordered = query.order_by(self._effective_due(), models.FollowUpRow.number)
        return [mapping.follow_up(r) for r in self.session.scalars(ordered)]

    def add(
        self,
        *,
        number: int,
        account_id: int,
        owner_id: str,
        due_at: datetime,
        text: str,
        created_by: str,
        now: datetime,
    ) -> FollowUp:
        row = models.FollowUpRow(
            team_id=self.team_id,
            number=number,
            account_id=account_id,
            owner_id=owner_id,
            due_at=due_at,
            snoozed_until=None,
            text=text,
            status=FollowUpStatus.OPEN.value,
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.follow_up(row)

    def _row(self, number: int) -> models.FollowUpRow | None:
        return self.session.scalars(
            self._select().where(models.FollowUpRow.number == number)
        ).one_or_none()

    def by_number(self, number: int) -> FollowUp | None:
        row = self._row(number)
        return mapping.follow_up(row) if row else None

    def save(self, follow_up: FollowUp, now: datetime) -> FollowUp:
        row = self._row(follow_up.number)
        if row is None:
            raise LookupError(f"follow-up {follow_up.number} is not in workspace {self.team_id}")
        check_version(row.version, follow_up.version, f"follow-up {follow_up.number}")
        row.owner_id = follow_up.owner_id
        row.due_at = follow_up.due_at
        row.snoozed_until = follow_up.snoozed_until
        row.text = follow_up.text
        row.status = follow_up.status.value
        row.completed_by = follow_up.completed_by
        row.completed_at = follow_up.completed_at
        row.updated_at = now
        self.session.flush()
        return mapping.follow_up(row)

    def open_for_account(self, account_id: int) -> list[FollowUp]:
        rows = self.session.scalars(
            _open_follow_ups_of_account(), {TEAM: self.team_id, "account_id": account_id}
        )
        return [mapping.follow_up(r) for r in rows]

    def open_due_before(self, moment: datetime, owner_id: str | None) -> list[FollowUp]:
        query = self._open().where(self._effective_due() < moment)
        if owner_id is not None:
            query = query.where(models.FollowUpRow.owner_id == owner_id)
        return self._list(query)

    def open_page(
        self,
        *,
        owner_id: str | None,
        due_from: datetime | None = None,
        due_before: datetime | None = None,
        limit: int,
        after: Cursor | None = None,
    ) -> Page[FollowUp]:
        row = models.FollowUpRow
        query = self._open()
        if owner_id is not None:
            query = query.where(row.owner_id == owner_id)
        if due_from is not None:
            query = query.where(row.effective_due >= due_from)
        if due_before is not None:
            query = query.where(row.effective_due < due_before)
        return read_page(
            self.session,
            query,
            (row.effective_due, row.number),
            limit=limit,
            after=after,
            key=_follow_up_key,
            domain=mapping.follow_up,
        )

    def open_for_owner(self, owner_id: str) -> list[FollowUp]:
        return self._list(self._open().where(models.FollowUpRow.owner_id == owner_id))

    def open_all(self) -> list[FollowUp]:
        return self._list(self._open())

    def open_due_before_ids(self, moment: datetime) -> list[tuple[int, str]]:
        """(id, owner) of the open follow-ups due (snooze included) before ``moment``, by id:
        one range of ix_follow_ups_team_status_effective."""
        row = models.FollowUpRow
        found = self.session.execute(
            select(row.id, row.owner_id).where(
                row.team_id == self.team_id,
                row.status == FollowUpStatus.OPEN.value,
                row.effective_due < moment,
            )
        )
        return sorted((i, o) for i, o in found)

    def by_ids(self, ids: Iterable[int]) -> list[FollowUp]:
        """These follow-ups as they stand (any status), by id."""
        return [mapping.follow_up(r) for r in self.rows_by_ids(models.FollowUpRow, ids)]

    def get(self, follow_up_id: int) -> FollowUp | None:
        row = self.session.scalars(
            self._select().where(models.FollowUpRow.id == follow_up_id)
        ).one_or_none()
        return mapping.follow_up(row) if row else None

    def for_account(self, account_id: int) -> list[FollowUp]:
        return self._list(self._select().where(models.FollowUpRow.account_id == account_id))

    def all(self) -> list[FollowUp]:
        rows = self.session.scalars(self._select().order_by(models.FollowUpRow.number))
        return [mapping.follow_up(r) for r in rows]


def _follow_up_key(row: models.FollowUpRow) -> tuple[KeyPart, ...]:
    return (row.effective_due, row.number)
