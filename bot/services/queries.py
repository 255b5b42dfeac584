"""Read-only questions: find, show, history, mine, overdue, due, renewals, stale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import (
    Account,
    Actor,
    Contact,
    Contract,
    FollowUp,
    Interaction,
    name_key,
)
from bot.errors import InvalidInput
from bot.matching import rank_accounts
from bot.ports import UnitOfWork
from bot.services.lookup import resolve_account, suggestions
from bot.validation import storable

DEFAULT_RENEWAL_WINDOW_DAYS = 90
CARD_INTERACTIONS = 5
DEFAULT_HISTORY = 10
MAX_HISTORY = 100
FIND_LIMIT = 25
FIND_CANDIDATES = 200  # the best matches by name, tag or contact, ranked finally here
UNRESOLVED_OWNER_QUERY = "owner:unresolved"


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    follow_up: FollowUp
    account: Account


@dataclass(frozen=True, slots=True)
class RenewalItem:
    contract: Contract
    account: Account


@dataclass(frozen=True, slots=True)
class AccountCard:
    account: Account
    contract: Contract | None
    follow_ups: list[FollowUp]
    interactions: list[Interaction]  # newest first, at most CARD_INTERACTIONS
    contacts: list[Contact]

    @property
    def last_touch(self) -> Interaction | None:
        return self.interactions[0] if self.interactions else None


@dataclass(frozen=True, slots=True)
class MySummary:
    accounts: list[Account]
    follow_ups: list[FollowUpItem]
    renewals: list[RenewalItem]


@dataclass(frozen=True, slots=True)
class HomeData:
    """What the App Home shows one user: their own items only."""

    overdue: list[FollowUpItem]
    due_this_week: list[FollowUpItem]  # due from now to the end of Sunday, not yet overdue
    renewals: list[RenewalItem]  # the next 90 days, outcomes still to record included
    stale: list[Account]


@dataclass(frozen=True, slots=True)
class Found:
    query: str
    accounts: list[Account]  # best match first
    suggestions: list[str]  # "did you mean" names, when nothing matched


@dataclass(frozen=True, slots=True)
class History:
    account: Account
    interactions: list[Interaction]


def find_accounts(uow: UnitOfWork, query: str, *, include_archived: bool = False) -> Found:
    """Accounts by name, tag or contact name, best match first, or near misses when none match;
    `owner:unresolved` lists the accounts whose imported owner is not yet a Slack user."""
    if name_key(query) == UNRESOLVED_OWNER_QUERY:
        return Found(query, uow.accounts.with_unresolved_owner(), [])
    if not name_key(query):
        raise InvalidInput("query", "Find what? For example: `find acme` or `find emea`.")
    # The repository narrows through its index, best first; the final ranking (tags and
    # contacts included) happens here, where it can be tested pure.
    candidates = uow.accounts.search(
        query, include_archived=include_archived, limit=FIND_CANDIDATES
    )
    contact_names = uow.contacts.names_by_account(a.id for a in candidates)
    contact_keys = {i: [name_key(n) for n in names] for i, names in contact_names.items()}
    matches = rank_accounts(query, candidates, contact_keys)[:FIND_LIMIT]
    if matches:
        return Found(query, matches, [])
    return Found(query, [], suggestions(uow, query, include_archived=include_archived))


def account_card(uow: UnitOfWork, account: str) -> AccountCard:
    target = resolve_account(uow, account)
    return AccountCard(
        account=target,
        contract=uow.contracts.open_for_account(target.id),
        follow_ups=uow.follow_ups.open_for_account(target.id),
        interactions=uow.interactions.recent(target.id, CARD_INTERACTIONS),
        contacts=uow.contacts.for_account(target.id),
    )


def history(uow: UnitOfWork, account: str, limit: int | None = None) -> History:
    count = limit or DEFAULT_HISTORY
    if not 1 <= count <= MAX_HISTORY:
        raise InvalidInput("limit", f"History shows between 1 and {MAX_HISTORY} interactions.")
    target = resolve_account(uow, account)
    return History(account=target, interactions=uow.interactions.recent(target.id, count))


def who_owns(uow: UnitOfWork, account: str) -> Account:
    return resolve_account(uow, account)


def _with_accounts(uow: UnitOfWork, follow_ups: list[FollowUp]) -> list[FollowUpItem]:
    accounts = uow.accounts.by_ids(f.account_id for f in follow_ups)
    return [FollowUpItem(f, accounts[f.account_id]) for f in follow_ups]


def _renewals(uow: UnitOfWork, contracts: list[Contract]) -> list[RenewalItem]:
    accounts = uow.accounts.by_ids(c.account_id for c in contracts)
    return [RenewalItem(c, accounts[c.account_id]) for c in contracts]


def _local_today(actor: Actor, now: datetime) -> date:
    return now.astimezone(ZoneInfo(actor.timezone)).date()


def _start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def mine(uow: UnitOfWork, actor: Actor, now: datetime) -> MySummary:
    """My accounts, my open follow-ups, my renewals in the next 90 days."""
    last_day = _local_today(actor, now) + timedelta(days=DEFAULT_RENEWAL_WINDOW_DAYS)
    return MySummary(
        accounts=uow.accounts.owned_by(actor.user_id),
        follow_ups=_with_accounts(uow, uow.follow_ups.open_for_owner(actor.user_id)),
        renewals=_renewals(uow, uow.contracts.open_renewing_by(last_day, actor.user_id)),
    )


def overdue(uow: UnitOfWork, now: datetime, owner_id: str | None) -> list[FollowUpItem]:
    """Open follow-ups past due, oldest first; ``owner_id`` None means everyone's."""
    return _with_accounts(uow, uow.follow_ups.open_due_before(now, owner_id))


def due(uow: UnitOfWork, actor: Actor, now: datetime, *, this_week: bool) -> list[FollowUpItem]:
    """My open follow-ups due by the end of today (or of this week, Sunday), overdue included."""
    zone = ZoneInfo(actor.timezone)
    today = _local_today(actor, now)
    last_day = today + timedelta(days=6 - today.weekday()) if this_week else today
    end = _start_of_day(last_day + timedelta(days=1), zone)
    return _with_accounts(uow, uow.follow_ups.open_due_before(end, actor.user_id))


def renewals(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    within_days: int | None = None,
    this_quarter: bool = False,
) -> list[RenewalItem]:
    """Open contracts by renewal date (overdue outcomes first), everyone's, with value and owner."""
    today = _local_today(actor, now)
    if this_quarter:
        quarter_end_month = ((today.month - 1) // 3 + 1) * 3
        next_month = date(today.year + quarter_end_month // 12, quarter_end_month % 12 + 1, 1)
        last_day = next_month - timedelta(days=1)
    else:
        days = within_days if within_days is not None else DEFAULT_RENEWAL_WINDOW_DAYS
        if not 1 <= days <= 3660:
            raise InvalidInput("days", "Look ahead between 1 and 3660 days.")
        last_day = today + timedelta(days=days)
    return _renewals(uow, uow.contracts.open_renewing_by(last_day, None))


def stale(uow: UnitOfWork, now: datetime, owner_id: str | None) -> list[Account]:
    """Live accounts past their cadence, longest overdue first."""
    return uow.accounts.stale(now, owner_id)


def home(uow: UnitOfWork, actor: Actor, now: datetime) -> HomeData:
    """The caller's overdue follow-ups, the rest of this week's, renewals in 90 days, stale
    accounts."""
    this_week = due(uow, actor, now, this_week=True)
    last_day = _local_today(actor, now) + timedelta(days=DEFAULT_RENEWAL_WINDOW_DAYS)
    return HomeData(
        overdue=[i for i in this_week if i.follow_up.effective_due < now],
        due_this_week=[i for i in this_week if i.follow_up.effective_due >= now],
        renewals=_renewals(uow, uow.contracts.open_renewing_by(last_day, actor.user_id)),
        stale=uow.accounts.stale(now, actor.user_id),
    )


PICKER_LIMIT = 100  # Slack shows at most 100 options


def accounts_for_picker(uow: UnitOfWork, typed: str) -> list[Account]:
    """Live accounts for the modal's picker: those matching what is typed, best first."""
    typed = storable(typed)
    if not name_key(typed):
        return uow.accounts.search("", include_archived=False, limit=PICKER_LIMIT)
    return find_accounts(uow, typed).accounts[:PICKER_LIMIT]
