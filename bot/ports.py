"""What the core needs from storage, declared here and implemented in ``storage/``.

Every repository is bound to one workspace when the unit of work is opened: no method
takes a ``team_id``, so no code path can read or write another workspace's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from bot.domain import (
    Account,
    AccountFilter,
    AccountKind,
    AccountStatus,
    AuditEvent,
    Contact,
    Contract,
    ContractDirection,
    FollowUp,
    Interaction,
    InteractionKind,
    Owner,
    RenewalOutcome,
    SlackProfile,
    UserPreferences,
    Watch,
    Workspace,
)
from bot.drafts import NewAccount, NewContact, NewContract, NewFollowUp, NewInteraction
from bot.health import AccountActivity, HealthBand, KeptBand
from bot.notify import NotifyRule, NotifyRuleSpec
from bot.nudges.model import ItemKind, LedgerEntry, NudgeStatus, Occasion
from bot.paging import Cursor, Page
from bot.reporting.facts import ContractOfAccount, OwnerCount, OwnerTouches, RenewingContract


class WorkspaceRepository(Protocol):
    team_id: str

    def get_or_create(self, now: datetime) -> Workspace:
        """This workspace's settings, creating the row on first use."""
        ...

    def save(self, workspace: Workspace) -> Workspace: ...

    def claim_health_check(self, now: datetime, every: timedelta) -> bool:
        """Whether this caller checks the workspace's health bands now (the last check was
        ``every`` or longer ago, or never); marks the check taken."""
        ...

    def next_follow_up_number(self) -> int:
        """A short number no other follow-up in this workspace has had."""
        ...


class UserRepository(Protocol):
    def preferences(self, user_id: str) -> UserPreferences | None: ...

    def save_preferences(self, preferences: UserPreferences, now: datetime) -> UserPreferences: ...

    def cached_profile(self, user_id: str, fresh_after: datetime) -> SlackProfile | None:
        """The profile Slack gave us, if it was fetched after ``fresh_after``."""
        ...

    def save_profile(self, profile: SlackProfile, now: datetime) -> None: ...

    def find_user_id(self, email_or_name: str) -> str | None:
        """The Slack user known by this e-mail or display name, if exactly one is."""
        ...


class AccountRepository(Protocol):
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
        cadence_own: bool = False,
    ) -> Account:
        """A new account created at ``now``; next touch due one cadence after the last touch."""
        ...

    def get(self, account_id: int) -> Account | None: ...

    def by_key(self, key: str) -> Account | None:
        """The account whose ``name_key`` is ``key``."""
        ...

    def by_ids(self, ids: Iterable[int]) -> dict[int, Account]: ...

    def names(self, *, include_archived: bool = True) -> list[str]:
        """Every account name (for exports and tests; never on a request's path)."""
        ...

    def keys_among(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` that are an account's ``name_key``: the parser's longest match
        asks about the few names a line could mean (an indexed look-up)."""
        ...

    def similar_names(self, text: str, *, include_archived: bool, limit: int) -> list[str]:
        """Up to ``limit`` names spelt like ``text``, closest first, for "did you mean"
        (found through an index, never by reading every name)."""
        ...

    def fitting(self, text: str, *, limit: int) -> list[Account]:
        """Up to ``limit`` accounts that ``text`` names without being a name itself, live
        ones first: those with exactly its words (no accents or marks: "muller" for
        "Müller"), else those that start with its words or hold them as whole words."""
        ...

    def save(self, account: Account) -> Account:
        """Write every field of ``account`` (tags included) and return it as stored."""
        ...

    def delete(self, account: Account) -> None:
        """Delete the account as read (its version); what hangs off it goes with it."""
        ...

    def search(self, text: str, *, include_archived: bool, limit: int) -> list[Account]:
        """Accounts whose name or a tag contains ``text``, or that have a contact so named."""
        ...

    def by_kept_health_page(
        self, wanted: AccountFilter, *, limit: int, after: Cursor | None = None
    ) -> Page[Account]:
        """A page of the accounts ``wanted`` by their kept health (score, then name), those
        with none kept yet last; the cursor is (kept score, name key)."""
        ...

    def listed(self, wanted: AccountFilter) -> list[Account]:
        """Every account ``wanted`` (archived ones never), by name."""
        ...

    def owned_by(self, owner_id: str) -> list[Account]:
        """Live (not archived or churned) accounts of one owner, by name."""
        ...

    def owned_page(
        self, owner_id: str, *, limit: int, after: Cursor | None = None
    ) -> Page[Account]:
        """One page of an owner's live accounts, by name."""
        ...

    def listed_page(
        self, wanted: AccountFilter, *, limit: int, count_cap: int, after: Cursor | None = None
    ) -> Page[Account]:
        """One page of the accounts ``wanted`` (never archived ones), by name key; the rest
        counted up to ``count_cap``."""
        ...

    def stale_page(
        self,
        now: datetime,
        owner_id: str | None,
        *,
        limit: int,
        count_cap: int,
        after: Cursor | None = None,
    ) -> Page[Account]:
        """One page of the live accounts past their next-touch date, longest overdue first
        (everyone's when ``owner_id`` is None), counted up to ``count_cap``."""
        ...

    def with_unresolved_owner(self) -> list[Account]: ...

    def stale(self, now: datetime, owner_id: str | None) -> list[Account]:
        """Live accounts past their next-touch date, longest overdue first."""
        ...

    def stale_ids(self, now: datetime) -> list[tuple[int, str | None]]:
        """(id, owner) of the live accounts past their next-touch date, by id (a nudge pass
        reads these, then the accounts a chunk at a time)."""
        ...

    def all(self) -> list[Account]: ...


class ContactRepository(Protocol):
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
    ) -> Contact: ...

    def for_account(self, account_id: int) -> list[Contact]: ...

    def update(self, contact: Contact) -> Contact:
        """Store the contact's name, title, e-mail and phone as given (by its id)."""
        ...

    def delete(self, contact_id: int) -> None: ...

    def names_by_account(self, account_ids: Iterable[int]) -> dict[int, list[str]]:
        """Contact names of several accounts in one query (for `find`)."""
        ...

    def all(self) -> list[Contact]: ...


class InteractionRepository(Protocol):
    def add(
        self,
        *,
        account_id: int,
        kind: InteractionKind,
        occurred_at: datetime,
        summary: str,
        logged_by: str,
        contact_id: int | None,
        permalink: str | None,
        now: datetime,
    ) -> Interaction: ...

    def recent(self, account_id: int, limit: int) -> list[Interaction]:
        """The newest ``limit`` interactions of an account, newest first."""
        ...

    def at(self, account_id: int, occurred_at: datetime) -> list[Interaction]:
        """The account's interactions logged for exactly that moment (to spot re-imports)."""
        ...

    def latest_for_accounts(self, account_ids: Iterable[int]) -> dict[int, Interaction]:
        """Each account's newest interaction (accounts without one are left out)."""
        ...

    def get(self, interaction_id: int) -> Interaction | None: ...

    def delete(self, interaction_id: int) -> None: ...

    def all(self) -> list[Interaction]: ...


class FollowUpRepository(Protocol):
    def add(
        self,
        *,
        number: int,
        account_id: int,
        owner_id: str,
        due_at: datetime,
        text: str,
        created_by: str,
        now: datetime,
    ) -> FollowUp: ...

    def by_number(self, number: int) -> FollowUp | None: ...

    def save(self, follow_up: FollowUp, now: datetime) -> FollowUp: ...

    def open_for_account(self, account_id: int) -> list[FollowUp]: ...

    def open_due_before(self, moment: datetime, owner_id: str | None) -> list[FollowUp]:
        """Open follow-ups due (snooze included) before ``moment``, earliest first."""
        ...

    def open_page(
        self,
        *,
        owner_id: str | None,
        due_from: datetime | None = None,
        due_before: datetime | None = None,
        limit: int,
        after: Cursor | None = None,
    ) -> Page[FollowUp]:
        """One page of open follow-ups due (snooze included) from ``due_from`` to before
        ``due_before`` (either end open when None), earliest first; everyone's when
        ``owner_id`` is None."""
        ...

    def open_for_owner(self, owner_id: str) -> list[FollowUp]: ...

    def open_all(self) -> list[FollowUp]:
        """Every open follow-up of the workspace (for nudge planning)."""
        ...

    def open_due_before_ids(self, moment: datetime) -> list[tuple[int, str]]:
        """(id, owner) of open follow-ups due (snooze included) before ``moment``, by id."""
        ...

    def by_ids(self, ids: Iterable[int]) -> list[FollowUp]:
        """These follow-ups as they stand, whatever their status."""
        ...

    def get(self, follow_up_id: int) -> FollowUp | None: ...

    def for_account(self, account_id: int) -> list[FollowUp]:
        """All of an account's follow-ups, closed ones too."""
        ...

    def all(self) -> list[FollowUp]: ...


class ContractRepository(Protocol):
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
        """A contract; open unless it is added with its outcome (as an import does)."""
        ...

    def open_for_account(self, account_id: int) -> Contract | None: ...

    def get(self, contract_id: int) -> Contract | None: ...

    def for_account(self, account_id: int) -> list[Contract]:
        """All of an account's contracts, oldest first."""
        ...

    def save(self, contract: Contract, now: datetime) -> Contract: ...

    def delete(self, contract: Contract) -> None:
        """Delete the contract as read (its version)."""
        ...

    def open_renewing_by(self, last_day: date, owner_id: str | None) -> list[Contract]:
        """Open contracts of live accounts renewing on or before ``last_day``, soonest first."""
        ...

    def open_of_listed(self, wanted: AccountFilter) -> dict[int, Contract]:
        """The open contract of each account ``wanted`` (as ``AccountRepository.listed``
        reads them) that has one."""
        ...

    def open_due_ids(self, renewals_by: date, notices_by: date) -> list[tuple[int, str | None]]:
        """(id, account owner) of open contracts of live accounts renewing on or before
        ``renewals_by`` or with a notice deadline on or before ``notices_by``, by id."""
        ...

    def by_ids(self, ids: Iterable[int]) -> list[Contract]:
        """These contracts as they stand, with or without an outcome."""
        ...

    def open_for_accounts(self, account_ids: Iterable[int]) -> dict[int, Contract]:
        """The open contract of each of these accounts that has one, by account id."""
        ...

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
        """One page of the open contracts of live accounts whose next date that needs action
        (``Contract.next_action(acting_from)``) is on or before ``last_day``, in that order
        (then by id); those whose renewal date has passed, outcomes still to record, come
        first unless ``overdue`` is False, when the window starts at ``acting_from``.
        Everyone's when ``owner_id`` is None."""
        ...

    def open_notices_page(
        self, first_day: date, last_day: date, *, limit: int, after: Cursor | None = None
    ) -> Page[Contract]:
        """One page of the open contracts of live accounts whose notice deadline falls from
        ``first_day`` to ``last_day``, soonest first (then by id)."""
        ...

    def all(self) -> list[Contract]: ...


class ActivityRepository(Protocol):
    def activity(self, account_ids: Iterable[int], now: datetime) -> dict[int, AccountActivity]:
        """Per account with any: its open follow-ups past due at ``now`` (how many, the
        earliest effective due) and its touches in the last ``TREND_WINDOW_DAYS`` days and the
        as many days before; an account with none is left out."""
        ...

    def activity_of_listed(
        self, wanted: AccountFilter, now: datetime
    ) -> dict[int, AccountActivity]:
        """``activity`` of every account ``wanted`` (as ``AccountRepository.listed`` reads them)."""
        ...


class HealthBandRepository(Protocol):
    """Accounts' health bands as last checked, and since when each is in its band."""

    def kept(self) -> dict[int, KeptBand]: ...

    def keep(self, changed: Sequence[KeptBand], added: Sequence[KeptBand], now: datetime) -> None:
        """Write these bands, checked at ``now``: ``changed`` replace kept ones, ``added``
        are new."""
        ...

    def forget(self, account_ids: Sequence[int]) -> None:
        """No band kept for these accounts any more (no longer scored)."""
        ...

    def entered(self, band: HealthBand, since: datetime) -> list[KeptBand]:
        """The accounts in ``band`` that entered it at or after ``since``, earliest first."""
        ...


class TeamReportRepository(Protocol):
    """The weekly team report's reads: each one set-based query, reading no more rows than the
    report shows or sums."""

    def touches_per_owner(
        self, last_week_from: datetime, this_week_from: datetime, now: datetime
    ) -> list[OwnerTouches]:
        """Per account owner with any: interactions on their accounts that occurred from
        ``this_week_from`` to ``now``, and from ``last_week_from`` to before ``this_week_from``;
        by owner id (accounts without a Slack owner last)."""
        ...

    def overdue_follow_ups_per_owner(self, now: datetime) -> list[OwnerCount]:
        """Per follow-up owner with any: open follow-ups due (snooze included) before ``now``;
        by owner id."""
        ...

    def acting_between(self, first_day: date, last_day: date) -> list[ContractOfAccount]:
        """Open contracts of live accounts whose next date that needs action
        (``Contract.next_action(first_day)``) falls from ``first_day`` to ``last_day``,
        with the account's name and owner, by that date (then id)."""
        ...

    def outcomes_between(self, since: datetime, until: datetime) -> list[ContractOfAccount]:
        """Contracts whose outcome was recorded from ``since`` to ``until`` (any account,
        churned ones too), with the account's name and owner, by when (then id)."""
        ...

    def renewing_between(self, first_day: date, last_day: date) -> list[RenewingContract]:
        """Open contracts of live accounts renewing from ``first_day`` to ``last_day``: only
        what the month table needs (account, renewal date, value, currency), by date and id."""
        ...


class WatcherRepository(Protocol):
    """Who watches which account (not its owner): its renewal news in their own digest."""

    def add(self, *, account_id: int, user_id: str, now: datetime) -> Watch: ...

    def restore(self, watch: Watch) -> Watch:
        """A removed watch back as it was (its id and since when), for `undo`."""
        ...

    def get(self, account_id: int, user_id: str) -> Watch | None:
        """This person's watch of this account, if they watch it."""
        ...

    def remove(self, watch: Watch) -> None: ...

    def for_account(self, account_id: int) -> list[Watch]:
        """The account's watchers, first to watch first."""
        ...

    def for_accounts(self, account_ids: Iterable[int]) -> dict[int, list[Watch]]:
        """Each account's watchers (accounts nobody watches are left out)."""
        ...

    def watching_contracts(self, contract_ids: Iterable[int]) -> set[str]:
        """Everyone who watches the account of any of these contracts."""
        ...

    def outcome_ids_since(
        self, since: datetime, *, watched_only: bool = True
    ) -> list[tuple[int, str | None]]:
        """Contracts of watched accounts (``watched_only`` False: of every account) whose
        outcome was recorded at or after ``since``, as (contract id, the account's owner)."""
        ...


class NotifyRuleRepository(Protocol):
    """Which channel hears which event, for which accounts (`settings workspace notify`)."""

    def add(self, spec: NotifyRuleSpec, *, created_by: str, now: datetime) -> NotifyRule: ...

    def restore(self, rule: NotifyRule) -> NotifyRule:
        """The same rule back (its id, since when): `undo` of its removal."""
        ...

    def get(self, rule_id: int) -> NotifyRule | None: ...

    def find(self, spec: NotifyRuleSpec) -> NotifyRule | None:
        """The stored rule that is the same as ``spec`` (channel, event, filter key)."""
        ...

    def remove(self, rule: NotifyRule) -> None: ...

    def all(self) -> list[NotifyRule]:
        """Every rule, oldest first: the order `settings workspace` numbers them in."""
        ...


class SlackEventLog(Protocol):
    def remember(self, event_id: str, now: datetime) -> bool:
        """Record a Slack event id; False if it was seen in the last day (a retry)."""
        ...

    def seen(self, event_id: str, now: datetime) -> bool:
        """Whether this id was remembered in the last day (a read; ``remember`` decides)."""
        ...

    def forget_old(self, now: datetime) -> int:
        """Delete the ids seen more than a day ago (housekeeping); how many."""
        ...


class Directory(Protocol):
    """Slack's user directory, as the core needs it (implemented over the Web API)."""

    def profile(self, user_id: str) -> SlackProfile | None:
        """The user's profile; deleted if Slack does not know them; None if it did not answer."""
        ...

    def user_id_by_email(self, email: str) -> str | None: ...

    def members(self) -> list[SlackProfile]:
        """Every member of the workspace (users.list), for matching owners by name."""
        ...


class NudgeLedger(Protocol):
    """The outbox: one row per (item, occasion), claimed with a lease, marked once sent."""

    def record(self, occasions: Sequence[Occasion], now: datetime) -> int:
        """Insert the occasions not yet known (INSERT … ON CONFLICT DO NOTHING); how many."""
        ...

    def claim_next(
        self, *, due_by: datetime, wall_now: datetime, worker: str, lease_until: datetime
    ) -> list[LedgerEntry]:
        """Lease all of one recipient's pending rows that are due (planned by ``due_by``, not
        waiting for a retry at ``wall_now``), as one unit: a recipient another worker is
        claiming is skipped, never waited for, never split."""
        ...

    def renew_lease(
        self, ids: Sequence[int], *, worker: str, wall_now: datetime, lease_until: datetime
    ) -> int:
        """Extend this worker's unexpired leases on these rows; how many it still held."""
        ...

    def mark_sent(
        self, ids: Sequence[int], *, worker: str, channel_id: str, message_ts: str, at: datetime
    ) -> int:
        """Mark rows sent, only those this worker still holds; how many it held."""
        ...

    def release_failed(
        self,
        ids: Sequence[int],
        *,
        worker: str,
        error: str,
        give_up: bool,
        at: datetime,
        retry_after: datetime,
    ) -> None:
        """Give held rows back: pending again (not before ``retry_after``), or failed."""
        ...

    def skip(self, ids: Sequence[int], *, worker: str, why: str) -> None: ...

    def reap(self, wall_now: datetime) -> int:
        """Return rows whose lease ran out (a worker died mid-send) to pending."""
        ...

    def entries(
        self, *, statuses: Sequence[NudgeStatus] = (), limit: int = 500
    ) -> list[LedgerEntry]:
        """The newest rows first, for previews and history."""
        ...

    def statuses(self, keys: Sequence[str]) -> dict[str, NudgeStatus]:
        """What became of these occasions so far (absent: never planned)."""
        ...

    def record_decision(
        self,
        *,
        channel_id: str,
        message_ts: str,
        item_kind: ItemKind,
        item_id: int,
        decision: str,
        by: str,
        at: datetime,
    ) -> int: ...


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...

    def for_entity(self, entity: str, entity_id: int | str) -> list[AuditEvent]: ...

    def latest_change(self, actor: str, since: datetime) -> list[AuditEvent]:
        """The rows of ``actor``'s newest change since ``since`` (one unit of work's, by id)
        that is neither an undo nor taken back by one; none when there is no such change."""
        ...

    def all(self) -> list[AuditEvent]: ...


class BulkWriter(Protocol):
    """Set-based reads and writes for many rows at once (import, seeding): every read is one
    indexed ``IN`` look-up per call and every write one ``executemany``, so a chunk of rows
    costs the same however many rows the workspace already holds."""

    def accounts_by_keys(self, keys: Iterable[str]) -> dict[str, Account]:
        """The accounts whose ``name_key`` is one of ``keys``, by key (tags included)."""
        ...

    def contracts_by_account(self, account_ids: Iterable[int]) -> dict[int, list[Contract]]:
        """Every contract of these accounts, oldest first (absent: none)."""
        ...

    def contacts_by_account(self, account_ids: Iterable[int]) -> dict[int, list[Contact]]: ...

    def follow_ups_by_account(self, account_ids: Iterable[int]) -> dict[int, list[FollowUp]]: ...

    def interactions_at(
        self, moments: Iterable[tuple[int, datetime]]
    ) -> dict[tuple[int, datetime], list[Interaction]]:
        """Interactions logged for exactly these (account, moment) pairs (to spot re-imports)."""
        ...

    def user_ids(self, emails_or_names: Iterable[str]) -> dict[str, str]:
        """For each text, the Slack user known by that e-mail or display name, if exactly one
        is (``UserRepository.find_user_id`` for many texts at once)."""
        ...

    def add_accounts(self, accounts: Sequence[NewAccount]) -> list[Account]:
        """Insert accounts and their tags; returns them as stored, in the same order."""
        ...

    def update_accounts(self, updates: Sequence[tuple[Account, int]]) -> None:
        """Write each account (tags included) as given, version and all, if its row is still
        at the version read (the int); else ``ConcurrentChange``."""
        ...

    def add_contacts(self, contacts: Sequence[NewContact]) -> list[Contact]: ...

    def update_contacts(self, contacts: Sequence[Contact]) -> None:
        """Write each contact's name, title, e-mail, phone and Slack user as given."""
        ...

    def add_interactions(self, interactions: Sequence[NewInteraction]) -> list[Interaction]: ...

    def add_follow_ups(self, follow_ups: Sequence[NewFollowUp]) -> list[FollowUp]:
        """Insert follow-ups with the next short numbers, handed out in order."""
        ...

    def add_contracts(self, contracts: Sequence[NewContract]) -> list[Contract]: ...

    def update_contracts(self, updates: Sequence[tuple[Contract, int]], now: datetime) -> None:
        """As ``update_accounts``, for contracts (``now`` is their ``updated_at``)."""
        ...

    def add_audit_events(self, events: Sequence[AuditEvent]) -> None: ...

    def add_profiles(self, profiles: Sequence[SlackProfile], now: datetime) -> None:
        """Users Slack told us about (fetched at ``now``), with default preferences."""
        ...

    def refresh_statistics(self) -> None:
        """Let the query planner see the tables as they are after a bulk load. PostgreSQL
        plans with statistics autovacuum refreshes a minute or more later: until then a
        table filled in seconds still looks empty, and look-ups by key scan it whole. The
        cost is bounded (a sample of rows), not proportional to the tables."""
        ...


class WorkspaceErasure(Protocol):
    """Every row of one workspace, in every table: an operator's `workspace delete`."""

    team_id: str

    def rows(self) -> dict[str, int]:
        """The workspace's rows per table, in the order ``erase`` deletes them."""
        ...

    def erase(self) -> dict[str, int]:
        """Delete them all, children before the rows they point at; the rows per table."""
        ...

    def record(self, event: AuditEvent, now: datetime) -> None:
        """Write ``event`` to the operator's audit trail (``OPERATOR_TEAM``), which no
        erasure removes."""
        ...


class UnitOfWork(Protocol):
    """One workspace's repositories inside one transaction; the caller's boundary commits."""

    team_id: str
    workspaces: WorkspaceRepository
    users: UserRepository
    accounts: AccountRepository
    contacts: ContactRepository
    interactions: InteractionRepository
    follow_ups: FollowUpRepository
    contracts: ContractRepository
    activity: ActivityRepository
    health_bands: HealthBandRepository
    watchers: WatcherRepository
    team_report: TeamReportRepository
    notify_rules: NotifyRuleRepository
    audit: AuditLog
    events: SlackEventLog
    nudges: NudgeLedger
    bulk: BulkWriter

    def wrote(self) -> bool:
        """Whether anything has been written in this unit so far."""
        ...
