"""The weekly team report's reads: grouped counts and the few contracts it lists or sums."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select

from bot.domain import FollowUpStatus
from bot.reporting.facts import ContractOfAccount, OwnerCount, OwnerTouches, RenewingContract
from storage import mapping, models
from storage.repositories.base import LIVE_STATUSES, Scoped
from storage.repositories.contracts import day_literal, notice_deadline


class SqlTeamReportRepository(Scoped):
    def touches_per_owner(
        self, last_week_from: datetime, this_week_from: datetime, now: datetime
    ) -> list[OwnerTouches]:
        """One grouped query over the two weeks' interactions (ix_interactions_team_occurred),
        each joined to its account for the owner."""
        interaction, account = models.InteractionRow, models.AccountRow
        this_week = case((interaction.occurred_at >= this_week_from, 1), else_=0)
        rows = self.session.execute(
            select(account.owner_id, func.sum(this_week), func.count())
            .join(account, account.id == interaction.account_id)
            .where(
                interaction.team_id == self.team_id,
                interaction.occurred_at >= last_week_from,
                interaction.occurred_at <= now,
            )
            .group_by(account.owner_id)
        )
        found = [
            OwnerTouches(owner, int(this or 0), int(together) - int(this or 0))
            for owner, this, together in rows
        ]
        return sorted(found, key=lambda t: (t.owner_id is None, t.owner_id or ""))

    def overdue_follow_ups_per_owner(self, now: datetime) -> list[OwnerCount]:
        follow_up = models.FollowUpRow
        rows = self.session.execute(
            select(follow_up.owner_id, func.count())
            .where(
                follow_up.team_id == self.team_id,
                follow_up.status == FollowUpStatus.OPEN.value,
                follow_up.effective_due < now,
            )
            .group_by(follow_up.owner_id)
            .order_by(follow_up.owner_id)
        )
        return [OwnerCount(owner, int(count)) for owner, count in rows]

    def acting_between(self, first_day: date, last_day: date) -> list[ContractOfAccount]:
        """The notice deadline when it is still to come, else the renewal date (as
        ``Contract.next_action``): renewing in the window, or giving notice in it."""
        contract, account = models.ContractRow, models.AccountRow
        deadline = notice_deadline()
        rows = self.session.execute(
            select(contract, account.name, account.owner_id)
            .join(account, account.id == contract.account_id)
            .where(
                contract.team_id == self.team_id,
                contract.outcome.is_(None),
                account.status.in_(LIVE_STATUSES),
                contract.renewal_date >= first_day,
                or_(
                    contract.renewal_date <= last_day,
                    and_(
                        contract.notice_days.is_not(None),
                        deadline >= day_literal(first_day),
                        deadline <= day_literal(last_day),
                    ),
                ),
            )
        )
        found = [ContractOfAccount(mapping.contract(row), name, owner) for row, name, owner in rows]
        return sorted(found, key=lambda c: (c.contract.next_action(first_day).day, c.contract.id))

    def outcomes_between(self, since: datetime, until: datetime) -> list[ContractOfAccount]:
        contract, account = models.ContractRow, models.AccountRow
        rows = self.session.execute(
            select(contract, account.name, account.owner_id)
            .join(account, account.id == contract.account_id)
            .where(
                contract.team_id == self.team_id,
                contract.outcome.is_not(None),
                contract.outcome_at >= since,
                contract.outcome_at <= until,
            )
            .order_by(contract.outcome_at, contract.id)
        )
        return [ContractOfAccount(mapping.contract(row), name, owner) for row, name, owner in rows]

    def renewing_between(self, first_day: date, last_day: date) -> list[RenewingContract]:
        """Only the columns the table sums, along ix_contracts_team_open_renewal."""
        contract, account = models.ContractRow, models.AccountRow
        rows = self.session.execute(
            select(
                contract.id,
                contract.account_id,
                contract.renewal_date,
                contract.value_cents,
                contract.currency,
            )
            .join(account, account.id == contract.account_id)
            .where(
                contract.team_id == self.team_id,
                contract.outcome.is_(None),
                contract.renewal_date >= first_day,
                contract.renewal_date <= last_day,
                account.status.in_(LIVE_STATUSES),
            )
            .order_by(contract.renewal_date, contract.id)
        )
        return [
            RenewingContract(
                contract_id=contract_id,
                account_id=account_id,
                renewal_date=renewal_date,
                value=None if cents is None else Decimal(cents).scaleb(-2),
                currency=currency,
            )
            for contract_id, account_id, renewal_date, cents, currency in rows
        ]
