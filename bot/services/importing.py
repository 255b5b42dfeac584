"""Applying an import file: create what is new, update what changed, report every line.

Each row is checked completely before anything of it is written, so a bad row is skipped
whole and reported by its line number while the rest of the file goes in. Owners that are
not (yet) Slack users are kept as unresolved owners: visible and assignable, never dropped.
Owners are looked up in Slack beforehand (``import_owners``), never while the import's
transaction is open.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from bot.domain import (
    Account,
    AccountStatus,
    Actor,
    FollowUpStatus,
    Owner,
    name_key,
)
from bot.errors import RapportError
from bot.ports import UnitOfWork
from bot.services import audit
from bot.services.lookup import resolve_account
from bot.transfer.records import (
    AccountRow,
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
    clean_follow_up_text,
    clean_name,
    clean_summary,
    clean_tag,
    clean_tier,
)

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass
class ImportReport:
    kind: RecordKind
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowError] = field(default_factory=list)
    unresolved_owners: dict[str, str] = field(default_factory=dict)  # account → owner text
    changes: list[str] = field(default_factory=list)  # one line per create or update
    notes: list[str] = field(default_factory=list)

    @property
    def skipped_rows(self) -> int:
        """Rows (or unreadable lines) skipped: a row with three problems is one row."""
        return len({error.line for error in self.skipped})


class _SkipRow(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Importer:
    """Applies one file's rows to one workspace, inside the caller's unit of work.

    ``owners`` maps the file's owners and authors (e-mails, names) to the Slack users found
    for them beforehand; any other is looked up among the workspace's known users.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        actor: Actor,
        now: datetime,
        *,
        owners: Mapping[str, str] | None = None,
        default_currency: str = "USD",
    ) -> None:
        self.uow = uow
        self.actor = actor
        self.now = now
        self.owners = owners or {}
        self.default_currency = check_currency(default_currency)

    def run(self, file: ImportFile, progress: Callable[[int], None] | None = None) -> ImportReport:
        report = ImportReport(kind=file.kind, skipped=list(file.errors), notes=list(file.notes))
        if file.ignored_headers:
            report.notes.append("Ignored columns: " + ", ".join(file.ignored_headers) + ".")
        self.uow.workspaces.get_or_create(self.now)
        for row in file.rows:
            try:
                self._apply(row, report)
            except (_SkipRow, RapportError) as refused:
                message = refused.message
                if isinstance(refused, RapportError) and refused.hint:
                    message = f"{message} {refused.hint}"
                report.skipped.append(RowError(row.line, message))
            if progress is not None:
                progress(1)
        report.skipped.sort(key=lambda error: error.line)
        return report

    def _apply(self, row: Row, report: ImportReport) -> None:
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
        user_id = self.owners.get(text) or self.uow.users.find_user_id(text)
        return Owner(user_id=user_id) if user_id else Owner(unresolved=text)

    def _user_id(self, text: str | None) -> str:
        """A Slack user for who logged or owns something; the importer when unknown."""
        owner = self._owner(text)
        return owner.user_id if owner and owner.user_id else self.actor.user_id

    def _record(
        self, action: str, entity: str, entity_id: int, before: object, after: object
    ) -> None:
        audit.record(
            self.uow,
            self.actor,
            self.now,
            action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )

    # -- accounts -----------------------------------------------------------------------

    def _account(self, row: AccountRow, report: ImportReport) -> None:
        name = clean_name(row.name)
        tier = clean_tier(row.tier)
        tags = tuple(dict.fromkeys(clean_tag(t) for t in row.tags))
        cadence = check_cadence(row.cadence_days) if row.cadence_days else None
        contract_terms = self._contract_terms(row)
        owner = self._owner(row.owner)
        existing = self.uow.accounts.by_key(name_key(name))
        changes: list[str] = []
        if existing is None:
            account = self.uow.accounts.add(
                name=name,
                kind=row.kind,
                owner=owner or Owner(),
                tier=tier,
                cadence_days=cadence or row.kind.default_cadence_days,
                status=row.status or AccountStatus.ACTIVE,
                tags=tags,
                last_touch_at=row.last_touch_at,
                now=row.created_at or self.now,
            )
            self._record("account.import", "account", account.id, None, account)
            changes.append(f"new {row.kind.value}")
        else:
            account = self._update_account(existing, row, owner, tier, tags, cadence)
            if account != existing:
                changes.append("updated")
        if contract_terms is not None and (
            contract_change := self._apply_open_contract(account, row, *contract_terms)
        ):
            changes.append(contract_change)
        if owner is not None and not owner.is_resolved:
            report.unresolved_owners[account.name] = owner.unresolved or ""
        if not changes:
            report.unchanged += 1
            return
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
        report.changes.append(f"line {row.line}: “{account.name}”: " + "; ".join(changes))

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
            kind=row.kind,
            owner=owner or existing.owner,
            tier=tier or existing.tier,
            status=row.status or existing.status,
            cadence_days=cadence or existing.cadence_days,
            tags=(*existing.tags, *(t for t in tags if name_key(t) not in known_tags)),
            last_touch_at=last_touch,
        )
        if updated == existing:
            return existing
        touched_from = updated.last_touch_at or updated.created_at
        updated = dataclasses.replace(
            updated,
            next_touch_due=touched_from + timedelta(days=updated.cadence_days),
            updated_at=self.now,
        )
        saved = self.uow.accounts.save(updated)
        self._record("account.import", "account", saved.id, existing, saved)
        return saved

    def _contract_terms(self, row: AccountRow) -> tuple[Decimal, str] | None:
        if row.renewal_date is None:
            if row.contract_value is not None:
                raise _SkipRow("a contract value needs a renewal date in the same row")
            return None
        value = check_contract_value(row.contract_value or Decimal(0))
        return value, check_currency(row.currency or self.default_currency)

    def _apply_open_contract(
        self, account: Account, row: AccountRow, value: Decimal, currency: str
    ) -> str | None:
        """Add or update the open contract a CRM row describes; says what changed, if anything."""
        assert row.renewal_date is not None
        current = self.uow.contracts.open_for_account(account.id)
        if current is None:
            contract = self.uow.contracts.add(
                account_id=account.id,
                value=value,
                currency=currency,
                renewal_date=row.renewal_date,
                direction=account.kind.contract_direction,
                start_date=None,
                notice_days=check_notice_days(row.notice_days),
                auto_renew=row.auto_renew,
                previous_id=None,
                now=self.now,
            )
            self._record("contract.import", "contract", contract.id, None, contract)
            return f"contract renewing {row.renewal_date}"
        replacement = dataclasses.replace(
            current,
            value=value,
            currency=currency,
            renewal_date=row.renewal_date,
            notice_days=check_notice_days(row.notice_days) or current.notice_days,
            auto_renew=row.auto_renew or current.auto_renew,
        )
        if replacement == current:
            return None
        saved = self.uow.contracts.save(replacement, self.now)
        self._record("contract.import", "contract", saved.id, current, saved)
        return "contract updated"

    # -- what hangs off accounts ----------------------------------------------------------

    def _contact(self, row: ContactRow, report: ImportReport) -> None:
        account = resolve_account(self.uow, row.account)
        name = clean_name(row.name, field="contact", what="A contact's name")
        email = check_email(row.email) if row.email else None
        same = [
            c
            for c in self.uow.contacts.for_account(account.id)
            if name_key(c.name) == name_key(name)
        ]
        if same:
            report.unchanged += 1
            return
        contact = self.uow.contacts.add(
            account_id=account.id,
            name=name,
            title=row.title,
            email=email,
            phone=row.phone,
            slack_user_id=row.slack_user_id,
            now=self.now,
        )
        self._record("contact.import", "contact", contact.id, None, contact)
        report.created += 1
        report.changes.append(f"line {row.line}: new contact “{name}” at “{account.name}”")

    def _interaction(self, row: InteractionRow, report: ImportReport) -> None:
        account = resolve_account(self.uow, row.account)
        summary = clean_summary(row.summary)
        if row.occurred_at > self.now:
            raise _SkipRow("an interaction can't have happened in the future")
        if any(
            i.kind is row.kind and i.summary == summary
            for i in self.uow.interactions.at(account.id, row.occurred_at)
        ):
            report.unchanged += 1
            return
        contact_id = None
        if row.contact:
            contact_id = next(
                (
                    c.id
                    for c in self.uow.contacts.for_account(account.id)
                    if name_key(c.name) == name_key(row.contact)
                ),
                None,
            )
        interaction = self.uow.interactions.add(
            account_id=account.id,
            kind=row.kind,
            occurred_at=row.occurred_at,
            summary=summary,
            logged_by=self._user_id(row.logged_by),
            contact_id=contact_id,
            permalink=row.permalink,
            now=self.now,
        )
        self._record("interaction.import", "interaction", interaction.id, None, interaction)
        if account.last_touch_at is None or account.last_touch_at < row.occurred_at:
            touched = self.uow.accounts.save(
                dataclasses.replace(
                    account,
                    last_touch_at=row.occurred_at,
                    next_touch_due=row.occurred_at + timedelta(days=account.cadence_days),
                    updated_at=self.now,
                )
            )
            self._record("account.touch", "account", account.id, account, touched)
        report.created += 1
        report.changes.append(f"line {row.line}: {row.kind.value} with “{account.name}”")

    def _follow_up(self, row: FollowUpRow, report: ImportReport) -> None:
        account = resolve_account(self.uow, row.account)
        text = clean_follow_up_text(row.text)
        owner = self._owner(row.owner)
        owner_id = owner.user_id if owner and owner.user_id else account.owner.user_id
        if owner_id is None:
            raise _SkipRow(
                f"the owner “{row.owner or ''}” is not a Slack user and “{account.name}” has no "
                "owner to take it over"
            )
        if any(
            f.due_at == row.due_at and f.text == text
            for f in self.uow.follow_ups.for_account(account.id)
        ):
            report.unchanged += 1
            return
        follow_up = self.uow.follow_ups.add(
            number=self.uow.workspaces.next_follow_up_number(),
            account_id=account.id,
            owner_id=owner_id,
            due_at=row.due_at,
            text=text,
            created_by=self._user_id(row.created_by),
            now=row.created_at or self.now,
        )
        if row.status is not FollowUpStatus.OPEN or row.snoozed_until is not None:
            follow_up = self.uow.follow_ups.save(
                dataclasses.replace(
                    follow_up,
                    status=row.status,
                    snoozed_until=row.snoozed_until,
                    completed_by=self._user_id(row.completed_by) if row.completed_by else None,
                    completed_at=row.completed_at,
                ),
                self.now,
            )
        self._record("follow_up.import", "follow_up", follow_up.number, None, follow_up)
        report.created += 1
        report.changes.append(f"line {row.line}: follow-up #{follow_up.number} on “{account.name}”")

    def _contract(self, row: ContractRow, report: ImportReport) -> None:
        account = resolve_account(self.uow, row.account)
        value = check_contract_value(row.value)
        currency = check_currency(row.currency)
        notice_days = check_notice_days(row.notice_days)
        existing = self.uow.contracts.for_account(account.id)
        if any(
            c.renewal_date == row.renewal_date and c.outcome == row.outcome and c.value == value
            for c in existing
        ):
            report.unchanged += 1
            return
        if row.outcome is None and any(c.outcome is None for c in existing):
            raise _SkipRow(
                f"“{account.name}” already has an open contract; an account has one at a time"
            )
        contract = self.uow.contracts.add(
            account_id=account.id,
            value=value,
            currency=currency,
            renewal_date=row.renewal_date,
            direction=row.direction or account.kind.contract_direction,
            start_date=row.start_date,
            notice_days=notice_days,
            auto_renew=row.auto_renew,
            previous_id=None,
            now=self.now,
            outcome=row.outcome,
            outcome_at=(row.outcome_at or self.now) if row.outcome else None,
            outcome_by=self.actor.user_id if row.outcome else None,
        )
        self._record("contract.import", "contract", contract.id, None, contract)
        report.created += 1
        report.changes.append(
            f"line {row.line}: contract for “{account.name}” renewing {row.renewal_date}"
        )
