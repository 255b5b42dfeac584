"""What nudge planning works on and produces. Pure values; no I/O."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from bot.domain import Account, Contract, FollowUp, NudgeMode, Watch, Workspace
from bot.notify import NotifyRule

# Who records what Rapport does by itself (an auto-renewal's roll-forward), in the audit log
# and as a contract's ``outcome_by``.
SYSTEM_ACTOR = "rapport"


class NudgeKind(enum.StrEnum):
    FOLLOW_UP_DUE = "follow_up_due"  # due today
    FOLLOW_UP_OVERDUE = "follow_up_overdue"  # in every digest until closed or snoozed
    RENEWAL_STEP = "renewal_step"  # N days before the renewal date (the workspace's ladder)
    NOTICE_STEP = "notice_step"  # 14, 7, 1 days before the notice deadline
    NOTICE_PASSED = "notice_passed"  # said once
    RECORD_OUTCOME = "record_outcome"  # renewal date reached, no outcome: every day until one
    AUTO_RENEWED = "auto_renewed"  # an auto-renew contract rolled forward by itself
    OUTCOME_RECORDED = "outcome_recorded"  # to watchers: renewed / churned / cancelled, by whom
    WEEKLY_REPORT = "weekly_report"  # the team report, to the report channel, once a week
    STALE = "stale"  # no touch for longer than the cadence: once per cadence period
    ESCALATION_FOLLOW_UP = "escalation_follow_up"  # 7 days overdue
    ESCALATION_RENEWAL = "escalation_renewal"  # renewal within 14 days, no outcome, no touch 30 d
    ENTERED_AT_RISK = "entered_at_risk"  # to a notify rule's channel: the health band turned


class ItemKind(enum.StrEnum):
    FOLLOW_UP = "follow_up"
    CONTRACT = "contract"
    ACCOUNT = "account"
    REPORT = "report"  # a week's team report: its id is the ISO year and week, 202649


@dataclass(frozen=True, slots=True)
class OwnerSettings:
    """An owner as planning needs them. ``active`` is False for a deactivated Slack user."""

    user_id: str
    timezone: str
    digest_time: time = time(9, 0)
    mode: NudgeMode = NudgeMode.DIGEST
    workdays: frozenset[int] = frozenset(range(5))  # Monday is 0
    hours_start: time = time(9, 0)
    hours_end: time = time(18, 0)
    active: bool = True


@dataclass(frozen=True, slots=True)
class PlanningInput:
    """One workspace's open items and its people, at one instant."""

    team_id: str
    now: datetime  # aware; the planning clock (``--now`` moves it)
    workspace: Workspace  # renewal ladder, escalation channel
    admins: frozenset[str]
    owners: Mapping[str, OwnerSettings]  # every owner the items name that Slack knows
    follow_ups: Sequence[FollowUp]  # open ones
    contracts: Sequence[tuple[Contract, Account]]  # open contracts of live accounts
    accounts: Sequence[Account]  # live accounts (for staleness)
    # Snoozes from nudge buttons, by item id: renewal nudges (contract id), stale (account id).
    renewal_snoozed_until: Mapping[int, datetime] = field(default_factory=dict)
    stale_snoozed_until: Mapping[int, datetime] = field(default_factory=dict)
    default_timezone: str = "UTC"  # for channels and admins without a known zone
    # Who watches the accounts of ``contracts`` and ``outcomes``, by account id; their
    # settings are in ``owners`` too (everyone planning may tell something).
    watchers: Mapping[int, Sequence[Watch]] = field(default_factory=dict)
    # Contracts of watched accounts whose outcome was recorded lately (news for watchers).
    outcomes: Sequence[tuple[Contract, Account]] = ()
    # Channel notify rules (`settings workspace notify #c when …`), oldest first.
    notify_rules: Sequence[NotifyRule] = ()
    # The accounts of ``follow_ups``, by id, when a rule needs them (its filter, its status).
    follow_up_accounts: Mapping[int, Account] = field(default_factory=dict)
    # Accounts whose health band entered "at risk" in the last 7 days, and when it did.
    entered_at_risk: tuple[tuple[Account, datetime], ...] = ()


@dataclass(frozen=True, slots=True)
class Occasion:
    """One (item, occasion) to deliver once. ``key`` is stable: the item, the kind, and the
    owner's local day or the ladder step — the ledger's unique key."""

    key: str
    kind: NudgeKind
    item_kind: ItemKind
    item_id: int
    recipient: str  # U… for a DM, C… for the escalation channel
    deliver_after: datetime  # aware UTC
    reason: str  # why now, for people: "renews in 30 days (ladder step 30)"
    details: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Plan:
    occasions: list[Occasion]
    auto_renewals: list[int]  # contract ids to roll forward now (auto-renew, date reached)


class NudgeStatus(enum.StrEnum):
    PENDING = "pending"  # planned, waiting for delivery
    CLAIMED = "claimed"  # a worker holds the lease and is sending it
    SENT = "sent"
    FAILED = "failed"  # gave up after repeated errors; the error is kept
    SKIPPED = "skipped"  # the item changed before delivery (done, renewed, touched, deleted)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One row of the nudge ledger: an occasion and what became of it."""

    id: int
    team_id: str
    key: str
    kind: NudgeKind
    item_kind: ItemKind
    item_id: int
    recipient: str
    deliver_after: datetime
    status: NudgeStatus
    attempts: int = 0
    reason: str = ""
    details: Mapping[str, str | int] = field(default_factory=dict)
    channel_id: str | None = None
    message_ts: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    decision: str | None = None
    failing_since: datetime | None = None  # the first failed attempt of the current run


class DeliveryFailed(Exception):
    """Slack did not take a nudge. ``retryable`` errors are tried again later: after
    ``retry_after`` seconds when Slack said how long to wait (a 429), else after a backoff."""

    def __init__(self, error: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.retryable = retryable
        self.retry_after = retry_after
