"""What planning needs, read from one workspace: the items that can be due, their owners'
settings.

A pass reads only what can be due at its instant (``due_items``: ids through the indexes on
due, renewal, notice and next-touch dates), then loads and plans them a chunk at a time, so
its time and memory follow the due items, not the size of the workspace.

Reading is database-only. Owners' Slack profiles (their zone, whether they are still in the
workspace) are refreshed before planning, between transactions, when a day old
(``profiles_to_refresh`` and ``ask_slack``); an owner Slack has never told us about and
would not answer for now is ``waiting``: their items are planned in a later pass, never in
the wrong zone.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.domain import (
    Account,
    Contract,
    FollowUp,
    SlackProfile,
    UserPreferences,
    Watch,
    Workspace,
)
from bot.notify import NotifyEvent
from bot.nudges.model import OwnerSettings, PlanningInput
from bot.nudges.planning import ESCALATE_RENEWAL_WITHIN_DAYS, NOTICE_STEPS
from bot.ports import Directory, UnitOfWork
from bot.services.people import EPOCH, PROFILE_TTL

logger = logging.getLogger(__name__)

_DAY = timedelta(days=1)
# More stale profiles than this are read with one paged users.list (Tier 2, 200 a page)
# rather than a users.info each (Tier 4): a workspace's whole morning in a few calls.
BULK_LOOKUP_ABOVE = 20
# How long after an outcome is recorded its watchers may still be told of it (a digest after
# a long weekend, or a pass missed while the bot was down, still tells it once).
OUTCOME_NEWS_FOR = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class DueItems:
    """What can be due at this pass, as (id, owner) pairs: follow-ups due by the end of
    anyone's today, open contracts whose ladder or notice step can be reached, accounts past
    their next touch, contracts of watched accounts whose outcome was recorded lately; and
    who watches the accounts of those contracts. Ids only — small, read once; the items are
    loaded a chunk at a time."""

    follow_ups: list[tuple[int, str]]
    contracts: list[tuple[int, str | None]]  # the account's owner
    stale: list[tuple[int, str | None]]
    outcomes: list[tuple[int, str | None]] = field(default_factory=list)
    watchers: frozenset[str] = frozenset()

    def owners(self) -> set[str]:
        """Everyone these items may tell something: owners and watchers."""
        pairs = [*self.follow_ups, *self.contracts, *self.stale, *self.outcomes]
        return {o for _i, o in pairs if o} | self.watchers

    def without(self, waiting: Collection[str]) -> DueItems:
        """The items whose owner is not ``waiting`` for Slack, and the watchers who are not."""
        if not waiting:
            return self
        return DueItems(
            [(i, o) for i, o in self.follow_ups if o not in waiting],
            [(i, o) for i, o in self.contracts if o not in waiting],
            [(i, o) for i, o in self.stale if o not in waiting],
            [(i, o) for i, o in self.outcomes if o not in waiting],
            self.watchers - frozenset(waiting),
        )

    def chunks(self, size: int) -> Iterator[DueItems]:
        """Consecutive slices of at most ``size`` items in all (follow-ups first); every chunk
        knows the watchers."""
        first = len(self.follow_ups)
        second = first + len(self.contracts)
        third = second + len(self.stale)
        for start in range(0, third + len(self.outcomes), size):
            end = start + size
            yield DueItems(
                self.follow_ups[start:end],
                self.contracts[max(start - first, 0) : max(end - first, 0)],
                self.stale[max(start - second, 0) : max(end - second, 0)],
                self.outcomes[max(start - third, 0) : max(end - third, 0)],
                self.watchers,
            )


@dataclass(frozen=True, slots=True)
class OpenItems:
    """One chunk of items that can be due: follow-ups, open contracts (with their
    accounts), accounts past their cadence, outcomes lately recorded, who watches what."""

    follow_ups: list[FollowUp]
    contracts: list[Contract]
    accounts: dict[int, Account]  # the contracts' accounts, by id
    stale: list[Account]
    outcomes: list[Contract] = field(default_factory=list)
    watchers: dict[int, list[Watch]] = field(default_factory=dict)  # by account id


def horizons(workspace: Workspace, now: datetime) -> tuple[datetime, date, date]:
    """How far ahead anything can be due at ``now``: (follow-ups due before, contracts
    renewing on or before, notice deadlines on or before).

    Every zone's today ends within a day of ``now``, and its date is at most the UTC date
    after ``now``'s; a renewal is due from its largest ladder step (or the escalation window,
    whichever is longer), a notice deadline from its largest step on (and once passed)."""
    last_day = (now.astimezone(UTC) + _DAY).date()
    reach = max((*workspace.renewal_ladder, ESCALATE_RENEWAL_WITHIN_DAYS))
    return now + _DAY, last_day + timedelta(days=reach), last_day + timedelta(max(NOTICE_STEPS))


def due_items(uow: UnitOfWork, now: datetime) -> DueItems:
    """The ids (and owners) of everything that can be due at ``now``, through the indexes on
    due dates, renewal dates, notice deadlines and next-touch dates, and the watchers of
    the contracts among them; nothing else is read."""
    follow_ups_before, renewals_by, notices_by = horizons(uow.workspaces.get_or_create(now), now)
    contracts = uow.contracts.open_due_ids(renewals_by, notices_by)
    # A channel that hears every outcome needs them all, not only the watched accounts'.
    heard = any(r.event is NotifyEvent.OUTCOME_RECORDED for r in uow.notify_rules.all())
    outcomes = uow.watchers.outcome_ids_since(now - OUTCOME_NEWS_FOR, watched_only=not heard)
    return DueItems(
        follow_ups=uow.follow_ups.open_due_before_ids(follow_ups_before),
        contracts=contracts,
        stale=uow.accounts.stale_ids(now),
        outcomes=outcomes,
        watchers=frozenset(uow.watchers.watching_contracts(i for i, _o in contracts + outcomes)),
    )


def load_items(uow: UnitOfWork, chunk: DueItems) -> OpenItems:
    """The items of one chunk as they stand now (planning re-checks what changed since)."""
    contracts = uow.contracts.by_ids([i for i, _o in chunk.contracts])
    outcomes = uow.contracts.by_ids([i for i, _o in chunk.outcomes])
    watched = {c.account_id for c in [*contracts, *outcomes]}
    accounts = uow.accounts.by_ids([*watched, *(i for i, _o in chunk.stale)])
    stale_ids = {i for i, _o in chunk.stale}
    watchers = {
        account_id: kept
        for account_id, watches in uow.watchers.for_accounts(watched).items()
        if (kept := [w for w in watches if w.user_id in chunk.watchers])
    }
    return OpenItems(
        follow_ups=uow.follow_ups.by_ids([i for i, _o in chunk.follow_ups]),
        contracts=[c for c in contracts if c.account_id in accounts and c.outcome is None],
        accounts=accounts,
        stale=[a for i, a in accounts.items() if i in stale_ids],
        outcomes=[c for c in outcomes if c.account_id in accounts and c.outcome is not None],
        watchers=watchers,
    )


def owner_ids(items: DueItems, admins: Collection[str]) -> set[str]:
    """Everyone the due items (and the admins) may need to be told about."""
    return items.owners() | set(admins)


def profiles_to_refresh(uow: UnitOfWork, user_ids: Collection[str], wall: datetime) -> list[str]:
    """The users whose cached Slack profile is missing or a day old (on the real clock)."""
    return sorted(
        u for u in user_ids if uow.users.cached_profile(u, fresh_after=wall - PROFILE_TTL) is None
    )


def ask_slack(directory: Directory, user_ids: list[str]) -> dict[str, SlackProfile]:
    """Slack's profiles of these users, as far as it answers (call outside any transaction).
    A user it does not know comes back deleted; one it did not answer for is left out."""
    if len(user_ids) <= BULK_LOOKUP_ABOVE:
        return {u: p for u in user_ids if (p := directory.profile(u)) is not None}
    members = {m.user_id: m for m in directory.members()}
    if not members:  # users.list failed: no answer, rather than everyone gone
        return {}
    return {u: members.get(u) or SlackProfile(user_id=u, deleted=True) for u in user_ids}


def owner_settings(
    uow: UnitOfWork,
    user_id: str,
    fallback: str,
    answered: Mapping[str, SlackProfile] | None = None,
) -> OwnerSettings:
    """The owner's zone and preferences, from their settings and Slack's profile: the one
    it ``answered`` in this pass, else the cached one."""
    preferences = uow.users.preferences(user_id)
    slack = (answered or {}).get(user_id) or uow.users.cached_profile(user_id, fresh_after=EPOCH)
    if slack is not None and slack.deleted:
        return OwnerSettings(user_id=user_id, timezone=fallback, active=False)
    chosen = preferences or UserPreferences(team_id=uow.team_id, user_id=user_id)
    zone = chosen.timezone or (slack.timezone if slack else None) or fallback
    return OwnerSettings(
        user_id=user_id,
        timezone=zone,
        digest_time=chosen.digest_time,
        mode=chosen.nudge_mode,
        workdays=chosen.workdays,
        hours_start=chosen.hours_start,
        hours_end=chosen.hours_end,
    )


def waiting_for_slack(
    uow: UnitOfWork, user_ids: Collection[str], answered: Mapping[str, SlackProfile]
) -> frozenset[str]:
    """Owners nobody has told us anything about (no setting, no profile ever) and for whom
    Slack did not answer now: planning leaves their items for a later pass."""
    return frozenset(
        u
        for u in user_ids
        if u not in answered
        and uow.users.cached_profile(u, fresh_after=EPOCH) is None
        and not (uow.users.preferences(u) or UserPreferences(uow.team_id, u)).timezone
    )


def planning_input(
    uow: UnitOfWork,
    now: datetime,
    *,
    admins: frozenset[str],
    items: OpenItems,
    owners: dict[str, OwnerSettings],
    answered: Mapping[str, SlackProfile] | None = None,
    default_timezone: str = "UTC",
) -> PlanningInput:
    """One chunk's items and its people. ``owners`` caches settings across chunks: each
    owner's are read once a pass."""
    workspace = uow.workspaces.get_or_create(now)
    contracts, accounts = items.contracts, items.accounts
    rules = tuple(uow.notify_rules.all())
    follow_up_accounts: dict[int, Account] = {}
    if any(r.event is NotifyEvent.FOLLOW_UP_OVERDUE for r in rules):
        follow_up_accounts = uow.accounts.by_ids({f.account_id for f in items.follow_ups})
    named = {f.owner_id for f in items.follow_ups} | set(admins)
    named |= {a.owner.user_id for a in [*accounts.values(), *items.stale] if a.owner.user_id}
    named |= {w.user_id for watches in items.watchers.values() for w in watches}
    for user_id in sorted(named - owners.keys()):
        owners[user_id] = owner_settings(uow, user_id, default_timezone, answered)
    return PlanningInput(
        team_id=uow.team_id,
        now=now,
        workspace=workspace,
        admins=admins,
        owners={u: owners[u] for u in sorted(named)},
        follow_ups=items.follow_ups,
        contracts=[(c, accounts[c.account_id]) for c in contracts],
        accounts=items.stale,
        renewal_snoozed_until={
            c.id: c.nudges_snoozed_until for c in contracts if c.nudges_snoozed_until
        },
        stale_snoozed_until={
            a.id: a.stale_snoozed_until for a in items.stale if a.stale_snoozed_until
        },
        default_timezone=default_timezone,
        watchers=items.watchers,
        outcomes=[(c, accounts[c.account_id]) for c in items.outcomes],
        notify_rules=rules,
        follow_up_accounts=follow_up_accounts,
    )
