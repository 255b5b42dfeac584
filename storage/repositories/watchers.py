"""Who watches which account, and the watched accounts' recent renewal outcomes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select

from bot.domain import Watch
from storage import mapping, models
from storage.repositories.base import Scoped, in_slices


class SqlWatcherRepository(Scoped):
    """See ``bot.ports.WatcherRepository``."""

    def add(self, *, account_id: int, user_id: str, now: datetime) -> Watch:
        row = models.AccountWatcherRow(
            team_id=self.team_id, account_id=account_id, user_id=user_id, created_at=now
        )
        self.session.add(row)
        self.session.flush()
        return mapping.watch(row)

    def restore(self, watch: Watch) -> Watch:
        row = models.AccountWatcherRow(
            id=watch.id,
            team_id=self.team_id,
            account_id=watch.account_id,
            user_id=watch.user_id,
            created_at=watch.created_at,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.watch(row)

    def get(self, account_id: int, user_id: str) -> Watch | None:
        watcher = models.AccountWatcherRow
        row = self.session.scalars(
            select(watcher).where(
                watcher.team_id == self.team_id,
                watcher.account_id == account_id,
                watcher.user_id == user_id,
            )
        ).one_or_none()
        return mapping.watch(row) if row else None

    def remove(self, watch: Watch) -> None:
        watcher = models.AccountWatcherRow
        self.session.execute(
            delete(watcher).where(watcher.team_id == self.team_id, watcher.id == watch.id)
        )

    def for_account(self, account_id: int) -> list[Watch]:
        return self.for_accounts([account_id]).get(account_id, [])

    def for_accounts(self, account_ids: Iterable[int]) -> dict[int, list[Watch]]:
        watcher = models.AccountWatcherRow
        found: dict[int, list[Watch]] = {}
        for part in in_slices(account_ids):
            rows = self.session.scalars(
                select(watcher)
                .where(watcher.team_id == self.team_id, watcher.account_id.in_(part))
                .order_by(watcher.account_id, watcher.created_at, watcher.id)
            )
            for row in rows:
                found.setdefault(row.account_id, []).append(mapping.watch(row))
        return found

    def watching_contracts(self, contract_ids: Iterable[int]) -> set[str]:
        watcher, contract = models.AccountWatcherRow, models.ContractRow
        found: set[str] = set()
        for part in in_slices(contract_ids):
            found.update(
                self.session.scalars(
                    select(watcher.user_id)
                    .join(contract, contract.account_id == watcher.account_id)
                    .where(
                        watcher.team_id == self.team_id,
                        contract.team_id == self.team_id,
                        contract.id.in_(part),
                    )
                    .distinct()
                )
            )
        return found

    def outcome_ids_since(
        self, since: datetime, *, watched_only: bool = True
    ) -> list[tuple[int, str | None]]:
        watcher, contract, account = (
            models.AccountWatcherRow,
            models.ContractRow,
            models.AccountRow,
        )
        watched = select(watcher.account_id).where(watcher.team_id == self.team_id)
        query = (
            select(contract.id, account.owner_id)
            .join(account, account.id == contract.account_id)
            .where(
                contract.team_id == self.team_id,
                contract.outcome.is_not(None),
                contract.outcome_at >= since,
            )
            .order_by(contract.id)
        )
        if watched_only:
            query = query.where(contract.account_id.in_(watched))
        rows = self.session.execute(query)
        return [(int(contract_id), owner) for contract_id, owner in rows]
