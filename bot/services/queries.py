"""Read-only questions: find, show, history, mine, accounts, overdue, due, renewals, notices,
stale."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import (
    MAX_NOTICE_DAYS,
    Account,
    AccountFilter,
    Actor,
    Contact,
    Contract,
    FollowUp,
    Interaction,
    NextAction,
    RenewalPeriod,
    name_key,
)
from bot.errors import InvalidInput, NothingToDo
from bot.health import Health, HealthBand
from bot.matching import rank_accounts
from bot.paging import Cursor, Page
from bot.ports import UnitOfWork
from bot.services.health import health_of, health_of_listed
from bot.services.lookup import resolve_account, suggestions
from bot.services.watchers import watcher_ids
from bot.validation import storable

DEFAULT_RENEWAL_WINDOW_DAYS = 90
# Items a list reads at once: a little more than a message (50 blocks, two per item) or the
# App Home (100 blocks, four lists) can show, so the renderer cuts, and the count says the rest.
LIST_PAGE = 25
HOME_PAGE = 20
MY_ACCOUNTS_PAGE = 50  # one line each, packed into one section
ACCOUNTS_PAGE = 25  # a page of `accounts`; "Show more" reads the next
# A page of `renewals` or `notices`: two blocks an item (its line, its buttons), so that a
# whole page, its title, "…and N more" and "Show more" fit a message's 50 blocks: "Show more"
# goes on right after the last item shown.
RENEWALS_PAGE = 20
# How far a list of accounts is counted: `accounts all` is the whole workspace ("500+").
ACCOUNTS_COUNTED = 500
# A large book has tens of thousands of stale accounts: counted this far, then "500+".
STALE_COUNTED = 500
CARD_INTERACTIONS = 5
DEFAULT_HISTORY = 10
MAX_HISTORY = 100
FIND_LIMIT = 25
UNRESOLVED_OWNER_QUERY = "owner:unresolved"


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    follow_up: FollowUp
    account: Account


@dataclass(frozen=True, slots=True)
class RenewalItem:
    contract: Contract
    account: Account
    # The date that needs action, as the list ordered it; None: as of the viewer's today.
    action: NextAction | None = None


@dataclass(frozen=True, slots=True)
class RenewalWindow:
    """The days a list of renewals or notices covers; ``overdue``: renewal dates already
    passed, outcomes still to record, come first too (windows that start today)."""

    first_day: date
    last_day: date
    overdue: bool = True


@dataclass(frozen=True, slots=True)
class RenewalList:
    """A page of `renewals` or `notices`: ``continued`` when it is not the first."""

    window: RenewalWindow
    page: Page[RenewalItem]
    continued: bool = False


@dataclass(frozen=True, slots=True)
class AccountCard:
    account: Account
    contract: Contract | None
    follow_ups: list[FollowUp]
    interactions: list[Interaction]  # newest first, at most CARD_INTERACTIONS
    contacts: list[Contact]
    health: Health | None = None  # None: not scored (churned, archived, or switched off)
    watchers: tuple[str, ...] = ()  # user ids of those watching it (not its owner)

    @property
    def last_touch(self) -> Interaction | None:
        return self.interactions[0] if self.interactions else None


@dataclass(frozen=True, slots=True)
class MySummary:
    accounts: Page[Account]
    follow_ups: Page[FollowUpItem]
    renewals: Page[RenewalItem]


@dataclass(frozen=True, slots=True)
class AccountList:
    """A page of `accounts`: ``continued`` when it is not the first (a "Show more").
    ``health``: each listed account's, when the list is by health."""

    wanted: AccountFilter
    page: Page[Account]
    continued: bool
    health: dict[int, Health] = field(default_factory=dict)
    kept_order: bool = False  # by health, in the order of the last hourly check (a long list)


@dataclass(frozen=True, slots=True)
class HomeData:
    """What the App Home shows one user: their own items only, a page of each."""

    overdue: Page[FollowUpItem]
    due_this_week: Page[FollowUpItem]  # due from now to the end of Sunday, not yet overdue
    # The next 90 days' renewals and notice deadlines, by the next date that needs action,
    # outcomes still to record included.
    renewals: Page[RenewalItem]
    stale: Page[Account]
    # The caller's accounts whose health is not good (watch or at risk), worst first.
    to_look_at: Page[ScoredAccount] = field(default_factory=lambda: Page.of([]))


@dataclass(frozen=True, slots=True)
class ScoredAccount:
    account: Account
    health: Health


@dataclass(frozen=True, slots=True)
class Found:
    query: str
    accounts: list[Account]  # best match first
    suggestions: list[str]  # "did you mean" names, when nothing matched
    # Archived accounts that match, when no live one does: named, so that nobody is invited
    # to add a second one of the same name.
    archived: list[Account] = field(default_factory=list)


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
    matches = _matching(uow, query, include_archived=include_archived)
    if matches:
        return Found(query, matches, [])
    if not include_archived:
        archived = _matching(uow, query, include_archived=True)
        if archived:  # no live account matches, so these are all archived
            return Found(query, [], [], archived=archived)
    return Found(query, [], suggestions(uow, query, include_archived=include_archived))


def _matching(uow: UnitOfWork, query: str, *, include_archived: bool) -> list[Account]:
    # The repository finds and ranks through its index and keeps the best; they are
    # ranked again here (bot.matching, tested pure), which decides ties the same way.
    candidates = uow.accounts.search(query, include_archived=include_archived, limit=FIND_LIMIT)
    contact_names = uow.contacts.names_by_account(a.id for a in candidates)
    contact_keys = {i: [name_key(n) for n in names] for i, names in contact_names.items()}
    return rank_accounts(query, candidates, contact_keys)[:FIND_LIMIT]


def account_card(uow: UnitOfWork, account: str, now: datetime, today: date) -> AccountCard:
    """The account's card, its health as of ``now`` (``today``: the viewer's date)."""
    target = resolve_account(uow, account)
    return AccountCard(
        account=target,
        contract=uow.contracts.open_for_account(target.id),
        follow_ups=uow.follow_ups.open_for_account(target.id),
        interactions=uow.interactions.recent(target.id, CARD_INTERACTIONS),
        contacts=uow.contacts.for_account(target.id),
        health=health_of(uow, [target], now, today).get(target.id),
        watchers=watcher_ids(uow, target),
    )


def history(uow: UnitOfWork, account: str, limit: int | None = None) -> History:
    count = limit or DEFAULT_HISTORY
    if not 1 <= count <= MAX_HISTORY:
        raise InvalidInput("limit", f"History shows between 1 and {MAX_HISTORY} interactions.")
    target = resolve_account(uow, account)
    return History(account=target, interactions=uow.interactions.recent(target.id, count))


def who_owns(uow: UnitOfWork, account: str) -> Account:
    return resolve_account(uow, account)


def _with_accounts(uow: UnitOfWork, follow_ups: Page[FollowUp]) -> Page[FollowUpItem]:
    accounts = uow.accounts.by_ids(f.account_id for f in follow_ups.items)
    return follow_ups.map(lambda f: FollowUpItem(f, accounts[f.account_id]))


def _renewals(uow: UnitOfWork, contracts: Page[Contract], acting_from: date) -> Page[RenewalItem]:
    accounts = uow.accounts.by_ids(c.account_id for c in contracts.items)
    return contracts.map(
        lambda c: RenewalItem(c, accounts[c.account_id], c.next_action(acting_from))
    )


def _by_next_action(
    uow: UnitOfWork, today: date, owner_id: str | None, *, limit: int
) -> Page[RenewalItem]:
    """Renewals and notice deadlines in the default window, by the next date that needs
    action: ``mine``, the App Home."""
    last_day = today + timedelta(days=DEFAULT_RENEWAL_WINDOW_DAYS)
    page = uow.contracts.open_by_next_action_page(today, last_day, owner_id, limit=limit)
    return _renewals(uow, page, today)


def _local_today(actor: Actor, now: datetime) -> date:
    return now.astimezone(ZoneInfo(actor.timezone)).date()


def _start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _end_of(actor: Actor, now: datetime, *, this_week: bool) -> datetime:
    """The end of the caller's today, or of their week (Sunday), as a moment."""
    zone = ZoneInfo(actor.timezone)
    today = _local_today(actor, now)
    last_day = today + timedelta(days=6 - today.weekday()) if this_week else today
    return _start_of_day(last_day + timedelta(days=1), zone)


def mine(uow: UnitOfWork, actor: Actor, now: datetime) -> MySummary:
    """My accounts, my open follow-ups, my renewals and notice deadlines in the next 90 days:
    a page of each."""
    today = _local_today(actor, now)
    return MySummary(
        accounts=uow.accounts.owned_page(actor.user_id, limit=MY_ACCOUNTS_PAGE),
        follow_ups=_with_accounts(
            uow, uow.follow_ups.open_page(owner_id=actor.user_id, limit=LIST_PAGE)
        ),
        renewals=_by_next_action(uow, today, actor.user_id, limit=LIST_PAGE),
    )


def account_list(
    uow: UnitOfWork, wanted: AccountFilter, *, after: Cursor | None = None
) -> AccountList:
    """A page of the accounts ``wanted``, by name, archived ones left out; counted up to
    ``ACCOUNTS_COUNTED``."""
    page = uow.accounts.listed_page(
        wanted, limit=ACCOUNTS_PAGE, count_cap=ACCOUNTS_COUNTED, after=after
    )
    return AccountList(wanted, page, continued=after is not None)


# Lists by health of up to this many accounts are scored live, in full, to be ordered; longer
# ones follow the bands the scheduler keeps (bench/health_lists.py: 10,000 accounts take ~1 s).
LIVE_ORDER_UP_TO = 2_000


def account_health_list(
    uow: UnitOfWork,
    wanted: AccountFilter,
    now: datetime,
    today: date,
    *,
    after: Cursor | None = None,
    live_up_to: int = LIVE_ORDER_UP_TO,
) -> AccountList:
    """A page of the accounts ``wanted``, worst health first (then by name). Up to
    ``LIVE_ORDER_UP_TO`` matches are all scored to order them, their facts read in grouped
    queries that choose the accounts by the list's conditions (one owner's book costs
    milliseconds); more are ordered by the scores the scheduler keeps hourly and only the
    page is scored. Accounts with no health (churned) are left out of a live list. The cursor
    is (score, name key) either way."""
    if not uow.workspaces.get_or_create(now).health_enabled:
        raise NothingToDo(
            "The health score is switched off in this workspace.",
            hint="An admin can switch it on with `settings workspace health on`; "
            "`accounts at risk` lists the accounts marked at risk.",
        )
    counted = uow.accounts.listed_page(wanted, limit=1, count_cap=live_up_to + 1)
    if counted.total > live_up_to:
        # Too many to score at once: in the order of the last hourly check, the page's own
        # accounts scored now (what it shows is exact; the order is as of that check).
        page = uow.accounts.by_kept_health_page(wanted, limit=ACCOUNTS_PAGE, after=after)
        return AccountList(
            wanted,
            page,
            continued=after is not None,
            health=health_of(uow, page.items, now, today),
            kept_order=True,
        )
    accounts, health = health_of_listed(uow, wanted, now, today)
    ranked = sorted(
        (account for account in accounts if account.id in health),
        key=lambda account: (health[account.id].score, account.key),
    )
    if after is not None:
        ranked = [a for a in ranked if (health[a.id].score, a.key) > after.key]
    shown = ranked[:ACCOUNTS_PAGE]
    last = shown[-1] if shown else None
    cursor = (
        Cursor((health[last.id].score, last.key)) if last and len(ranked) > len(shown) else None
    )
    page = Page(shown, len(ranked), cursor)
    return AccountList(
        wanted, page, continued=after is not None, health={a.id: health[a.id] for a in shown}
    )


def overdue(
    uow: UnitOfWork, now: datetime, owner_id: str | None, *, after: Cursor | None = None
) -> Page[FollowUpItem]:
    """Open follow-ups past due, oldest first; ``owner_id`` None means everyone's."""
    page = uow.follow_ups.open_page(owner_id=owner_id, due_before=now, limit=LIST_PAGE, after=after)
    return _with_accounts(uow, page)


def due(
    uow: UnitOfWork, actor: Actor, now: datetime, *, this_week: bool, after: Cursor | None = None
) -> Page[FollowUpItem]:
    """My open follow-ups due by the end of today (or of this week, Sunday), overdue included."""
    page = uow.follow_ups.open_page(
        owner_id=actor.user_id,
        due_before=_end_of(actor, now, this_week=this_week),
        limit=LIST_PAGE,
        after=after,
    )
    return _with_accounts(uow, page)


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _months_later(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)


def renewal_window(
    today: date, *, within_days: int | None = None, period: RenewalPeriod | None = None
) -> RenewalWindow:
    """The days `renewals` covers: from today to N days ahead (90 unless said) or to the end
    of this month or quarter, outcomes overdue included; or next quarter, first day to last."""
    if period is RenewalPeriod.THIS_MONTH:
        return RenewalWindow(today, _months_later(today.replace(day=1), 1) - timedelta(days=1))
    if period is RenewalPeriod.THIS_QUARTER:
        return RenewalWindow(today, _months_later(_quarter_start(today), 3) - timedelta(days=1))
    if period is RenewalPeriod.NEXT_QUARTER:
        first = _months_later(_quarter_start(today), 3)
        return RenewalWindow(first, _months_later(first, 3) - timedelta(days=1), overdue=False)
    days = within_days if within_days is not None else DEFAULT_RENEWAL_WINDOW_DAYS
    if not 1 <= days <= MAX_NOTICE_DAYS:
        raise InvalidInput("days", f"Look ahead between 1 and {MAX_NOTICE_DAYS} days.")
    return RenewalWindow(today, today + timedelta(days=days))


def renewals(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    within_days: int | None = None,
    period: RenewalPeriod | None = None,
    after: Cursor | None = None,
) -> RenewalList:
    """Everyone's open contracts whose renewal date or notice deadline falls in the window,
    by the next date that needs action (outcomes overdue first), with value and owner."""
    window = renewal_window(_local_today(actor, now), within_days=within_days, period=period)
    page = uow.contracts.open_by_next_action_page(
        window.first_day,
        window.last_day,
        None,
        overdue=window.overdue,
        limit=RENEWALS_PAGE,
        after=after,
    )
    return RenewalList(window, _renewals(uow, page, window.first_day), after is not None)


def notices(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    within_days: int | None = None,
    after: Cursor | None = None,
) -> RenewalList:
    """Everyone's coming notice deadlines (renewal date minus notice), from today to N days
    ahead (90 unless said), soonest first; only contracts that have a notice period."""
    window = renewal_window(_local_today(actor, now), within_days=within_days)
    window = RenewalWindow(window.first_day, window.last_day, overdue=False)
    page = uow.contracts.open_notices_page(
        window.first_day, window.last_day, limit=RENEWALS_PAGE, after=after
    )
    return RenewalList(window, _renewals(uow, page, window.first_day), after is not None)


def stale(
    uow: UnitOfWork, now: datetime, owner_id: str | None, *, after: Cursor | None = None
) -> Page[Account]:
    """Live accounts past their cadence, longest overdue first."""
    return uow.accounts.stale_page(
        now, owner_id, limit=LIST_PAGE, count_cap=STALE_COUNTED, after=after
    )


def home(uow: UnitOfWork, actor: Actor, now: datetime) -> HomeData:
    """The caller's overdue follow-ups, the rest of this week's, renewals in 90 days, stale
    accounts: a page of each."""
    me = actor.user_id
    week_end = _end_of(actor, now, this_week=True)
    return HomeData(
        overdue=_with_accounts(
            uow, uow.follow_ups.open_page(owner_id=me, due_before=now, limit=HOME_PAGE)
        ),
        due_this_week=_with_accounts(
            uow,
            uow.follow_ups.open_page(
                owner_id=me, due_from=now, due_before=week_end, limit=HOME_PAGE
            ),
        ),
        renewals=_by_next_action(uow, _local_today(actor, now), me, limit=HOME_PAGE),
        stale=uow.accounts.stale_page(now, me, limit=HOME_PAGE, count_cap=STALE_COUNTED),
        to_look_at=_to_look_at(uow, actor, now),
    )


HOME_LOOK_AT = 5  # accounts to look at on Home; `accounts by health` lists them all


def _to_look_at(uow: UnitOfWork, actor: Actor, now: datetime) -> Page[ScoredAccount]:
    """The caller's accounts not healthy, worst first (none when the score is off)."""
    mine, health = health_of_listed(
        uow, AccountFilter(owner_id=actor.user_id), now, _local_today(actor, now)
    )
    worrying = sorted(
        (
            ScoredAccount(account, health[account.id])
            for account in mine
            if account.id in health and health[account.id].band is not HealthBand.HEALTHY
        ),
        key=lambda scored: (scored.health.score, scored.account.key),
    )
    return Page(worrying[:HOME_LOOK_AT], len(worrying))


PICKER_LIMIT = 100  # Slack shows at most 100 options


def accounts_for_picker(uow: UnitOfWork, typed: str) -> list[Account]:
    """Live accounts for the modal's picker: those matching what is typed, best first."""
    typed = storable(typed)
    if not name_key(typed):
        return uow.accounts.search("", include_archived=False, limit=PICKER_LIMIT)
    return find_accounts(uow, typed).accounts[:PICKER_LIMIT]
