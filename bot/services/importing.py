"""Applying an import file: create what is new, update what changed, report every line.

Each row is checked completely before anything of it is written, so a bad row is skipped
whole and reported by its line number while the rest of the file goes in; an optional cell
the row can do without is reported by its line and column (``CellNote``) and the row kept.
An account the file names twice is taken from its first row; the later rows are reported,
never merged into it. Importing the same file again changes nothing. Owners that are
not (yet) Slack users are kept as unresolved owners: visible and assignable, never dropped.
Owners are looked up in Slack beforehand (``import_owners``), never while the import's
transaction is open.

A file goes in chunks (``CHUNK_ROWS``), each decided row by row in memory and written
set-based with one transaction per chunk (``import_file``), so the cost of a row does not
grow with the rows already in the workspace.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from bot.domain import (
    MAX_PERMALINK_LENGTH,
    Account,
    AccountKind,
    AccountStatus,
    Actor,
    Contact,
    Contract,
    ContractDirection,
    FollowUpStatus,
    InteractionKind,
    Owner,
    RenewalOutcome,
    name_key,
    notice_days_for_months,
)
from bot.drafts import NewAccount, NewContact, NewContract, NewFollowUp, NewInteraction
from bot.errors import ConcurrentChange, InvalidInput, RapportError
from bot.ports import UnitOfWork
from bot.services.import_batch import ImportBatch, Later, resolved
from bot.services.lookup import resolve_account
from bot.transfer.records import (
    AccountRow,
    CellNote,
    ContactRow,
    ContractRow,
    FollowUpRow,
    ImportFile,
    InteractionRow,
    RecordKind,
    Row,
    RowError,
)
from bot.validation import (
    check_cadence,
    check_contract_value,
    check_currency,
    check_email,
    check_notice_days,
    check_notice_months,
    clean_follow_up_text,
    clean_name,
    clean_summary,
    clean_tag,
    clean_text,
    clean_tier,
)

T = TypeVar("T")

# At most 32 characters, as a user id column holds: a longer "U…" is someone's name.
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")

# A contact's title and phone as `contact` takes them and the contacts table holds them.
CONTACT_TITLE_LIMIT = 200
CONTACT_PHONE_LIMIT = 64


CHUNK_ROWS = 1_000  # rows per chunk: per transaction, and per set of statements
CHUNK_ATTEMPTS = 3  # a chunk that lost a race with another writer runs again on fresh data


# The column a note about an account row's contract value names when the file's own header
# is not known to the importer.
CONTRACT_VALUE_COLUMN = "Contract Value"


@dataclass
class ImportReport:
    """What an import did (or, dry, would do), counted by row.

    ``skipped`` holds the rows left out (no name, unreadable, refused values) by line; a row
    with three problems is one skipped row. ``repeated`` holds the rows that name an account
    an earlier row of the file named (the first row is kept). ``cell_notes`` the cells of
    kept rows that were not understood. ``refused``: the file as a whole was not taken.
    """

    kind: RecordKind
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowError] = field(default_factory=list)
    repeated: list[RowError] = field(default_factory=list)
    cell_notes: list[CellNote] = field(default_factory=list)
    refused: RowError | None = None
    unresolved_owners: dict[str, str] = field(default_factory=dict)  # account → owner text
    changes: list[str] = field(default_factory=list)  # one line per create or update
    notes: list[str] = field(default_factory=list)

    @property
    def skipped_rows(self) -> int:
        """Rows (or unreadable lines) skipped: a row with three problems is one row."""
        return len({error.line for error in self.skipped})

    def add(self, part: ImportReport) -> None:
        """Count in what one chunk did."""
        self.created += part.created
        self.updated += part.updated
        self.unchanged += part.unchanged
        self.skipped += part.skipped
        self.cell_notes += part.cell_notes
        self.unresolved_owners |= part.unresolved_owners
        self.changes += part.changes

    def finish(self) -> None:
        """Every list in line order."""
        self.skipped.sort(key=lambda error: error.line)
        self.cell_notes.sort(key=lambda note: note.line)


def _prepare(file: ImportFile) -> tuple[ImportReport, list[Row]]:
    """The report an import starts from, and the rows it applies: a refused file has none,
    and a row naming an account an earlier row named is reported instead of applied."""
    report = ImportReport(
        kind=file.kind,
        skipped=list(file.errors),
        notes=list(file.notes),
        cell_notes=list(file.cell_notes),
    )
    if file.refused:
        report.refused = file.errors[0] if file.errors else RowError(1, "The file is empty.")
        report.skipped = []
        return report, []
    if file.ignored_headers:
        report.notes.append("Ignored columns: " + ", ".join(file.ignored_headers) + ".")
    rows, report.repeated = first_row_of_each_account(file.rows)
    return report, rows


def first_row_of_each_account(rows: Sequence[Row]) -> tuple[list[Row], list[RowError]]:
    """The rows to apply, and the rows left out because an earlier row of the file describes
    the same account (names compare as ``name_key`` does: case and spacing aside) or the same
    contact of an account (by e-mail, case aside, else by name). Applying both would let the
    later overwrite the earlier, and every import of the file would change it again."""
    first_lines: dict[tuple[str, ...], int] = {}
    kept: list[Row] = []
    repeated: list[RowError] = []
    for row in rows:
        match row:
            case AccountRow():
                key: tuple[str, ...] = ("account", _name_key(row.name))
                what = f"“{row.name.strip()}”"
            case ContactRow():
                person = row.email.strip().casefold() if row.email else _name_key(row.name)
                key = ("contact", _name_key(row.account), person)
                what = f"The contact “{row.name.strip()}” at “{row.account.strip()}”"
            case _:
                kept.append(row)
                continue
        if key in first_lines:
            repeated.append(
                RowError(
                    row.line,
                    f"{what} is on line {first_lines[key]} already; that first row was kept "
                    "and this one left out.",
                )
            )
            continue
        first_lines[key] = row.line
        kept.append(row)
    return kept, repeated


def _name_key(name: str) -> str:
    try:
        return name_key(clean_name(name))
    except RapportError:
        return name_key(name)


def _chunks(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def import_file(
    units: Callable[[], AbstractContextManager[UnitOfWork]],
    actor: Actor,
    now: datetime,
    file: ImportFile,
    *,
    owners: Mapping[str, str] | None = None,
    default_currency: str | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Import a file in chunks, each in a transaction of its own (``units`` opens one): a
    long import holds no lock for long and keeps what it did if it stops half-way. A chunk
    that lost a race with another writer runs again on fresh data."""
    report, rows = _prepare(file)
    if progress is not None and len(rows) < len(file.rows):
        progress(len(file.rows) - len(rows))  # the rows left out are done with
    for number, chunk in enumerate(_chunks(rows, chunk_rows)):
        for attempt in range(1, CHUNK_ATTEMPTS + 1):
            part = ImportReport(kind=file.kind)
            try:
                with units() as uow:
                    if _tables_have_grown(number):
                        uow.bulk.refresh_statistics()
                    importer = Importer(
                        uow, actor, now, owners=owners, default_currency=default_currency
                    )
                    importer.apply(chunk, part)
            except ConcurrentChange:
                if attempt == CHUNK_ATTEMPTS:
                    raise
                continue
            break
        report.add(part)
        if progress is not None:
            progress(len(chunk))
    report.finish()
    return report


def _slack_user(text: str) -> str:
    if not SLACK_USER_ID.match(text.strip()):
        raise InvalidInput("slack_user", f"“{text}” is not a Slack user id (like U012AB3CD).")
    return text.strip()


def _tables_have_grown(chunks_written: int) -> bool:
    """After 1, 2, 4, 8 … chunks: often enough that the planner never sees the tables at
    less than half their size, rarely enough that refreshing costs nothing per row."""
    return chunks_written > 0 and chunks_written & (chunks_written - 1) == 0


class _SkipRow(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Importer:
    """Applies one file's rows to one workspace, inside the caller's unit of work.

    ``owners`` maps the file's owners and authors (e-mails, names) to the Slack users found
    for them beforehand; any other is looked up among the workspace's known users.

    Rows are taken a chunk at a time: what a chunk needs to know (its accounts, their
    contracts, contacts or follow-ups, its owners) is read with one look-up per kind, each
    row is decided in memory in file order, and the chunk's writes go out set-based
    (``ImportBatch``). Reports, audit events and versions are those of writing row by row.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        actor: Actor,
        now: datetime,
        *,
        owners: Mapping[str, str] | None = None,
        default_currency: str | None = None,
    ) -> None:
        self.uow = uow
        self.actor = actor
        self.now = now
        self.owners = owners or {}
        # A value without a currency: the one given for the import, else the workspace's.
        self.given_currency = check_currency(default_currency) if default_currency else None
        self.default_currency = self.given_currency or "USD"

    def run(self, file: ImportFile, progress: Callable[[int], None] | None = None) -> ImportReport:
        """The whole file in the caller's one transaction (a dry run, the tests)."""
        report, rows = _prepare(file)
        if progress is not None and len(rows) < len(file.rows):
            progress(len(file.rows) - len(rows))  # the rows left out are done with
        for number, chunk in enumerate(_chunks(rows, CHUNK_ROWS)):
            if _tables_have_grown(number):
                self.uow.bulk.refresh_statistics()
            self.apply(chunk, report)
            if progress is not None:
                progress(len(chunk))
        report.finish()
        return report

    def apply(self, rows: Sequence[Row], report: ImportReport) -> None:
        """One chunk of rows: read what they need, decide each, write them together."""
        workspace = self.uow.workspaces.get_or_create(self.now)
        self.workspace = workspace
        self.default_currency = self.given_currency or workspace.currency
        self.batch = ImportBatch(self.uow, self.actor, self.now)
        self._load(rows)
        for row in rows:
            try:
                self._apply(row, report)
            except (_SkipRow, RapportError) as refused:
                message = refused.message
                if isinstance(refused, RapportError) and refused.hint:
                    message = f"{message} {refused.hint}"
                report.skipped.append(RowError(row.line, message))
        self.batch.write(report.changes)

    # -- what a chunk reads, once -------------------------------------------------------

    def _load(self, rows: Sequence[Row]) -> None:
        keys: set[str] = set()
        people: set[str] = set()
        self.names: dict[str, tuple[str, str]] = {}  # as written → as kept, and its key
        for row in rows:
            match row:
                case AccountRow():
                    with suppress(RapportError):
                        name = clean_name(row.name)
                        self.names[row.name] = (name, name_key(name))
                        keys.add(self.names[row.name][1])
                    people.add(row.owner or "")
                case InteractionRow():
                    keys.add(name_key(row.account))
                    people.add(row.logged_by or "")
                case FollowUpRow():
                    keys.add(name_key(row.account))
                    people |= {row.owner or "", row.created_by or "", row.completed_by or ""}
                case ContactRow() | ContractRow():
                    keys.add(name_key(row.account))
        bulk = self.uow.bulk
        self.accounts: dict[str, Account | Later[Account]] = dict(bulk.accounts_by_keys(keys))
        ids = [resolved(a).id for a in self.accounts.values()]
        kinds = {type(row) for row in rows}
        self.open_contracts: dict[str, Contract | Later[Contract]] = {}
        self.contract_terms: dict[
            int, list[tuple[date, RenewalOutcome | None, Decimal | None]]
        ] = {}
        if kinds & {AccountRow, ContractRow}:
            by_account = bulk.contracts_by_account(ids)
            for key, account in self.accounts.items():
                contracts = by_account.get(resolved(account).id, [])
                self.contract_terms[resolved(account).id] = [
                    (c.renewal_date, c.outcome, c.value) for c in contracts
                ]
                open_ = [c for c in contracts if c.outcome is None]
                if open_:
                    self.open_contracts[key] = open_[0]
        self.contacts: dict[int, list[Contact]] = {}
        # An account's contacts (by its name's key: it may be one this import creates) by
        # e-mail, case aside, and by name: what a contact row is matched against.
        self.contacts_by_email: dict[str, dict[str, Contact | Later[Contact]]] = {}
        self.contacts_by_name: dict[
            str, dict[str, tuple[Contact | Later[Contact], str | None]]
        ] = {}
        if kinds & {ContactRow, InteractionRow}:
            self.contacts = bulk.contacts_by_account(ids)
            for key, account in self.accounts.items():
                for contact in self.contacts.get(resolved(account).id, []):
                    self._know_contact(key, contact, contact.name, contact.email)
        self.seen_interactions: set[tuple[int, datetime, InteractionKind, str]] = set()
        if InteractionRow in kinds:
            moments = {
                (resolved(named).id, row.occurred_at)
                for row in rows
                if isinstance(row, InteractionRow)
                and (named := self.accounts.get(name_key(row.account))) is not None
            }
            for (account_id, moment), found in bulk.interactions_at(moments).items():
                self.seen_interactions |= {(account_id, moment, i.kind, i.summary) for i in found}
        self.seen_follow_ups: set[tuple[int, datetime, str]] = set()
        if FollowUpRow in kinds:
            for account_id, follow_ups in bulk.follow_ups_by_account(ids).items():
                self.seen_follow_ups |= {(account_id, f.due_at, f.text) for f in follow_ups}
        texts = {text.strip() for text in people} - {""}
        unknown = [t for t in texts if not SLACK_USER_ID.match(t) and not self.owners.get(t)]
        self.known_users = bulk.user_ids(unknown) if unknown else {}

    def _account_named(self, text: str) -> Account:
        """The account a row names (one of the chunk's, read up front), else the refusal
        with suggestions that ``resolve_account`` gives."""
        found = self.accounts.get(name_key(text))
        if found is None:
            return resolve_account(self.uow, text)
        return self._current(found)

    def _current(self, value: T | Later[T]) -> T:
        """A value, written first if it still waits in the batch for its id."""
        if isinstance(value, Later) and value.value is None:
            self.batch.write(self._report.changes)
        return resolved(value)

    def _apply(self, row: Row, report: ImportReport) -> None:
        self._report = report
        match row:
            case AccountRow():
                self._account(row, report)
            case ContactRow():
                self._contact(row, report)
            case InteractionRow():
                self._interaction(row, report)
            case FollowUpRow():
                self._follow_up(row, report)
            case ContractRow():
                self._contract(row, report)

    # -- people -------------------------------------------------------------------------

    def _owner(self, text: str | None) -> Owner | None:
        if text is None or not text.strip():
            return None
        text = text.strip()
        if SLACK_USER_ID.match(text):
            return Owner(user_id=text)
        user_id = self.owners.get(text) or self.known_users.get(text)
        return Owner(user_id=user_id) if user_id else Owner(unresolved=text)

    def _user_id(self, text: str | None) -> str:
        """A Slack user for who logged or owns something; the importer when unknown."""
        owner = self._owner(text)
        return owner.user_id if owner and owner.user_id else self.actor.user_id

    # -- accounts -----------------------------------------------------------------------

    def _account(self, row: AccountRow, report: ImportReport) -> None:
        name, key = self.names.get(row.name) or (clean_name(row.name), "")
        at = row.line
        tier = self._cell(at, "Tier", lambda: clean_tier(row.tier), None)
        tags = self._tags(row)
        cadence = (
            self._cell(at, "Cadence Days", lambda: check_cadence(row.cadence_days or 0), None)
            if row.cadence_days
            else None
        )
        contract_terms = self._contract_terms(row)
        notice_days = (
            self._cell(at, "Notice Days", lambda: check_notice_days(row.notice_days), None)
            if contract_terms
            else None
        )
        notice_months = (
            self._cell(at, "Notice", lambda: check_notice_months(row.notice_months or 0), None)
            if contract_terms and row.notice_months is not None
            else None
        )
        owner = self._owner(row.owner)
        existing = self.accounts.get(key)
        changes: list[str] = []
        if existing is None:
            kind = row.kind or AccountKind.CUSTOMER
            account: Account | Later[Account] = self.batch.add_account(
                NewAccount(
                    name=name,
                    kind=kind,
                    owner=owner or Owner(),
                    tier=tier,
                    cadence_days=cadence or self.workspace.cadence_rule(kind).ideal_days,
                    # A cadence its kind's rule would give it too is the kind's, not its own
                    # (what `export` writes for every account reads back unchanged).
                    cadence_own=cadence not in (None, self.workspace.cadence_rule(kind).ideal_days),
                    status=row.status or AccountStatus.ACTIVE,
                    tags=tags,
                    last_touch_at=row.last_touch_at,
                    created_at=row.created_at or self.now,
                )
            )
            self.batch.audit("account.import", "account", None, account)
            changes.append(f"new {kind.value}")
            account_name, contract_direction = name, kind.contract_direction
        else:
            before = self._current(existing)
            account = self._update_account(before, row, owner, tier, tags, cadence)
            if account != before:
                changes.append("updated")
            account_name, contract_direction = account.name, account.kind.contract_direction
        self.accounts[key] = account
        if contract_terms is not None and (
            contract_change := self._apply_open_contract(
                key, account, row, *contract_terms, (notice_days, notice_months), contract_direction
            )
        ):
            changes.append(contract_change)
        if owner is not None and not owner.is_resolved:
            report.unresolved_owners[account_name] = owner.unresolved or ""
        if not changes:
            report.unchanged += 1
            return
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
        line = f"line {row.line}: “{account_name}”: " + "; ".join(changes)
        self.batch.line(lambda: line)

    def _update_account(
        self,
        existing: Account,
        row: AccountRow,
        owner: Owner | None,
        tier: str | None,
        tags: tuple[str, ...],
        cadence: int | None,
    ) -> Account:
        known_tags = {name_key(t) for t in existing.tags}
        last_touch = max(
            (t for t in (existing.last_touch_at, row.last_touch_at) if t is not None), default=None
        )
        updated = dataclasses.replace(
            existing,
            kind=row.kind or existing.kind,
            owner=owner or existing.owner,
            tier=tier or existing.tier,
            status=row.status or existing.status,
            cadence_days=cadence or existing.cadence_days,
            cadence_own=existing.cadence_own or cadence not in (None, existing.cadence_days),
            tags=(*existing.tags, *(t for t in tags if name_key(t) not in known_tags)),
            last_touch_at=last_touch,
        )
        if updated == existing:
            return existing
        touched_from = updated.last_touch_at or updated.created_at
        saved = self.batch.save_account(
            dataclasses.replace(
                updated,
                next_touch_due=touched_from + timedelta(days=updated.cadence_days),
                updated_at=self.now,
            )
        )
        self.batch.audit("account.import", "account", existing, saved)
        return saved

    def _tags(self, row: AccountRow) -> tuple[str, ...]:
        """The row's tags, once each by their key (``Key Account`` is one tag, and the same as
        ``key  account``); a tag that is not one is reported and left out."""
        tags: dict[str, str] = {}
        for text in row.tags:

            def check(text: str = text) -> str | None:
                return clean_tag(text)

            if tag := self._cell(row.line, "Tags", check, None):
                tags.setdefault(name_key(tag), tag)
        return tuple(tags.values())

    def _cell(self, line: int, column: str, check: Callable[[], T], default: T) -> T:
        """An optional cell checked: what it holds, else ``default`` with the cell reported
        (the row is kept; only the cell is lost)."""
        try:
            return check()
        except RapportError as refused:
            self._report.cell_notes.append(
                CellNote(line, column, f"{refused.message} The cell was left out.")
            )
            return default

    def _contract_terms(self, row: AccountRow) -> tuple[Decimal | None, str] | None:
        """The value (``None``: not given, or not understood) and currency of the contract
        an account row describes; ``None`` when the row describes none (no renewal date)."""
        if row.renewal_date is None:
            if row.contract_value is not None:
                self._report.cell_notes.append(
                    CellNote(
                        row.line,
                        CONTRACT_VALUE_COLUMN,
                        f"{row.contract_value} has no renewal date in the same row, so no "
                        "contract was made; the account was kept.",
                    )
                )
            return None
        value = None
        if row.contract_value is not None:
            given = row.contract_value
            value = self._cell(
                row.line, CONTRACT_VALUE_COLUMN, lambda: check_contract_value(given), None
            )
        currency = self._cell(
            row.line,
            "Currency",
            lambda: check_currency(row.currency or self.default_currency),
            self.default_currency,
        )
        return value, currency

    def _apply_open_contract(
        self,
        key: str,
        account: Account | Later[Account],
        row: AccountRow,
        value: Decimal | None,
        currency: str,
        notice: tuple[int | None, int | None],
        direction: ContractDirection,
    ) -> str | None:
        """Add or update the open contract a CRM row describes; says what changed, if anything.
        ``notice`` is the row's notice in days, and in calendar months if it gives them so."""
        assert row.renewal_date is not None
        renewal_date = row.renewal_date
        notice_days, notice_months = notice
        if notice_months is not None:
            notice_days = notice_days_for_months(renewal_date, notice_months)
        open_contract = self.open_contracts.get(key)
        if open_contract is None:

            def contract() -> NewContract:
                return NewContract(
                    account_id=resolved(account).id,
                    value=value,
                    currency=currency,
                    renewal_date=renewal_date,
                    direction=direction,
                    start_date=None,
                    notice_days=notice_days,
                    notice_months=notice_months,
                    auto_renew=row.auto_renew,
                    created_at=self.now,
                )

            added = self.batch.add_contract(contract)
            self.open_contracts[key] = added
            self.batch.audit("contract.import", "contract", None, added)
            return f"contract renewing {row.renewal_date}"
        current = self._current(open_contract)
        # Notice in days replaces notice in months; without either, notice kept in months
        # stays in months, counted back from the renewal date the file gives.
        months = notice_months or (None if notice_days else current.notice_months)
        # A row without a value leaves the value known already as it is.
        replacement = dataclasses.replace(
            current,
            value=current.value if value is None else value,
            currency=currency,
            renewal_date=row.renewal_date,
            notice_days=(
                notice_days_for_months(row.renewal_date, months)
                if months
                else notice_days or current.notice_days
            ),
            notice_months=months,
            auto_renew=row.auto_renew or current.auto_renew,
        )
        if replacement == current:
            return None
        saved = self.batch.save_contract(replacement)
        self.open_contracts[key] = saved
        self.batch.audit("contract.import", "contract", current, saved)
        return "contract updated"

    # -- what hangs off accounts ----------------------------------------------------------

    def _contact(self, row: ContactRow, report: ImportReport) -> None:
        """A contact of the account the row names (created when there is none, and said so),
        matched by e-mail, else by name: added, updated with what the row gives, or
        unchanged."""
        name = clean_name(row.name, field="contact", what="A contact's name")
        email = check_email(row.email) if row.email else None
        title = self._detail(row.line, "Title", row.title, CONTACT_TITLE_LIMIT, "A title")
        phone = self._detail(row.line, "Phone", row.phone, CONTACT_PHONE_LIMIT, "A phone number")
        slack_user_id = (
            self._cell(row.line, "Slack User", lambda: _slack_user(row.slack_user_id or ""), None)
            if row.slack_user_id
            else None
        )
        key, account, new_account = self._contact_account(row)
        found = self._matching_contact(key, name, email)
        if found is None:

            def contact() -> NewContact:
                return NewContact(
                    account_id=resolved(account).id,
                    name=name,
                    title=title,
                    email=email,
                    phone=phone,
                    slack_user_id=slack_user_id,
                    created_at=self.now,
                )

            added = self.batch.add_contact(contact)
            self._know_contact(key, added, name, email)
            self.batch.audit("contact.import", "contact", None, added)
            report.created += 1
            new = " (a new account)" if new_account else ""
            self.batch.line(
                lambda: f"line {row.line}: new contact “{name}” at “{resolved(account).name}”{new}"
            )
            return
        current = self._current(found)
        # Matched by e-mail the row's name is the contact's name; a cell left empty keeps
        # what is there, and an e-mail in other capitals is the same e-mail.
        same_email = bool(email and current.email and email.casefold() == current.email.casefold())
        updated = dataclasses.replace(
            current,
            name=name if same_email else current.name,
            title=title or current.title,
            email=current.email if same_email else email or current.email,
            phone=phone or current.phone,
            slack_user_id=slack_user_id or current.slack_user_id,
        )
        if updated == current:
            report.unchanged += 1
            return
        self.batch.save_contact(updated)
        self._know_contact(key, updated, updated.name, updated.email)
        self.batch.audit("contact.import", "contact", current, updated)
        report.updated += 1
        self.batch.line(
            lambda: (
                f"line {row.line}: contact “{updated.name}” at “{resolved(account).name}” updated"
            )
        )

    def _detail(
        self, line: int, column: str, text: str | None, limit: int, what: str
    ) -> str | None:
        """An optional text of a contact as `contact` keeps it; too long, the cell is left out
        (the column could not hold it)."""
        if text is None:
            return None

        def check() -> str:
            if len(text) > limit:
                raise InvalidInput(
                    column.casefold(),
                    f"{what} can be at most {limit:,} characters (this one has {len(text):,}).",
                )
            return clean_text(text, field=column.casefold(), limit=limit, what=what)

        return self._cell(line, column, check, None)

    def _contact_account(self, row: ContactRow) -> tuple[str, Account | Later[Account], str]:
        """The account a contact row names, its key, and its name when this row creates it
        (a contacts file is a contacts file: its companies come with it)."""
        found = self.accounts.get(name_key(row.account))
        if found is not None:
            return name_key(row.account), found, ""
        name = clean_name(row.account)
        key = name_key(name)
        if key in self.accounts:
            return key, self.accounts[key], ""
        kind = AccountKind.CUSTOMER
        importer = self.actor.user_id
        account = self.batch.add_account(
            NewAccount(
                name=name,
                kind=kind,
                owner=Owner(user_id=importer) if SLACK_USER_ID.match(importer) else Owner(),
                tier=None,
                cadence_days=self.workspace.cadence_rule(kind).ideal_days,
                created_at=self.now,
            )
        )
        self.batch.audit("account.import", "account", None, account)
        self.accounts[key] = account
        return key, account, name

    def _matching_contact(
        self, key: str, name: str, email: str | None
    ) -> Contact | Later[Contact] | None:
        """The account's contact with the row's e-mail; else one with its name, unless both
        have e-mails and they differ (two people of one name)."""
        if email:
            by_email = self.contacts_by_email.get(key, {}).get(email.casefold())
            if by_email is not None:
                return by_email
        by_name = self.contacts_by_name.get(key, {}).get(name_key(name))
        if by_name is None:
            return None
        contact, known_email = by_name
        return contact if not email or known_email is None else None

    def _know_contact(
        self, key: str, contact: Contact | Later[Contact], name: str, email: str | None
    ) -> None:
        self.contacts_by_name.setdefault(key, {})[name_key(name)] = (contact, email)
        if email:
            self.contacts_by_email.setdefault(key, {})[email.casefold()] = contact

    def _interaction(self, row: InteractionRow, report: ImportReport) -> None:
        account = self._account_named(row.account)
        summary = clean_summary(row.summary)
        if row.occurred_at > self.now:
            raise _SkipRow("an interaction can't have happened in the future")
        seen = (account.id, row.occurred_at, row.kind, summary)
        if seen in self.seen_interactions:
            report.unchanged += 1
            return
        contact_id = None
        if row.contact:
            contact_id = next(
                (
                    c.id
                    for c in self.contacts.get(account.id, [])
                    if name_key(c.name) == name_key(row.contact)
                ),
                None,
            )
        logged_by = self._user_id(row.logged_by)
        permalink = self._detail(
            row.line, "Permalink", row.permalink, MAX_PERMALINK_LENGTH, "A permalink"
        )
        self.seen_interactions.add(seen)
        interaction = self.batch.add_interaction(
            NewInteraction(
                account_id=account.id,
                kind=row.kind,
                occurred_at=row.occurred_at,
                summary=summary,
                logged_by=logged_by,
                contact_id=contact_id,
                permalink=permalink,
                created_at=self.now,
            )
        )
        self.batch.audit("interaction.import", "interaction", None, interaction)
        if account.last_touch_at is None or account.last_touch_at < row.occurred_at:
            touched = self.batch.save_account(
                dataclasses.replace(
                    account,
                    last_touch_at=row.occurred_at,
                    next_touch_due=row.occurred_at + timedelta(days=account.cadence_days),
                    updated_at=self.now,
                )
            )
            self.accounts[name_key(account.name)] = touched
            self.batch.audit("account.touch", "account", account, touched)
        report.created += 1
        line = f"line {row.line}: {row.kind.value} with “{account.name}”"
        self.batch.line(lambda: line)

    def _follow_up(self, row: FollowUpRow, report: ImportReport) -> None:
        account = self._account_named(row.account)
        text = clean_follow_up_text(row.text)
        owner = self._owner(row.owner)
        owner_id = owner.user_id if owner and owner.user_id else account.owner.user_id
        if owner_id is None:
            raise _SkipRow(
                f"the owner “{row.owner or ''}” is not a Slack user and “{account.name}” has no "
                "owner to take it over"
            )
        seen = (account.id, row.due_at, text)
        if seen in self.seen_follow_ups:
            report.unchanged += 1
            return
        self.seen_follow_ups.add(seen)
        created_at = row.created_at or self.now
        # Added and then closed or snoozed: the row-by-row path wrote it twice (version 2).
        changed = row.status is not FollowUpStatus.OPEN or row.snoozed_until is not None
        follow_up = self.batch.add_follow_up(
            NewFollowUp(
                account_id=account.id,
                owner_id=owner_id,
                due_at=row.due_at,
                text=text,
                created_by=self._user_id(row.created_by),
                created_at=created_at,
                updated_at=self.now if changed else created_at,
                status=row.status if changed else FollowUpStatus.OPEN,
                snoozed_until=row.snoozed_until if changed else None,
                completed_by=(
                    self._user_id(row.completed_by) if changed and row.completed_by else None
                ),
                completed_at=row.completed_at if changed else None,
                version=2 if changed else 1,
            )
        )
        self.batch.audit("follow_up.import", "follow_up", None, follow_up, by_number=True)
        report.created += 1
        name = account.name
        self.batch.line(lambda: f"line {row.line}: follow-up #{follow_up.get().number} on “{name}”")

    def _contract(self, row: ContractRow, report: ImportReport) -> None:
        account = self._account_named(row.account)
        given = row.value
        value = (
            None
            if given is None
            else self._cell(row.line, "Value", lambda: check_contract_value(given), None)
        )
        currency = check_currency(row.currency or self.default_currency)
        notice_days = check_notice_days(row.notice_days)
        notice_months = None
        if row.notice_months is not None:
            notice_months = check_notice_months(row.notice_months)
            notice_days = notice_days_for_months(row.renewal_date, notice_months)
        existing = self.contract_terms.setdefault(account.id, [])
        if any(
            renewal == row.renewal_date and outcome == row.outcome and stored == value
            for renewal, outcome, stored in existing
        ):
            report.unchanged += 1
            return
        if row.outcome is None and any(outcome is None for _, outcome, _ in existing):
            raise _SkipRow(
                f"“{account.name}” already has an open contract; an account has one at a time"
            )
        existing.append((row.renewal_date, row.outcome, value))
        contract = NewContract(
            account_id=account.id,
            value=value,
            currency=currency,
            renewal_date=row.renewal_date,
            direction=row.direction or account.kind.contract_direction,
            start_date=row.start_date,
            notice_days=notice_days,
            notice_months=notice_months,
            auto_renew=row.auto_renew,
            created_at=self.now,
            outcome=row.outcome,
            outcome_at=(row.outcome_at or self.now) if row.outcome else None,
            outcome_by=self.actor.user_id if row.outcome else None,
        )
        added = self.batch.add_contract(lambda: contract)
        self.batch.audit("contract.import", "contract", None, added)
        report.created += 1
        line = f"line {row.line}: contract for “{account.name}” renewing {row.renewal_date}"
        self.batch.line(lambda: line)
