"""What the health score counts per account: overdue follow-ups and touches in two windows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import InstrumentedAttribute

from bot.domain import AccountFilter, FollowUpStatus
from bot.health import TREND_WINDOW_DAYS, AccountActivity
from storage import models
from storage.repositories.accounts import listed_conditions
from storage.repositories.base import Scoped, in_slices

# Which accounts a count is for, as a condition on a table's account_id column.
Chooser = Callable[[InstrumentedAttribute[int]], ColumnElement[bool]]


def _among(ids: list[int]) -> Chooser:
    return lambda column: column.in_(ids)


class SqlActivityRepository(Scoped):
    def activity(self, account_ids: Iterable[int], now: datetime) -> dict[int, AccountActivity]:
        """Per account with any: its open follow-ups past due at ``now`` (how many, and the
        earliest effective due), and its touches in the last ``TREND_WINDOW_DAYS`` days and in
        the as many days before — for accounts named by id, a slice of ids at a time."""
        found: dict[int, AccountActivity] = {}
        for part in in_slices(account_ids):
            found |= self._counted(_among(part), now)
        return found

    def activity_of_listed(
        self, wanted: AccountFilter, now: datetime
    ) -> dict[int, AccountActivity]:
        """``activity`` of every account ``wanted`` (those ``accounts.listed`` reads), chosen
        by the list's own conditions inside each query: no list of ids however many."""
        account = models.AccountRow
        chosen = select(account.id).where(
            account.team_id == self.team_id, *listed_conditions(wanted)
        )
        return self._counted(lambda column: column.in_(chosen), now)

    def _counted(self, chosen: Chooser, now: datetime) -> dict[int, AccountActivity]:
        """Two grouped queries, each walking the chosen accounts' own index
        (ix_follow_ups_account, ix_interactions_account_occurred)."""
        follow_up, interaction = models.FollowUpRow, models.InteractionRow
        window = timedelta(days=TREND_WINDOW_DAYS)
        recent_from, previous_from = now - window, now - 2 * window
        due = func.coalesce(follow_up.snoozed_until, follow_up.due_at)
        overdue = {
            account_id: (count, earliest)
            for account_id, count, earliest in self.session.execute(
                select(follow_up.account_id, func.count(), func.min(due))
                .where(
                    chosen(follow_up.account_id),
                    follow_up.team_id == self.team_id,
                    follow_up.status == FollowUpStatus.OPEN.value,
                    due < now,
                )
                .group_by(follow_up.account_id)
            )
        }
        recent = case((interaction.occurred_at >= recent_from, 1), else_=0)
        touches = {
            account_id: (int(lately or 0), int(together) - int(lately or 0))
            for account_id, lately, together in self.session.execute(
                select(interaction.account_id, func.sum(recent), func.count())
                .where(
                    chosen(interaction.account_id),
                    interaction.team_id == self.team_id,
                    interaction.occurred_at >= previous_from,
                    interaction.occurred_at <= now,
                )
                .group_by(interaction.account_id)
            )
        }
        return {
            account_id: AccountActivity(
                overdue_follow_ups=overdue.get(account_id, (0, None))[0],
                oldest_overdue_at=overdue.get(account_id, (0, None))[1],
                touches_recent=touches.get(account_id, (0, 0))[0],
                touches_previous=touches.get(account_id, (0, 0))[1],
            )
            for account_id in overdue.keys() | touches.keys()
        }
