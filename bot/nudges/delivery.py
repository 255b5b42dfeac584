"""One scheduler pass: reap expired leases, plan, deliver — each item and occasion once.

Planning inserts ledger rows with a unique key per occasion, so every replica may plan at
once. Delivery claims all of one recipient's due rows as one unit under a lease and commits
before Slack is called; right before each post it makes sure at least half the lease is
left (renewing it otherwise, and posting only if it still held it); it marks them sent only
while it holds it. A post Slack refuses for now (429,
5xx, the network) gives the rows back to wait on real time — Slack's Retry-After, else a
backoff — and they stay pending until Slack recovers; only after ``GIVE_UP_AFTER`` of
failures (or an error no retry can fix) are they ``failed``, and the admins are told.
Leases and retries run on real (wall-clock) time; ``planning_now`` — which ``--now`` moves —
only decides what is due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain import (
    Account,
    AccountStatus,
    Actor,
    Contract,
    FollowUp,
    FollowUpStatus,
    Interaction,
    SlackProfile,
)
from bot.health import HealthBand
from bot.notify import NotifyEvent
from bot.nudges.gather import (
    DueItems,
    ask_slack,
    due_items,
    load_items,
    owner_ids,
    planning_input,
    profiles_to_refresh,
    waiting_for_slack,
)
from bot.nudges.model import (
    SYSTEM_ACTOR,
    DeliveryFailed,
    ItemKind,
    LedgerEntry,
    NudgeKind,
    NudgeStatus,
    Occasion,
    OwnerSettings,
    PlanningInput,
)
from bot.nudges.planning import NOTIFY_AT_RISK_FOR, orphans_with_nowhere_to_go, plan, zone_named
from bot.nudges.weekly import report_channel, report_occasion
from bot.ports import Directory, UnitOfWork
from bot.services import contracts
from bot.services.health import BAND_CHECK_EVERY, keep_bands, score_workspace
from bot.services.team_report import TeamReport, build_report

logger = logging.getLogger(__name__)

UnitsFor = Callable[..., AbstractContextManager[UnitOfWork]]
LEASE = timedelta(minutes=2)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A failed post is retried after FIRST_RETRY, doubling up to LONGEST_WAIT (or after Slack's
# Retry-After), for GIVE_UP_AFTER; then it is failed and the admins are told.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
GIVE_UP_AFTER = timedelta(hours=24)
# Each item takes three blocks (line, context, buttons); with a header and five section
# titles, twelve items stay within a message's 50 blocks, so nothing is ever cut.
ITEMS_PER_MESSAGE = 12
# Items planned per unit of work: memory stays flat however many are due.
PLANNING_CHUNK = 500
# Occasions that open within this are planned before they open (09:00's digests at 08:55):
# at 09:00 delivery starts at once, Slack's profiles already asked for, nothing left to read.
PLAN_AHEAD = timedelta(minutes=5)


class NudgeSender(Protocol):
    """Slack, as delivery needs it: a DM to a user or a post in a channel."""

    def send(self, recipient: str, text: str, blocks: list[dict[str, object]]) -> tuple[str, str]:
        """Post and return (channel id, message ts); raise DeliveryFailed."""
        ...


class WeeklyReporter(Protocol):
    """Slack, as the weekly team report needs it: its chart drawn and uploaded, and posted."""

    def post(self, channel: str, report: TeamReport) -> tuple[str, str]:
        """Post ``report`` to ``channel``; return (channel id, message ts); raise
        DeliveryFailed. Called outside any transaction."""
        ...


class NudgeRenderer(Protocol):
    def __call__(
        self, items: Sequence[NudgeItem], recipient: str, zone: ZoneInfo, now: datetime
    ) -> tuple[str, list[dict[str, object]]]: ...


@dataclass(frozen=True, slots=True)
class NudgeItem:
    """A claimed ledger row with the item as it stands at delivery."""

    entry: LedgerEntry
    account: Account
    follow_up: FollowUp | None = None
    contract: Contract | None = None
    last_touch: Interaction | None = None


@dataclass(frozen=True, slots=True)
class Preview:
    """`nudge --dry-run`: the occasions due now, what became of each so far, who is who."""

    team_id: str
    now: datetime
    occasions: list[tuple[Occasion, NudgeStatus | None]]
    names: dict[str, str]  # recipient id → display name, where known


@dataclass
class PassReport:
    planned: int = 0
    auto_renewed: int = 0
    reaped: int = 0
    messages: int = 0
    delivered: int = 0
    skipped: int = 0
    failed: int = 0
    lost_leases: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: PassReport) -> None:
        """Count in what another sender of the same pass did."""
        for name in ("messages", "delivered", "skipped", "failed", "lost_leases"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The rows a batch of ledger entries names, read with a fixed number of queries."""

    follow_ups: Mapping[int, FollowUp]
    contracts: Mapping[int, Contract]
    accounts: Mapping[int, Account]
    open_contracts: Mapping[int, Contract]  # by account: the new term of an auto-renewed one
    last_touches: Mapping[int, Interaction]  # by account
    notify_rules: frozenset[int] = frozenset()  # the ids of the channel notify rules there are

    @classmethod
    def of(cls, uow: UnitOfWork, entries: Sequence[LedgerEntry]) -> _Loaded:
        def ids(kind: ItemKind) -> list[int]:
            return [e.item_id for e in entries if e.item_kind is kind]

        follow_ups = {f.id: f for f in uow.follow_ups.by_ids(ids(ItemKind.FOLLOW_UP))}
        contracts = {c.id: c for c in uow.contracts.by_ids(ids(ItemKind.CONTRACT))}
        touched = {c.account_id for c in contracts.values()} | set(ids(ItemKind.ACCOUNT))
        accounts = uow.accounts.by_ids({f.account_id for f in follow_ups.values()} | touched)
        renewed = {c.account_id for c in contracts.values() if c.outcome is not None}
        return cls(
            follow_ups=follow_ups,
            contracts=contracts,
            accounts=accounts,
            open_contracts=uow.contracts.open_for_accounts(renewed),
            last_touches=uow.interactions.latest_for_accounts(touched),
            notify_rules=(
                frozenset(r.id for r in uow.notify_rules.all())
                if any("rule" in e.details for e in entries)
                else frozenset()
            ),
        )


def current_items(
    uow: UnitOfWork, entries: Sequence[LedgerEntry], now: datetime
) -> list[NudgeItem | str]:
    """Each entry's item to nudge about now, or why it no longer needs a nudge."""
    loaded = _Loaded.of(uow, entries)
    return [_current(entry, loaded, now) for entry in entries]


def current_item(uow: UnitOfWork, entry: LedgerEntry, now: datetime) -> NudgeItem | str:
    """The item to nudge about now, or why it no longer needs a nudge."""
    return current_items(uow, [entry], now)[0]


def _current(entry: LedgerEntry, loaded: _Loaded, now: datetime) -> NudgeItem | str:
    rule = entry.details.get("rule")
    if rule is not None and rule not in loaded.notify_rules:
        return "notify rule removed"
    if entry.item_kind is ItemKind.FOLLOW_UP:
        follow_up = loaded.follow_ups.get(entry.item_id)
        if follow_up is None:
            return "deleted"
        if follow_up.status is not FollowUpStatus.OPEN:
            return f"already {follow_up.status.value}"
        if entry.kind is NudgeKind.FOLLOW_UP_OVERDUE and follow_up.effective_due >= now:
            return "snoozed"
        account = loaded.accounts.get(follow_up.account_id)
        return NudgeItem(entry, account, follow_up=follow_up) if account else "deleted"
    if entry.item_kind is ItemKind.CONTRACT:
        contract = loaded.contracts.get(entry.item_id)
        if contract is None:
            return "deleted"
        news = entry.kind in (NudgeKind.AUTO_RENEWED, NudgeKind.OUTCOME_RECORDED)
        if contract.outcome is not None and not news:
            return f"outcome recorded: {contract.outcome.value}"
        if contract.outcome is None and news and (entry.details.get("watching") or rule):
            return "outcome taken back"  # news of an outcome `undo` took back
        account = loaded.accounts.get(contract.account_id)
        if account is None:
            return "deleted"
        if contract.outcome is not None and entry.kind is NudgeKind.AUTO_RENEWED:
            contract = loaded.open_contracts.get(account.id) or contract  # the new term
        last = loaded.last_touches.get(account.id)
        return NudgeItem(entry, account, contract=contract, last_touch=last)
    account = loaded.accounts.get(entry.item_id)
    if account is None:
        return "deleted"
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.AT_RISK):
        return f"account {account.status.label}"
    if entry.kind is NudgeKind.ENTERED_AT_RISK:  # news of its health, touched or not
        return NudgeItem(entry, account, last_touch=loaded.last_touches.get(account.id))
    if account.next_touch_due >= now:
        return "touched since"
    return NudgeItem(entry, account, last_touch=loaded.last_touches.get(account.id))


@dataclass
class NudgePass:
    """Everything a pass needs; ``run`` does one pass over the given workspaces."""

    units: UnitsFor
    wall: Clock  # real time: leases, timestamps
    sender: NudgeSender
    render: NudgeRenderer
    worker: str
    admins: frozenset[str] = frozenset()
    directory: Directory | None = None
    lease: timedelta = LEASE
    # Recipients delivered to at once, each with its own claim, lease and transactions (as
    # replicas do): Slack's round trips and the database's commits overlap.
    senders: int = 1
    plan_ahead: timedelta = PLAN_AHEAD
    reporter: WeeklyReporter | None = None  # None: weekly reports wait for a pass that has one

    def run(self, team_ids: Sequence[str], planning_now: datetime) -> PassReport:
        report = PassReport()
        for team_id in team_ids:
            self._reap(team_id, report)
            self._check_health(team_id, planning_now)
            self._plan(team_id, planning_now, report)
            self._plan_report(team_id, planning_now, report)
            self._plan_health_news(team_id, planning_now, report)
            self._deliver(team_id, planning_now, report)
        return report

    def preview(self, team_id: str, planning_now: datetime) -> Preview:
        """What is due now, and why, with what became of each so far (nothing is written)."""
        found: list[tuple[Occasion, NudgeStatus | None]] = []
        names: dict[str, str] = {}
        for data in self._planning_inputs(team_id, planning_now, dry_run=True):
            occasions = plan(data).occasions
            with self.units(team_id, dry_run=True) as uow:
                known = uow.nudges.statuses([o.key for o in occasions])
                for recipient in {o.recipient for o in occasions} - names.keys():
                    profile = uow.users.cached_profile(recipient, fresh_after=_EPOCH)
                    if profile and profile.display_name:
                        names[recipient] = profile.display_name
            found += [(o, known.get(o.key)) for o in occasions]
        found.sort(key=lambda pair: _plan_order(pair[0]))
        return Preview(team_id, planning_now, found, names)

    def _reap(self, team_id: str, report: PassReport) -> None:
        with self.units(team_id) as uow:
            report.reaped += uow.nudges.reap(self.wall.now())

    def _plan_report(self, team_id: str, now: datetime, report: PassReport) -> None:
        """The week's team report, once it is due (``bot.nudges.weekly``)."""
        with self.units(team_id) as uow:
            occasion = report_occasion(uow.workspaces.get_or_create(now), now)
            if occasion is not None:
                report.planned += uow.nudges.record([occasion], self.wall.now())

    def _plan_health_news(self, team_id: str, now: datetime, report: PassReport) -> None:
        """Accounts whose kept band entered "at risk" lately, for the channels whose rules ask
        to hear it: planned on their own, since they are news of the workspace, not due items."""
        with self.units(team_id) as uow:
            rules = tuple(
                rule for rule in uow.notify_rules.all() if rule.event is NotifyEvent.ACCOUNT_AT_RISK
            )
            if not rules:
                return
            entered = uow.health_bands.entered(HealthBand.AT_RISK, now - NOTIFY_AT_RISK_FOR)
            accounts = uow.accounts.by_ids(band.account_id for band in entered)
            data = PlanningInput(
                team_id=team_id,
                now=now,
                workspace=uow.workspaces.get_or_create(now),
                admins=self.admins,
                owners={},
                follow_ups=(),
                contracts=(),
                accounts=(),
                notify_rules=rules,
                entered_at_risk=tuple(
                    (accounts[band.account_id], band.since)
                    for band in entered
                    if band.account_id in accounts
                ),
            )
            occasions = plan(data).occasions
            if occasions:
                report.planned += uow.nudges.record(occasions, self.wall.now())

    def _check_health(self, team_id: str, now: datetime) -> None:
        """Keep the accounts' health bands, about hourly (one replica claims each check): the
        scores are read in a unit that writes nothing, then the changed bands written in a
        short one, so the workspace's own writes never wait for the scoring."""
        with self.units(team_id) as uow:
            if not uow.workspaces.claim_health_check(now, BAND_CHECK_EVERY):
                return
        with self.units(team_id, dry_run=True) as uow:
            scored = score_workspace(uow, now, now.astimezone(UTC).date())
        with self.units(team_id) as uow:
            entered = keep_bands(uow, scored)
        if entered:
            logger.info("health bands changed", extra={"team_id": team_id, "changed": len(entered)})

    def _due(
        self, team_id: str, now: datetime, *, dry_run: bool
    ) -> tuple[DueItems, dict[str, SlackProfile]]:
        """What can be due, and what Slack said now about owners whose profile is a day old:
        asked between two transactions (never inside one) and kept (in a ``dry_run``, only
        for this preview). Items of owners Slack has never told us about wait."""
        with self.units(team_id, dry_run=dry_run) as uow:
            due = due_items(uow, now)
            stale = (
                profiles_to_refresh(uow, owner_ids(due, self.admins), self.wall.now())
                if self.directory is not None
                else []
            )
        if not stale:
            return due, {}
        assert self.directory is not None
        answered = ask_slack(self.directory, stale)
        with self.units(team_id, dry_run=dry_run) as uow:
            for profile in answered.values():
                uow.users.save_profile(profile, self.wall.now())
            waiting = waiting_for_slack(uow, stale, answered)
        if waiting:
            logger.warning(
                "owners Slack has not told us about yet; their items wait for a later pass",
                extra={"team_id": team_id, "owners": sorted(waiting)[:20]},
            )
        return due.without(waiting), answered

    def _planning_inputs(
        self, team_id: str, now: datetime, *, dry_run: bool = False
    ) -> Iterator[PlanningInput]:
        """What planning needs, a chunk of due items at a time, each read in a unit of work
        of its own; every owner's settings are read once a pass."""
        due, answered = self._due(team_id, now, dry_run=dry_run)
        owners: dict[str, OwnerSettings] = {}
        for chunk in due.chunks(PLANNING_CHUNK):
            with self.units(team_id, dry_run=dry_run) as uow:
                items = load_items(uow, chunk)
                data = planning_input(
                    uow, now, admins=self.admins, items=items, owners=owners, answered=answered
                )
            yield data

    def _plan(self, team_id: str, now: datetime, report: PassReport) -> None:
        """Plan what is due at ``now``, and what opens within ``plan_ahead`` (read once, at
        the later instant's horizons, a superset: planning drops what is not due)."""
        stranded: list[str] = []
        count = 0
        for ahead in self._planning_inputs(team_id, now + self.plan_ahead):
            data = replace(ahead, now=now)
            planned = plan(data)
            occasions = planned.occasions + self._ahead_of(planned.occasions, ahead, now)
            found = orphans_with_nowhere_to_go(data)
            count += len(found)
            stranded += found[: 20 - len(stranded)]
            for contract_id in planned.auto_renewals:
                self._auto_renew(team_id, contract_id, now, report)
            with self.units(team_id) as uow:
                report.planned += uow.nudges.record(occasions, self.wall.now())
        if stranded:
            logger.warning(
                "items without an active owner and nowhere to escalate: set an escalation "
                "channel (/crm settings workspace escalation #channel) or RAPPORT_ADMINS",
                extra={"team_id": team_id, "items": stranded, "count": count},
            )

    def _ahead_of(
        self, planned: list[Occasion], ahead: PlanningInput, now: datetime
    ) -> list[Occasion]:
        """The occasions that open after ``now`` and by ``ahead.now``, recorded early (their
        ``deliver_after`` holds them until then). Not an auto-renewal's news: the contract
        rolls forward in the pass that tells it."""
        if self.plan_ahead <= timedelta(0):
            return []
        known = {occasion.key for occasion in planned}
        return [
            occasion
            for occasion in plan(ahead).occasions
            if occasion.deliver_after > now
            and occasion.kind is not NudgeKind.AUTO_RENEWED
            and occasion.key not in known
        ]

    def _auto_renew(
        self, team_id: str, contract_id: int, now: datetime, report: PassReport
    ) -> None:
        # Replicas may try the same roll-forward: the one-open-contract-per-account index
        # lets only one of them commit; the others roll back here and move on.
        try:
            with self.units(team_id) as uow:
                contract = uow.contracts.get(contract_id)
                if contract is None or contract.outcome is not None:
                    return
                account = uow.accounts.get(contract.account_id)
                assert account is not None
                actor = Actor(team_id=team_id, user_id=SYSTEM_ACTOR)
                contracts.record_outcome(
                    uow, actor, now, account=account, renewed=True, contract=contract
                )
            report.auto_renewed += 1
        except Exception as error:  # a concurrent roll-forward won; nothing is lost
            logger.info("auto-renewal skipped", extra={"contract": contract_id, "why": str(error)})

    def _deliver(self, team_id: str, now: datetime, report: PassReport) -> None:
        if self.senders <= 1:
            self._deliver_in_turn(team_id, now, report)
            return
        parts = [PassReport() for _ in range(self.senders)]
        with ThreadPoolExecutor(self.senders, thread_name_prefix="nudge-sender") as pool:
            done = [pool.submit(self._deliver_in_turn, team_id, now, part) for part in parts]
        for future, part in zip(done, parts, strict=True):
            future.result()  # a sender's exception is the pass's
            report.add(part)

    def _deliver_in_turn(self, team_id: str, now: datetime, report: PassReport) -> None:
        """Claim the next waiting recipient and send theirs, until none is waiting."""
        while True:
            wall = self.wall.now()
            # The claim and the read of what it names share one transaction (committed
            # before Slack is called): one commit per recipient rather than two.
            lease = _Lease(until=wall + self.lease)
            with self.units(team_id) as uow:
                batch = uow.nudges.claim_next(
                    due_by=now, wall_now=wall, worker=self.worker, lease_until=lease.until
                )
                if not batch:
                    return
                channel = report_channel(batch[0].recipient)
                items = [] if channel else self._still_due(uow, batch, now, report)
                zone = self._zone(uow, batch[0].recipient)
            if channel is not None:
                self._send_report(team_id, channel, batch, now, lease, report)
            else:
                self._send_batch(team_id, batch[0].recipient, items, zone, now, lease, report)

    def _send_report(
        self,
        team_id: str,
        channel: str,
        entries: list[LedgerEntry],
        now: datetime,
        lease: _Lease,
        report: PassReport,
    ) -> None:
        """Post the week's report (one claimed row, or a few weeks' left over: one post says
        them all, as it stands now). Without a reporter the rows wait for a pass with one."""
        recipient = entries[0].recipient
        if self.reporter is None:
            failure = DeliveryFailed("no_reporter", retryable=True)
            self._give_back(team_id, recipient, entries, failure, report)
            return
        ids = [entry.id for entry in entries]
        with self.units(team_id) as uow:
            held = uow.nudges.renew_lease(
                ids, worker=self.worker, wall_now=self.wall.now(), lease_until=lease.until
            )
        if held < len(ids):
            report.lost_leases += len(ids)
            return
        with self.units(team_id, dry_run=True) as uow:
            zone = zone_named(uow.workspaces.get_or_create(now).report_timezone)
            built = build_report(uow, now, zone)
        try:
            posted_to, ts = self.reporter.post(channel, built)
        except DeliveryFailed as failure:
            self._give_back(team_id, recipient, entries, failure, report)
            return
        with self.units(team_id) as uow:
            marked = uow.nudges.mark_sent(
                ids, worker=self.worker, channel_id=posted_to, message_ts=ts, at=self.wall.now()
            )
        report.messages += 1
        report.delivered += marked
        logger.info("weekly report sent", extra={"team_id": team_id, "channel": channel})

    def _still_due(
        self, uow: UnitOfWork, batch: list[LedgerEntry], now: datetime, report: PassReport
    ) -> list[NudgeItem]:
        """The claimed items as they stand; those that changed since planning are skipped."""
        items: list[NudgeItem] = []
        gone: dict[str, list[int]] = {}
        for entry, current in zip(batch, current_items(uow, batch, now), strict=True):
            if isinstance(current, str):
                gone.setdefault(current, []).append(entry.id)
            else:
                items.append(current)
        for why, ids in gone.items():
            uow.nudges.skip(ids, worker=self.worker, why=why)
            report.skipped += len(ids)
        return items

    def _send_batch(
        self,
        team_id: str,
        recipient: str,
        items: list[NudgeItem],
        zone: ZoneInfo,
        now: datetime,
        lease: _Lease,
        report: PassReport,
    ) -> None:
        # One message holds what fits Slack's 50 blocks; more items go out as more messages,
        # each marked sent only once it went. When Slack refuses one, the rest wait with it.
        chunks = [items[i : i + ITEMS_PER_MESSAGE] for i in range(0, len(items), ITEMS_PER_MESSAGE)]
        for index, chunk in enumerate(chunks):
            failure = self._send_chunk(team_id, recipient, chunk, zone, now, lease, report)
            if failure is not None:
                self._give_back(team_id, recipient, [i.entry for i in chunk], failure, report)
                rest = [item for later in chunks[index + 1 :] for item in later]
                if rest:
                    self._give_back(team_id, recipient, [i.entry for i in rest], failure, report)
                return

    def _send_chunk(
        self,
        team_id: str,
        recipient: str,
        items: list[NudgeItem],
        zone: ZoneInfo,
        now: datetime,
        lease: _Lease,
        report: PassReport,
    ) -> DeliveryFailed | None:
        """Post one message, if this worker still holds its rows; None unless Slack refused."""
        ids = [item.entry.id for item in items]
        text, blocks = self.render(items, recipient, zone, now)
        wall = self.wall.now()  # the lease is checked right before the post, nothing between
        held = len(ids)
        if wall >= lease.until - self.lease / 2:  # less than half of it left: renew it
            with self.units(team_id) as uow:
                held = uow.nudges.renew_lease(
                    ids, worker=self.worker, wall_now=wall, lease_until=wall + self.lease
                )
            lease.until = wall + self.lease
        if held < len(ids):
            # The lease ran out (this worker stalled) and another may be sending them now.
            report.lost_leases += len(ids)
            logger.warning(
                "lease lost before posting; left to the worker that holds it",
                extra={"team_id": team_id, "recipient": recipient, "items": len(ids)},
            )
            return None
        try:
            channel, ts = self.sender.send(recipient, text, blocks)
        except DeliveryFailed as failure:
            return failure
        with self.units(team_id) as uow:
            marked = uow.nudges.mark_sent(
                ids, worker=self.worker, channel_id=channel, message_ts=ts, at=self.wall.now()
            )
        report.messages += 1
        report.delivered += marked
        report.lost_leases += len(ids) - marked
        logger.info(
            "nudge sent",
            extra={"team_id": team_id, "recipient": recipient, "items": len(ids), "ts": ts},
        )
        return None

    def _give_back(
        self,
        team_id: str,
        recipient: str,
        entries: list[LedgerEntry],
        failure: DeliveryFailed,
        report: PassReport,
    ) -> None:
        """Rows Slack would not take: pending again after a wait on real time, or — after a
        day of failures, or an error no retry fixes — failed, and the admins told."""
        wall = self.wall.now()
        failing_since = min((e.failing_since for e in entries if e.failing_since), default=wall)
        give_up = not failure.retryable or wall - failing_since >= GIVE_UP_AFTER
        wait = retry_wait(max(e.attempts for e in entries), failure.retry_after)
        with self.units(team_id) as uow:
            uow.nudges.release_failed(
                [e.id for e in entries],
                worker=self.worker,
                error=failure.error,
                give_up=give_up,
                at=wall,
                retry_after=wall + wait,
            )
        report.errors.append(failure.error)
        logger.warning(
            "nudge not delivered",
            extra={
                "team_id": team_id,
                "recipient": recipient,
                "items": len(entries),
                "error": failure.error,
                "given_up": give_up,
                "retry_in": None if give_up else wait.total_seconds(),
            },
        )
        if give_up:
            report.failed += len(entries)
            channel = report_channel(recipient) or recipient
            if channel.startswith(("C", "G")):
                self._ask_admins_about(channel, failure.error)
            else:
                self._report_undelivered(team_id, recipient, len(entries), failure.error)

    def _report_undelivered(self, team_id: str, recipient: str, count: int, error: str) -> None:
        """Nudges a person never got: said in the escalation channel, else to the admins."""
        with self.units(team_id) as uow:
            channel = uow.workspaces.get_or_create(self.wall.now()).escalation_channel
        text = (
            f"I could not deliver {count} reminder{'s' if count != 1 else ''} to "
            f"<@{recipient}> ({error}); they are kept in the nudge ledger as failed. "
            "Check that they are still in the workspace and can receive DMs from me."
        )
        blocks: list[dict[str, object]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        ]
        for target in [channel] if channel else sorted(self.admins):
            try:
                self.sender.send(target, text, blocks)
            except DeliveryFailed as failure:
                logger.error(
                    "could not tell anyone about undelivered nudges",
                    extra={"recipient": recipient, "to": target, "error": failure.error},
                )
        if not channel and not self.admins:
            logger.error(
                "undelivered nudges and no escalation channel or admins to tell",
                extra={"team_id": team_id, "recipient": recipient, "count": count},
            )

    def _ask_admins_about(self, channel: str, error: str) -> None:
        """The escalation channel would not take a post (private, archived, gone): ask the
        admins to invite the bot or pick another channel, rather than fail only in a log."""
        text = (
            f"I could not post escalations or notifications to <#{channel}> ({error}). Please "
            "invite me there (`/invite @Rapport`) or choose another channel with "
            "`/crm settings workspace escalation #channel` (or `… notify #channel when …`). "
            "They stay in the nudge ledger."
        )
        blocks: list[dict[str, object]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        ]
        for admin in sorted(self.admins):
            try:
                self.sender.send(admin, text, blocks)
            except DeliveryFailed as failure:
                logger.warning(
                    "could not tell an admin about the escalation channel",
                    extra={"admin": admin, "error": failure.error},
                )

    @staticmethod
    def _zone(uow: UnitOfWork, recipient: str) -> ZoneInfo:
        preferences = uow.users.preferences(recipient)
        cached = uow.users.cached_profile(recipient, fresh_after=_EPOCH)
        name = (preferences and preferences.timezone) or (cached and cached.timezone) or "UTC"
        return ZoneInfo(name)


@dataclass
class _Lease:
    """Until when this worker holds the rows it claimed (claimed or last renewed + LEASE)."""

    until: datetime


def _plan_order(occasion: Occasion) -> tuple[str, datetime, str, str]:
    """The order ``plan`` sorts occasions in."""
    return (occasion.recipient, occasion.deliver_after, occasion.kind.value, occasion.key)


def retry_wait(attempts: int, retry_after: float | None) -> timedelta:
    """How long a refused post waits: what Slack asked for (a 429's Retry-After), else a
    backoff from FIRST_RETRY doubling per attempt up to LONGEST_WAIT."""
    if retry_after is not None:
        return timedelta(seconds=max(retry_after, 1))
    doublings = min(max(attempts - 1, 0), 16)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_WAIT)
