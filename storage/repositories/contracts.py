"""Contracts and the renewals they lead to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, literal, or_, select

from bot.domain import AccountFilter, Contract, ContractDirection, RenewalOutcome
from bot.paging import Cursor, KeyPart, Page
from storage import mapping, models
from storage.repositories.accounts import listed_conditions
from storage.repositories.base import LIVE_STATUSES, TEAM, Scoped, check_version, in_slices
from storage.repositories.paging import read_page


@cache
def _open_contract_of_account() -> Select[models.ContractRow]:
    contract = models.ContractRow
    return select(contract).where(
        contract.team_id == bindparam(TEAM),
        contract.account_id == bindparam("account_id"),
        contract.outcome.is_(None),
    )


def _to_cents(value: Decimal | None) -> int | None:
    """Hundredths of the currency unit; ``None`` for a value not known."""
    return None if value is None else int((value * 100).to_integral_value())


class SqlContractRepository(Scoped):
    def add(
        self,
        *,
        account_id: int,
        value: Decimal | None,
        currency: str,
        renewal_date: date,
        direction: ContractDirection,
        start_date: date | None,
        notice_days: int | None,
        auto_renew: bool,
        previous_id: int | None,
        now: datetime,
        notice_months: int | None = None,
        outcome: RenewalOutcome | None = None,
        outcome_at: datetime | None = None,
        outcome_by: str | None = None,
    ) -> Contract:
        row = models.ContractRow(
            team_id=self.team_id,
            account_id=account_id,
            value_cents=_to_cents(value),
            currency=currency,
            start_date=start_date,
            renewal_date=renewal_date,
            notice_days=notice_days,
            notice_months=notice_months,
            auto_renew=auto_renew,
            direction=direction.value,
            outcome=outcome.value if outcome else None,
            outcome_at=outcome_at,
            outcome_by=outcome_by,
            previous_id=previous_id,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return mapping.contract(row)

    def _select(self) -> Select[models.ContractRow]:
        return select(models.ContractRow).where(models.ContractRow.team_id == self.team_id)

    def open_for_account(self, account_id: int) -> Contract | None:
        row = self.session.scalars(
            _open_contract_of_account(), {TEAM: self.team_id, "account_id": account_id}
        ).one_or_none()
        return mapping.contract(row) if row else None

    def get(self, contract_id: int) -> Contract | None:
        row = self.session.scalars(
            self._select().where(models.ContractRow.id == contract_id)
        ).one_or_none()
        return mapping.contract(row) if row else None

    def for_account(self, account_id: int) -> list[Contract]:
        rows = self.session.scalars(
            self._select()
            .where(models.ContractRow.account_id == account_id)
            .order_by(models.ContractRow.id)
        )
        return [mapping.contract(r) for r in rows]

    def save(self, contract: Contract, now: datetime) -> Contract:
        row = self.session.scalars(
            self._select().where(models.ContractRow.id == contract.id)
        ).one_or_none()
        if row is None:
            raise LookupError(f"contract {contract.id} is not in workspace {self.team_id}")
        check_version(row.version, contract.version, f"contract {contract.id}")
        row.value_cents = _to_cents(contract.value)
        row.currency = contract.currency
        row.start_date = contract.start_date
        row.renewal_date = contract.renewal_date
        row.notice_days = contract.notice_days
        row.notice_months = contract.notice_months
        row.auto_renew = contract.auto_renew
        row.direction = contract.direction.value
        row.outcome = contract.outcome.value if contract.outcome else None
        row.outcome_at = contract.outcome_at
        row.outcome_by = contract.outcome_by
        row.nudges_snoozed_until = contract.nudges_snoozed_until
        row.updated_at = now
        self.session.flush()
        return mapping.contract(row)

    def delete(self, contract: Contract) -> None:
        row = self.session.scalars(
            self._select().where(models.ContractRow.id == contract.id)
        ).one_or_none()
        if row is None:
            raise LookupError(f"contract {contract.id} is not in workspace {self.team_id}")
        check_version(row.version, contract.version, f"contract {contract.id}")
        self.session.delete(row)
        self.session.flush()

    def open_renewing_by(self, last_day: date, owner_id: str | None) -> list[Contract]:
        query = (
            self._select()
            .join(models.AccountRow, models.AccountRow.id == models.ContractRow.account_id)
            .where(
                models.ContractRow.outcome.is_(None),
                models.ContractRow.renewal_date <= last_day,
                models.AccountRow.status.in_(LIVE_STATUSES),
            )
        )
        if owner_id is not None:
            query = query.where(models.AccountRow.owner_id == owner_id)
        rows = self.session.scalars(
            query.order_by(models.ContractRow.renewal_date, models.ContractRow.id)
        )
        return [mapping.contract(r) for r in rows]

    def by_ids(self, ids: Iterable[int]) -> list[Contract]:
        """These contracts as they stand (with or without an outcome), by id."""
        return [mapping.contract(r) for r in self.rows_by_ids(models.ContractRow, ids)]

    def open_for_accounts(self, account_ids: Iterable[int]) -> dict[int, Contract]:
        """The open contract of each of these accounts that has one."""
        found: dict[int, Contract] = {}
        for part in in_slices(account_ids):
            rows = self.session.scalars(
                select(models.ContractRow).where(
                    self.chosen_in_workspace(models.ContractRow.__table__.c.team_id),
                    models.ContractRow.account_id.in_(part),
                    models.ContractRow.outcome.is_(None),
                )
            )
            found.update((r.account_id, mapping.contract(r)) for r in rows)
        return found

    def open_of_listed(self, wanted: AccountFilter) -> dict[int, Contract]:
        """The open contract of each account ``wanted`` that has one (those ``accounts.listed``
        reads), chosen by the list's conditions inside the query: no list of ids."""
        account = models.AccountRow
        chosen = select(account.id).where(
            account.team_id == self.team_id, *listed_conditions(wanted)
        )
        rows = self.session.scalars(
            select(models.ContractRow).where(
                # The accounts choose the rows (see ``chosen_in_workspace``).
                self.chosen_in_workspace(models.ContractRow.__table__.c.team_id),
                models.ContractRow.account_id.in_(chosen),
                models.ContractRow.outcome.is_(None),
            )
        )
        return {row.account_id: mapping.contract(row) for row in rows}

    def open_due_ids(self, renewals_by: date, notices_by: date) -> list[tuple[int, str | None]]:
        """(id, account owner) of the open contracts of live accounts renewing on or before
        ``renewals_by`` or with a notice deadline on or before ``notices_by``, by id. Two
        index ranges of open contracts, one query each: by renewal date, by notice deadline."""
        contract = models.ContractRow

        def live_and_open(*due: ColumnElement[bool]) -> Select[int, str | None]:
            return (
                select(contract.id, models.AccountRow.owner_id)
                .join(models.AccountRow, models.AccountRow.id == contract.account_id)
                .where(
                    contract.team_id == self.team_id,
                    contract.outcome.is_(None),
                    *due,
                    models.AccountRow.status.in_(LIVE_STATUSES),
                )
            )

        renewing = live_and_open(contract.renewal_date <= renewals_by)
        noticing = live_and_open(
            contract.notice_days.is_not(None), notice_deadline() <= day_literal(notices_by)
        )
        found = {i: o for query in (renewing, noticing) for i, o in self.session.execute(query)}
        return sorted(found.items())

    def _live(self, query: Select[models.ContractRow]) -> Select[models.ContractRow]:
        account = models.AccountRow
        return query.join(account, account.id == models.ContractRow.account_id).where(
            account.status.in_(LIVE_STATUSES)
        )

    def _coming_notices(self, first_day: date, last_day: date) -> Select[models.ContractRow]:
        """Open contracts of live accounts whose notice deadline falls in the window
        (ix_contracts_open_notice_deadline, in deadline order)."""
        contract = models.ContractRow
        return self._live(
            self._select().where(
                contract.outcome.is_(None),
                contract.notice_days.is_not(None),
                notice_deadline() >= day_literal(first_day),
                notice_deadline() <= day_literal(last_day),
            )
        )

    def open_notices_page(
        self, first_day: date, last_day: date, *, limit: int, after: Cursor | None = None
    ) -> Page[Contract]:
        return read_page(
            self.session,
            self._coming_notices(first_day, last_day),
            (notice_deadline(), models.ContractRow.id),
            limit=limit,
            after=after,
            key=_notice_key,
            domain=mapping.contract,
            count_cap=RENEWALS_COUNTED,
            count_in_order=True,
        )

    def open_by_next_action_page(
        self,
        acting_from: date,
        last_day: date,
        owner_id: str | None,
        *,
        overdue: bool = True,
        limit: int,
        after: Cursor | None = None,
    ) -> Page[Contract]:
        if owner_id is not None:
            return self._owners_by_next_action(
                acting_from, last_day, owner_id, overdue=overdue, limit=limit, after=after
            )
        # Everyone's: two streams, each a page in its own index's order, merged. Each open
        # contract is in exactly one: its notice deadline is still to come (from acting_from
        # on: ix_contracts_open_notice_deadline), or its renewal date is what comes next
        # (ix_contracts_team_open_renewal).
        contract = models.ContractRow
        notices = self.open_notices_page(acting_from, last_day, limit=limit, after=after)
        renewing = self._live(
            self._select().where(
                contract.outcome.is_(None),
                contract.renewal_date <= last_day,
                or_(contract.notice_days.is_(None), notice_deadline() < day_literal(acting_from)),
            )
        )
        if not overdue:
            renewing = renewing.where(contract.renewal_date >= acting_from)
        # The renewal stream's walk skips the contracts of the notice stream that renew in
        # its range; when the notice page is full, the merged page ends by its last deadline,
        # so the walk stops there too and skips at most those renewing up to that date.
        bounded = renewing
        if len(notices.items) == limit:
            last_deadline = notices.items[-1].notice_deadline
            assert last_deadline is not None
            bounded = renewing.where(contract.renewal_date <= last_deadline)
        renewals = read_page(
            self.session,
            bounded,
            (contract.renewal_date, contract.id),
            limit=limit,
            after=after,
            key=_contract_key,
            domain=mapping.contract,
            count_from=renewing,
            count_cap=RENEWALS_COUNTED,
            count_in_order=True,
        )
        merged = sorted(
            [*notices.items, *renewals.items], key=lambda c: _action_key(c, acting_from)
        )[:limit]
        total = notices.total + renewals.total
        cursor = Cursor(_action_key(merged[-1], acting_from)) if len(merged) < total else None
        return Page(merged, total, cursor, notices.capped or renewals.capped)

    def _owners_by_next_action(
        self,
        acting_from: date,
        last_day: date,
        owner_id: str,
        *,
        overdue: bool,
        limit: int,
        after: Cursor | None,
    ) -> Page[Contract]:
        # One owner's: from their live accounts to each one's open contract in the window
        # (by account: uq_contracts_open_per_account), then sorted by the next date that
        # needs action. The sort is bounded by their book: an account has at most one open
        # contract. Walking the workspace's window in order instead and testing each
        # contract's account, as SQLite's planner does without statistics when given the
        # plain workspace test, reads every open contract of the workspace to find one
        # owner's. PostgreSQL picks this plan itself from its statistics; SQLite is given the
        # workspace test in a form no index answers (``chosen_in_workspace``).
        contract, account = models.ContractRow, models.AccountRow
        theirs = select(account.id).where(
            account.team_id == self.team_id,
            account.owner_id == owner_id,
            account.status.in_(LIVE_STATUSES),
        )
        deadline = notice_deadline()
        coming_notice = and_(
            contract.notice_days.is_not(None), deadline >= day_literal(acting_from)
        )
        next_action = case((coming_notice, deadline), else_=contract.renewal_date)
        query = select(contract).where(
            self.chosen_in_workspace(contract.__table__.c.team_id),
            contract.account_id.in_(theirs),
            contract.outcome.is_(None),
            next_action <= day_literal(last_day),
        )
        if not overdue:
            query = query.where(next_action >= day_literal(acting_from))
        return read_page(
            self.session,
            query,
            (next_action, contract.id),
            limit=limit,
            after=after,
            key=lambda row: _action_key(mapping.contract(row), acting_from),
            domain=mapping.contract,
            count_cap=RENEWALS_COUNTED,
        )

    def all(self) -> list[Contract]:
        rows = self.session.scalars(self._select().order_by(models.ContractRow.id))
        return [mapping.contract(r) for r in rows]


# How many renewals a list counts before it says "at least": a 90-day window of a large
# book holds thousands, and counting them all would join each to its account.
RENEWALS_COUNTED = 500


def notice_deadline() -> ColumnElement[date]:
    """The renewal date minus the notice period, in SQL: ``models.NoticeDeadline``, the
    expression its index is built on (spelt per dialect)."""
    return models.NoticeDeadline()


def day_literal(day: date) -> ColumnElement[date]:
    return literal(day, models.ContractRow.renewal_date.type)


def _contract_key(row: models.ContractRow) -> tuple[KeyPart, ...]:
    return (row.renewal_date, row.id)


def _notice_key(row: models.ContractRow) -> tuple[KeyPart, ...]:
    deadline = mapping.contract(row).notice_deadline
    assert deadline is not None  # the notice stream holds contracts with a notice period
    return (deadline, row.id)


def _action_key(contract: Contract, acting_from: date) -> tuple[date, int]:
    """Where a contract stands in the order of the next date that needs action."""
    return (contract.next_action(acting_from).day, contract.id)
