"""Accounts (with their tags) and their contacts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from bot.domain import Account, AccountKind, AccountStatus, Contact, Owner, name_key
from storage import mapping, models
from storage.repositories.base import (
    LIVE_STATUSES,
    Scoped,
    check_version,
    in_slices,
    in_workspace,
)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlAccountRepository(Scoped):
    def _select(self) -> Select[models.AccountRow]:
        return (
            select(models.AccountRow)
            .where(models.AccountRow.team_id == self.team_id)
            .options(selectinload(models.AccountRow.tags))
        )

    @staticmethod
    def _domain(row: models.AccountRow) -> Account:
        return mapping.account(row, tuple(t.tag for t in row.tags))

    def _all(self, query: Select[models.AccountRow]) -> list[Account]:
        return [self._domain(row) for row in self.session.scalars(query)]

    def add(
        self,
        *,
        name: str,
        kind: AccountKind,
        owner: Owner,
        tier: str | None,
        cadence_days: int,
        now: datetime,
        status: AccountStatus = AccountStatus.ACTIVE,
        tags: Sequence[str] = (),
        last_touch_at: datetime | None = None,
    ) -> Account:
        row = models.AccountRow(
            team_id=self.team_id,
            name=name,
            name_key=name_key(name),
            kind=kind.value,
            owner_id=owner.user_id,
            owner_unresolved=owner.unresolved,
            tier=tier,
            status=status.value,
            cadence_days=cadence_days,
            last_touch_at=last_touch_at,
            next_touch_due=(last_touch_at or now) + timedelta(days=cadence_days),
            created_at=now,
            updated_at=now,
            tags=[self._tag_row(tag) for tag in tags],
        )
        self.session.add(row)
        self.session.flush()
        return self._domain(row)

    def _tag_row(self, tag: str) -> models.AccountTagRow:
        return models.AccountTagRow(team_id=self.team_id, tag=tag, tag_key=name_key(tag))

    def _row(self, account_id: int) -> models.AccountRow | None:
        return self.session.scalars(
            self._select().where(models.AccountRow.id == account_id)
        ).one_or_none()

    def get(self, account_id: int) -> Account | None:
        row = self._row(account_id)
        return self._domain(row) if row else None

    def by_key(self, key: str) -> Account | None:
        row = self.session.scalars(
            self._select().where(models.AccountRow.name_key == key)
        ).one_or_none()
        return self._domain(row) if row else None

    def by_ids(self, ids: Iterable[int]) -> dict[int, Account]:
        wanted = set(ids)
        if not wanted:
            return {}
        query = (
            select(models.AccountRow)
            .where(in_workspace(models.AccountRow.team_id, self.team_id))
            .options(selectinload(models.AccountRow.tags))
        )
        found: dict[int, Account] = {}
        for ids in in_slices(wanted):
            found.update((a.id, a) for a in self._all(query.where(models.AccountRow.id.in_(ids))))
        return found

    def names(self, *, include_archived: bool = True) -> list[str]:
        query = select(models.AccountRow.name).where(models.AccountRow.team_id == self.team_id)
        if not include_archived:
            query = query.where(models.AccountRow.status != AccountStatus.ARCHIVED.value)
        return list(self.session.scalars(query.order_by(models.AccountRow.name_key)))

    def name_keys(self) -> frozenset[str]:
        return frozenset(
            self.session.scalars(
                select(models.AccountRow.name_key).where(models.AccountRow.team_id == self.team_id)
            )
        )

    def save(self, account: Account) -> Account:
        row = self._row(account.id)
        if row is None:
            raise LookupError(f"account {account.id} is not in workspace {self.team_id}")
        check_version(row.version, account.version, f"account {account.id}")
        row.name = account.name
        row.name_key = name_key(account.name)
        row.kind = account.kind.value
        row.owner_id = account.owner.user_id
        row.owner_unresolved = account.owner.unresolved
        row.tier = account.tier
        row.status = account.status.value
        row.cadence_days = account.cadence_days
        row.last_touch_at = account.last_touch_at
        row.next_touch_due = account.next_touch_due
        row.stale_snoozed_until = account.stale_snoozed_until
        row.updated_at = account.updated_at
        wanted = {name_key(t): t for t in account.tags}
        row.tags = [t for t in row.tags if t.tag_key in wanted] + [
            self._tag_row(tag)
            for key, tag in wanted.items()
            if key not in {t.tag_key for t in row.tags}
        ]
        # The tags live in rows of their own: the account's UPDATE (and so its version check
        # and bump) must happen even when only they changed.
        flag_modified(row, "updated_at")
        self.session.flush()
        return self._domain(row)

    def search(self, text: str, *, include_archived: bool, limit: int) -> list[Account]:
        pattern = _like_pattern(name_key(text))
        tag_match = exists().where(
            models.AccountTagRow.account_id == models.AccountRow.id,
            models.AccountTagRow.tag_key.like(pattern, escape="\\"),
        )
        contact_match = exists().where(
            models.ContactRow.account_id == models.AccountRow.id,
            models.ContactRow.name_key.like(pattern, escape="\\"),
        )
        query = self._select().where(
            or_(models.AccountRow.name_key.like(pattern, escape="\\"), tag_match, contact_match)
        )
        if not include_archived:
            query = query.where(models.AccountRow.status != AccountStatus.ARCHIVED.value)
        return self._all(query.order_by(models.AccountRow.name_key).limit(limit))

    def owned_by(self, owner_id: str) -> list[Account]:
        return self._all(
            self._select()
            .where(
                models.AccountRow.owner_id == owner_id,
                models.AccountRow.status.in_(LIVE_STATUSES),
            )
            .order_by(models.AccountRow.name_key)
        )

    def with_unresolved_owner(self) -> list[Account]:
        return self._all(
            self._select()
            .where(models.AccountRow.owner_id.is_(None))
            .order_by(models.AccountRow.name_key)
        )

    def stale(self, now: datetime, owner_id: str | None) -> list[Account]:
        query = self._select().where(
            models.AccountRow.status.in_(LIVE_STATUSES),
            models.AccountRow.next_touch_due < now,
        )
        if owner_id is not None:
            query = query.where(models.AccountRow.owner_id == owner_id)
        return self._all(query.order_by(models.AccountRow.next_touch_due, models.AccountRow.id))

    def stale_ids(self, now: datetime) -> list[tuple[int, str | None]]:
        """(id, owner) of the live accounts past their next-touch date at ``now``, by id."""
        row = models.AccountRow
        found = self.session.execute(
            select(row.id, row.owner_id)
            .where(
                row.team_id == self.team_id,
                row.status.in_(LIVE_STATUSES),
                row.next_touch_due < now,
            )
            .order_by(row.id)
        )
        return [(i, o) for i, o in found]

    def all(self) -> list[Account]:
        return self._all(self._select().order_by(models.AccountRow.id))


class SqlContactRepository(Scoped):
    def add(
        self,
        *,
        account_id: int,
        name: str,
        title: str | None,
        email: str | None,
        phone: str | None,
        slack_user_id: str | None,
        now: datetime,
    ) -> Contact:
        row = models.ContactRow(
            team_id=self.team_id,
            account_id=account_id,
            name=name,
            name_key=name_key(name),
            title=title,
            email=email,
            phone=phone,
            slack_user_id=slack_user_id,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.contact(row)

    def for_account(self, account_id: int) -> list[Contact]:
        rows = self.session.scalars(
            select(models.ContactRow)
            .where(
                models.ContactRow.team_id == self.team_id,
                models.ContactRow.account_id == account_id,
            )
            .order_by(models.ContactRow.name_key, models.ContactRow.id)
        )
        return [mapping.contact(r) for r in rows]

    def names_by_account(self, account_ids: Iterable[int]) -> dict[int, list[str]]:
        wanted = list(set(account_ids))
        names: dict[int, list[str]] = {account_id: [] for account_id in wanted}
        if not wanted:
            return names
        rows = self.session.execute(
            select(models.ContactRow.account_id, models.ContactRow.name)
            .where(
                models.ContactRow.team_id == self.team_id,
                models.ContactRow.account_id.in_(wanted),
            )
            .order_by(models.ContactRow.id)
        )
        for account_id, name in rows:
            names[account_id].append(name)
        return names

    def all(self) -> list[Contact]:
        rows = self.session.scalars(
            select(models.ContactRow)
            .where(models.ContactRow.team_id == self.team_id)
            .order_by(models.ContactRow.id)
        )
        return [mapping.contact(r) for r in rows]
