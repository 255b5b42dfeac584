"""What an import file holds once read: typed rows, each with the line it starts on.

Rows carry names, not ids (the account a contact belongs to is its account's name), and
owners and authors exactly as the file gives them (a Slack user id, an e-mail or a full
name): resolving them is the importer's job, which knows the workspace.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from bot.domain import (
    AccountKind,
    AccountStatus,
    ContractDirection,
    FollowUpStatus,
    InteractionKind,
    RenewalOutcome,
)


class RecordKind(enum.StrEnum):
    """What one file holds; CRM exports (HubSpot, Salesforce) are always accounts."""

    ACCOUNTS = "accounts"
    CONTACTS = "contacts"
    INTERACTIONS = "interactions"
    FOLLOW_UPS = "follow_ups"
    CONTRACTS = "contracts"


@dataclass(frozen=True, slots=True)
class AccountRow:
    line: int
    name: str
    owner: str | None
    kind: AccountKind | None  # None: not given or not a kind (a new account is then a
    # customer; an existing one keeps its kind)
    tier: str | None
    status: AccountStatus | None
    cadence_days: int | None
    tags: tuple[str, ...]
    renewal_date: date | None
    contract_value: Decimal | None
    currency: str | None
    notice_days: int | None
    auto_renew: bool
    created_at: datetime | None
    # Our own export and HubSpot ("Last Activity Date") carry it; without it every
    # imported account would look untouched since its creation.
    last_touch_at: datetime | None = None
    # Notice written in months ("3 Monate"): kept as months, which win over
    # ``notice_days`` (then 30 a month, a stand-in for files without a renewal date).
    notice_months: int | None = None
    # German lists' "Vertragsbeginn": when the contract started.
    start_date: date | None = None


@dataclass(frozen=True, slots=True)
class ContactRow:
    line: int
    account: str
    name: str
    title: str | None
    email: str | None
    phone: str | None
    slack_user_id: str | None


@dataclass(frozen=True, slots=True)
class InteractionRow:
    line: int
    account: str
    kind: InteractionKind
    occurred_at: datetime
    summary: str
    logged_by: str | None
    contact: str | None
    permalink: str | None


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    line: int
    account: str
    number: int | None
    owner: str | None
    due_at: datetime
    text: str
    status: FollowUpStatus
    snoozed_until: datetime | None
    created_by: str | None
    created_at: datetime | None
    completed_by: str | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ContractRow:
    line: int
    account: str
    value: Decimal | None  # None: not known (the export of a contract without a value)
    currency: str | None  # None: not given (the import's currency is used)
    start_date: date | None
    renewal_date: date
    notice_days: int | None
    auto_renew: bool
    direction: ContractDirection | None
    outcome: RenewalOutcome | None
    outcome_at: datetime | None
    notice_months: int | None = None  # as on AccountRow


Row = AccountRow | ContactRow | InteractionRow | FollowUpRow | ContractRow


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was skipped, or (on the header's line) a file that could not be read."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class CellNote:
    """An optional cell that could not be read (an unknown kind, a currency, a date): the
    row is kept with the field left empty or at its default, and the cell is reported by its
    line and its column as the file heads it."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportFile:
    """One CSV file read: the rows that are valid and the reasons the others are not.

    ``rows`` holds rows of ``kind``, except that an accounts file may also yield contacts
    (``ContactRow``): an Odoo person of a related company, a Dynamics 365 primary contact,
    a German list's Ansprechpartner. Those come after every account row, so each contact's
    account is read first.

    ``notes`` says what the reader assumed (an encoding other than UTF-8, a delimiter
    other than a comma); ``ignored_headers`` lists columns that no field uses;
    ``cell_notes`` the optional cells of kept rows that could not be read; ``refused`` says
    the reader stopped at the header (none, unreadable, or without a column its kind needs,
    such as an accounts file's name): the file as a whole is refused, and its one error
    says why.
    """

    kind: RecordKind
    rows: list[Row]
    errors: list[RowError]
    ignored_headers: list[str]
    notes: list[str]
    cell_notes: list[CellNote] = field(default_factory=list)
    refused: bool = False
