"""What one chunk of an import will write, gathered in memory and written set-based.

The importer decides row by row, in file order, exactly as if each row were written at
once; the batch keeps those writes and hands them to the bulk writer together: one
``executemany`` per table per chunk instead of a round trip (or several) per row. A row
that needs the id of a row still waiting here (an account named twice in one chunk) calls
``write`` first; ``Later`` holds such a row until the database has given it its id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from bot.domain import Account, Actor, AuditEvent, Contact, Contract, FollowUp, Interaction
from bot.drafts import NewAccount, NewContact, NewContract, NewFollowUp, NewInteraction
from bot.ports import UnitOfWork
from bot.services.audit import snapshot

T = TypeVar("T")
D = TypeVar("D")


class Later(Generic[T]):
    """A row this batch will insert: its stored form once the batch is written."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: T | None = None

    def get(self) -> T:
        if self.value is None:
            raise RuntimeError("the batch holding this row has not been written yet")
        return self.value


def resolved(value: T | Later[T]) -> T:
    return value.get() if isinstance(value, Later) else value


def as_stored(value: T) -> T:
    """A domain value as the database gives it back (times in UTC, money in cents), so that
    audit snapshots read the same as the row-by-row path's did."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(value):  # type: ignore[arg-type]
        item = getattr(value, field.name)
        if isinstance(item, datetime):
            changes[field.name] = item.astimezone(UTC)
        elif isinstance(item, Decimal):
            changes[field.name] = Decimal(int((item * 100).to_integral_value())).scaleb(-2)
    return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]


class ImportBatch:
    def __init__(self, uow: UnitOfWork, actor: Actor, now: datetime) -> None:
        self.uow = uow
        self.actor = actor
        self.now = now
        self._accounts: list[tuple[NewAccount, Later[Account]]] = []
        self._account_updates: dict[int, tuple[Account, int]] = {}
        self._contracts: list[tuple[Callable[[], NewContract], Later[Contract]]] = []
        self._contract_updates: dict[int, tuple[Contract, int]] = {}
        self._contacts: list[tuple[Callable[[], NewContact], Later[Contact]]] = []
        self._contact_updates: dict[int, Contact] = {}
        self._interactions: list[tuple[NewInteraction, Later[Interaction]]] = []
        self._follow_ups: list[tuple[NewFollowUp, Later[FollowUp]]] = []
        self._events: list[Callable[[], AuditEvent]] = []
        self._lines: list[Callable[[], str]] = []

    # -- what the rows decide ----------------------------------------------------------

    def add_account(self, account: NewAccount) -> Later[Account]:
        later: Later[Account] = Later()
        self._accounts.append((account, later))
        return later

    def save_account(self, account: Account) -> Account:
        """``account`` written over its stored row; returns it as stored (version bumped)."""
        read = self._account_updates.get(account.id, (account, account.version))[1]
        saved = as_stored(dataclasses.replace(account, version=account.version + 1))
        self._account_updates[account.id] = (saved, read)
        return saved

    def add_contract(self, contract: Callable[[], NewContract]) -> Later[Contract]:
        """A contract whose account may itself still be waiting here: built when written."""
        later: Later[Contract] = Later()
        self._contracts.append((contract, later))
        return later

    def save_contract(self, contract: Contract) -> Contract:
        read = self._contract_updates.get(contract.id, (contract, contract.version))[1]
        saved = as_stored(dataclasses.replace(contract, version=contract.version + 1))
        self._contract_updates[contract.id] = (saved, read)
        return saved

    def add_contact(self, contact: Callable[[], NewContact]) -> Later[Contact]:
        """A contact whose account may itself still be waiting here: built when written."""
        later: Later[Contact] = Later()
        self._contacts.append((contact, later))
        return later

    def save_contact(self, contact: Contact) -> None:
        """``contact`` written over its stored row."""
        self._contact_updates[contact.id] = contact

    def add_interaction(self, interaction: NewInteraction) -> Later[Interaction]:
        later: Later[Interaction] = Later()
        self._interactions.append((interaction, later))
        return later

    def add_follow_up(self, follow_up: NewFollowUp) -> Later[FollowUp]:
        later: Later[FollowUp] = Later()
        self._follow_ups.append((follow_up, later))
        return later

    def audit(
        self,
        action: str,
        entity: str,
        before: object | None,
        after: object,
        *,
        by_number: bool = False,
    ) -> None:
        """An audit event, in row order; ``after`` may be a row still waiting for its id."""

        def event() -> AuditEvent:
            stored = resolved(after)
            entity_id = getattr(stored, "number" if by_number else "id")
            return AuditEvent(
                team_id=self.uow.team_id,
                actor=self.actor.user_id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                at=self.now,
                before=snapshot(before) if before is not None else None,
                after=snapshot(stored),
            )

        self._events.append(event)

    def line(self, text: Callable[[], str]) -> None:
        """A line of the report, said once the rows it names are written (it may quote a
        follow-up's number)."""
        self._lines.append(text)

    # -- writing ---------------------------------------------------------------------------

    def write(self, changes: list[str]) -> None:
        """Everything gathered so far, one statement per table; the report's lines are
        appended to ``changes`` in row order."""
        bulk = self.uow.bulk
        if self._accounts:
            stored_accounts = bulk.add_accounts([account for account, _ in self._accounts])
            for (_, later), stored_account in zip(self._accounts, stored_accounts, strict=True):
                later.value = stored_account
        if self._account_updates:
            bulk.update_accounts(list(self._account_updates.values()))
        if self._contracts:
            stored_contracts = bulk.add_contracts([build() for build, _ in self._contracts])
            for (_, later_c), contract in zip(self._contracts, stored_contracts, strict=True):
                later_c.value = contract
        if self._contract_updates:
            bulk.update_contracts(list(self._contract_updates.values()), self.now)
        if self._contacts:
            stored = bulk.add_contacts([build() for build, _ in self._contacts])
            for (_, later_contact), contact in zip(self._contacts, stored, strict=True):
                later_contact.value = contact
        if self._contact_updates:
            bulk.update_contacts(list(self._contact_updates.values()))
        self._fill(self._interactions, bulk.add_interactions)
        self._fill(self._follow_ups, bulk.add_follow_ups)
        if self._events:
            bulk.add_audit_events([event() for event in self._events])
        changes.extend(line() for line in self._lines)
        self.__init__(self.uow, self.actor, self.now)  # type: ignore[misc]

    @staticmethod
    def _fill(pending: list[tuple[D, Later[T]]], add: Callable[[list[D]], list[T]]) -> None:
        if pending:
            for (_, later), stored in zip(
                pending, add([draft for draft, _ in pending]), strict=True
            ):
                later.value = stored
