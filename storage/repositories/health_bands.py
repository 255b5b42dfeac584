"""Accounts' health bands as last checked: the band each scored account is in, and since when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from bot.health import HealthBand, KeptBand
from storage import models
from storage.repositories.base import Scoped, in_slices


class SqlHealthBandRepository(Scoped):
    def kept(self) -> dict[int, KeptBand]:
        """Every kept band of the workspace, by account id."""
        row = models.AccountHealthRow
        return {
            r.account_id: KeptBand(r.account_id, HealthBand(r.band), r.score, r.since)
            for r in self.session.scalars(select(row).where(row.team_id == self.team_id))
        }

    def keep(self, changed: Sequence[KeptBand], added: Sequence[KeptBand], now: datetime) -> None:
        """Write these bands, checked at ``now``: ``changed`` replace kept ones, ``added`` are
        new. Two executemany statements, however many."""
        row = models.AccountHealthRow

        def values(band: KeptBand) -> dict[str, object]:
            return {
                "account_id": band.account_id,
                "band": band.band.value,
                "score": band.score,
                "since": band.since,
                "checked_at": now,
            }

        if changed:
            self.session.execute(update(row), [values(band) for band in changed])
        if added:
            self.session.execute(
                insert(row), [{"team_id": self.team_id, **values(band)} for band in added]
            )

    def forget(self, account_ids: Sequence[int]) -> None:
        """No band kept for these accounts any more (no longer scored)."""
        row = models.AccountHealthRow
        for part in in_slices(account_ids):
            self.session.execute(
                delete(row).where(row.team_id == self.team_id, row.account_id.in_(part))
            )

    def entered(self, band: HealthBand, since: datetime) -> list[KeptBand]:
        """The accounts in ``band`` that entered it at or after ``since``, earliest first."""
        row = models.AccountHealthRow
        return [
            KeptBand(r.account_id, HealthBand(r.band), r.score, r.since)
            for r in self.session.scalars(
                select(row)
                .where(row.team_id == self.team_id, row.band == band.value, row.since >= since)
                .order_by(row.since, row.account_id)
            )
        ]
