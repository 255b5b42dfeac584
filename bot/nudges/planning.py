"""Nudge planning: what is due for whom at one instant. Pure: no I/O, no clock of its own.

``plan`` runs every minute in every replica and returns the occasions due at ``data.now``
(``deliver_after <= now``). The ledger inserts them by ``key`` with ON CONFLICT DO NOTHING, so
returning an occasion again later the same day is harmless: that is how "once" works. A key is
the item, the kind, and the recipient's local day (things said daily) or the step (things said
once); ``:to:{admin}`` is appended when an orphaned item goes to each admin.

Decisions where PRODUCT.md and the issue are silent (the module's contract, tested):

- A digest says what is true at the digest time: stale periods are judged at the slot's instant
  (not at ``now``), so a run at 15:00 yields the keys a run at 09:00 would have, and an account
  that turns stale at noon waits for tomorrow's digest instead of a stray DM.
- In digest mode snoozes end by the day: an item snoozed until some time on day D is back in
  D's digest (a "Snooze 1 week" clicked at 09:05 comes back next week, not a day later).
  Instant mode and the channel compare instants.
- Escalations ignore renewal and stale snoozes: they are the workspace's safety net. A snoozed
  follow-up moves its ``effective_due``, and escalation counts from that.
- Escalation day counts (renewal within 14 days) use the owner's zone, or ``default_timezone``
  when the owner is unknown or deactivated; "7 days overdue" and "no touch in 30 days" are
  elapsed time (a touch exactly 30 days ago counts as within 30 days).
- An auto-renew contract is listed in ``auto_renewals`` in the same plan that emits its
  AUTO_RENEWED occasion (at the recipient's next slot on or after the renewal date), because a
  rolled contract leaves the input and could never be announced later. When nobody would ever
  be told (owner in ``off`` mode, or orphaned with no channel and no admins) it rolls as soon as
  the date is reached. Renewal snoozes do not hold it back.
- Notice steps: on the deadline day itself step 1 still applies ("Notice deadline is today");
  after it NOTICE_PASSED once. Once the renewal date is reached the notice is not mentioned.
- Orphaned items to admins: the admin's settings give the zone and times, but ``off`` counts as
  digest and no workdays as Monday–Friday (an orphan is never dropped); an admin's ``active``
  flag is not consulted (the operator named them).
- The ``stale`` key's date is ``next_touch_due``'s UTC date (stable whatever the viewer's zone).
- A zone name that ZoneInfo cannot load falls back to ``default_timezone``, then UTC: one bad
  setting must not stop everyone's nudges.
- Watchers (``watch <account>``) get an account's renewal news in their own slot, each key
  ending ``:watch:{user}``: ladder steps, notice steps and "notice passed" as the owner does;
  "record the outcome" once (it is the owner's to record, not a daily reminder to them);
  never its follow-ups or stale reminders, never an escalation. The owner's snoozes do not
  hold a watcher's news back (the snooze is the owner's button). Outcomes come from
  ``data.outcomes``: one OUTCOME_RECORDED per watcher who watched before it was recorded —
  not to the one who recorded it, nor to the owner — or AUTO_RENEWED when Rapport rolled the
  contract itself (so a watcher hears of it whenever their own slot opens; a watcher never
  triggers a roll-forward). A watcher who owns the account gets nothing as a watcher; an
  inactive one gets nothing.
- Channel notify rules (``data.notify_rules``) post to their channel now, like escalations,
  each (rule, item, occasion) once: keys end ``:notify:{rule id}``. A rule tells what happens
  from its own day on (a ladder or notice step reached, a follow-up turning 7 days overdue,
  on or after the day it was made in the default zone; an outcome recorded or an account
  entering at risk at or after it was made), so adding one does not replay the past. Renewal
  steps are the ladder steps only (not "record the outcome"); notice deadlines are the notice
  steps and "notice passed"; outcomes include auto-renewals; follow-ups count 7 days overdue
  as the escalation does; an account's entering at risk is keyed by its UTC date, so leaving
  and entering again is told again. The filter (kind, tier in any case, tag by key) is the
  item's account's; archived and churned accounts never (an outcome's churn is its news).
  Snoozes do not hold a channel's news back. The escalation channel stays the workspace
  setting it was, with its own keys (``escalate:…``), so nothing is told twice after an
  upgrade; `settings workspace` lists it among the rules.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.dates import local_datetime
from bot.domain import (
    Account,
    AccountStatus,
    Contract,
    FollowUp,
    FollowUpStatus,
    NudgeMode,
    Watch,
)
from bot.notify import NotifyEvent, NotifyRule
from bot.nudges.model import (
    SYSTEM_ACTOR,
    ItemKind,
    NudgeKind,
    Occasion,
    OwnerSettings,
    Plan,
    PlanningInput,
)

__all__ = [
    "NOTICE_STEPS",
    "Delivery",
    "Slot",
    "escalations",
    "follow_up_occasions",
    "latest_step_reached",
    "notice_occasions",
    "outcome_news",
    "plan",
    "renewal_occasions",
    "rule_occasions",
    "slot_for",
    "stale_occasions",
    "watched_renewal_occasions",
    "zone_named",
]

NOTICE_STEPS = (14, 7, 1)
ESCALATE_FOLLOW_UP_AFTER = timedelta(days=7)
ESCALATE_RENEWAL_WITHIN_DAYS = 14
ESCALATE_UNTOUCHED_FOR = timedelta(days=30)
_DEFAULT_WORKDAYS = frozenset(range(5))
_LIVE = frozenset({AccountStatus.ACTIVE, AccountStatus.AT_RISK})
_DAY = timedelta(days=1)


class Delivery(enum.Enum):
    DIGEST = "digest"  # everything of the day at the digest instant
    INSTANT = "instant"  # each item at its own moment, within working hours
    CHANNEL = "channel"  # now: the escalation channel keeps nobody's hours


@dataclass(frozen=True, slots=True)
class Slot:
    """One recipient's chance to be told things at ``now``: the day, and from when."""

    recipient: str
    delivery: Delivery
    zone: ZoneInfo
    day: date  # the recipient's local day: the day in daily keys
    opens_at: datetime  # UTC; deliver_after for whatever has no moment of its own
    now: datetime  # UTC
    key_suffix: str = ""  # ":to:U…" when an orphaned item goes to each admin, ":watch:U…"
    orphan_owner: str | None = None  # the unknown or deactivated owner of an orphaned item
    watching: bool = False  # the recipient watches the item's account (does not own it)

    @property
    def as_of(self) -> datetime:
        """The instant time-based conditions are judged at (see the module docstring)."""
        return self.opens_at if self.delivery is Delivery.DIGEST else self.now

    def deliver_after(self, moment: datetime | None = None) -> datetime | None:
        """When an item whose own moment is ``moment`` goes out; None if not yet."""
        if self.delivery is not Delivery.INSTANT or moment is None:
            return self.opens_at
        if moment > self.now:
            return None
        return max(moment.astimezone(UTC), self.opens_at)

    def snoozed(self, until: datetime | None) -> bool:
        if until is None:
            return False
        if self.delivery is Delivery.DIGEST:
            return until.astimezone(self.zone).date() > self.day
        return until > self.now

    def occasion(
        self,
        key: str,
        kind: NudgeKind,
        item: tuple[ItemKind, int],
        reason: str,
        details: Mapping[str, str | int],
        *,
        moment: datetime | None = None,
    ) -> list[Occasion]:
        """The occasion for this recipient, or nothing while its moment is still ahead."""
        deliver_after = self.deliver_after(moment)
        if deliver_after is None:
            return []
        extra: dict[str, str | int] = {}
        if self.orphan_owner is not None:
            extra = {"orphaned": 1, "owner": self.orphan_owner}
            reason = f"{reason}; no active owner ({self.orphan_owner})"
        if self.watching:
            extra = {"watching": 1}
        return [
            Occasion(
                key=key + self.key_suffix,
                kind=kind,
                item_kind=item[0],
                item_id=item[1],
                recipient=self.recipient,
                deliver_after=deliver_after,
                reason=reason,
                details={**details, **extra},
            )
        ]


def zone_named(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The zone called ``name``; ``fallback`` (then UTC) when it is empty or unknown."""
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
    return ZoneInfo("UTC")


def slot_for(owner: OwnerSettings, now: datetime, *, default_zone: str = "UTC") -> Slot | None:
    """The owner's slot at ``now``: None in ``off`` mode, on a day off, before the digest
    time (digest) or outside working hours (instant). A digest slot lasts the rest of the day."""
    now = _utc(now)
    zone = zone_named(owner.timezone, default_zone)
    day = now.astimezone(zone).date()
    if owner.mode is NudgeMode.OFF or day.weekday() not in owner.workdays:
        return None
    if owner.mode is NudgeMode.INSTANT:
        opens_at = local_datetime(day, owner.hours_start, zone)
        if not opens_at <= now < local_datetime(day, owner.hours_end, zone):
            return None
        return Slot(owner.user_id, Delivery.INSTANT, zone, day, opens_at, now)
    # Instants, not wall times, are compared: local_datetime keeps 09:00 at 09:00 across DST.
    opens_at = local_datetime(day, owner.digest_time, zone)
    if now < opens_at:
        return None
    return Slot(owner.user_id, Delivery.DIGEST, zone, day, opens_at, now)


def channel_slot(channel: str, now: datetime, zone: ZoneInfo) -> Slot:
    """The escalation channel: always open, everything now, the day in the workspace's zone."""
    now = _utc(now)
    return Slot(channel, Delivery.CHANNEL, zone, now.astimezone(zone).date(), now, now)


def latest_step_reached(days_left: int, steps: Iterable[int]) -> int | None:
    """The smallest step N with ``days_left <= N``: the one step a late arrival still gets."""
    reached = [n for n in steps if n > 0 and days_left <= n]
    return min(reached) if reached else None


# --- what one recipient is told about one item ------------------------------------------


def follow_up_occasions(follow_up: FollowUp, slot: Slot) -> list[Occasion]:
    """Due today (even later today) or overdue (every day until closed or snoozed)."""
    if follow_up.status is not FollowUpStatus.OPEN:
        return []
    due = follow_up.effective_due
    due_day = due.astimezone(slot.zone).date()
    item = (ItemKind.FOLLOW_UP, follow_up.id)
    details: dict[str, str | int] = {
        "number": follow_up.number,
        "account_id": follow_up.account_id,
        "due": due_day.isoformat(),
    }
    if due_day == slot.day:
        key = f"fu:{follow_up.id}:due:{slot.day.isoformat()}"
        return slot.occasion(key, NudgeKind.FOLLOW_UP_DUE, item, "Due today", details, moment=due)
    if due_day > slot.day:
        return []
    days = (slot.day - due_day).days
    key = f"fu:{follow_up.id}:overdue:{slot.day.isoformat()}"
    details["days_overdue"] = days
    return slot.occasion(
        key, NudgeKind.FOLLOW_UP_OVERDUE, item, f"Overdue by {_days(days)}", details
    )


def renewal_occasions(
    contract: Contract,
    slot: Slot,
    *,
    ladder: Sequence[int],
    snoozed_until: datetime | None = None,
) -> list[Occasion]:
    """The latest ladder step reached; from the renewal date on, the roll-forward (auto-renew)
    or "record the outcome" every day until one is recorded."""
    if contract.outcome is not None:
        return []
    days_left = (contract.renewal_date - slot.day).days
    item = (ItemKind.CONTRACT, contract.id)
    details: dict[str, str | int] = {
        "account_id": contract.account_id,
        "renewal_date": contract.renewal_date.isoformat(),
        "days_left": days_left,
    }
    if days_left <= 0 and contract.auto_renew:
        key = f"renewal:{contract.id}:auto_renewed"
        reason = f"Auto-renews {_ago(-days_left)}: rolled forward to a new term"
        return slot.occasion(key, NudgeKind.AUTO_RENEWED, item, reason, details)
    if slot.snoozed(snoozed_until):
        return []
    if days_left <= 0:
        key = f"renewal:{contract.id}:outcome:{slot.day.isoformat()}"
        reason = f"Renewal date {_ago(-days_left)}: record the outcome"
        return slot.occasion(key, NudgeKind.RECORD_OUTCOME, item, reason, details)
    step = latest_step_reached(days_left, ladder)
    if step is None:
        return []
    key = f"renewal:{contract.id}:step:{step}"
    reason = f"Renews in {_days(days_left)} (ladder step {step})"
    return slot.occasion(key, NudgeKind.RENEWAL_STEP, item, reason, {**details, "step": step})


def notice_occasions(
    contract: Contract, slot: Slot, *, snoozed_until: datetime | None = None
) -> list[Occasion]:
    """14, 7 and 1 days before the notice deadline (latest reached only); once when passed."""
    deadline = contract.notice_deadline
    if contract.outcome is not None or deadline is None or slot.snoozed(snoozed_until):
        return []
    if contract.renewal_date <= slot.day:
        return []  # the renewal date speaks now: the roll-forward or "record the outcome"
    days_left = (deadline - slot.day).days
    item = (ItemKind.CONTRACT, contract.id)
    details: dict[str, str | int] = {
        "account_id": contract.account_id,
        "notice_deadline": deadline.isoformat(),
        "days_left": days_left,
    }
    if days_left < 0:
        key = f"notice:{contract.id}:passed"
        reason = f"Notice deadline passed {_days(-days_left)} ago ({deadline.isoformat()})"
        return slot.occasion(key, NudgeKind.NOTICE_PASSED, item, reason, details)
    step = latest_step_reached(days_left, NOTICE_STEPS)
    if step is None:
        return []
    key = f"notice:{contract.id}:step:{step}"
    reason = (
        "Notice deadline is today" if days_left == 0 else f"Notice deadline in {_days(days_left)}"
    )
    return slot.occasion(key, NudgeKind.NOTICE_STEP, item, reason, {**details, "step": step})


def stale_occasions(
    account: Account, slot: Slot, *, snoozed_until: datetime | None = None
) -> list[Occasion]:
    """Past its next touch: once per cadence period, the key restarting with every touch."""
    as_of = slot.as_of
    if as_of <= account.next_touch_due or slot.snoozed(snoozed_until):
        return []
    cadence = timedelta(days=max(account.cadence_days, 1))
    period = (as_of - account.next_touch_due) // cadence
    period_start = account.next_touch_due + period * cadence
    since = account.last_touch_at or account.created_at
    days_since = (as_of - since) // _DAY
    due_day = account.next_touch_due.astimezone(UTC).date().isoformat()
    key = f"stale:{account.id}:{due_day}:{period}"
    details: dict[str, str | int] = {
        "days_past": (as_of - account.next_touch_due) // _DAY,
        "days_since_touch": days_since,
        "cadence_days": account.cadence_days,
        "period": period,
    }
    reason = f"No touch for {_days(days_since)} (cadence {account.cadence_days})"
    item = (ItemKind.ACCOUNT, account.id)
    return slot.occasion(key, NudgeKind.STALE, item, reason, details, moment=period_start)


def watched_renewal_occasions(
    contract: Contract, slot: Slot, *, ladder: Sequence[int]
) -> list[Occasion]:
    """A watcher's renewal news (``slot`` is theirs): the ladder and notice steps the owner
    gets, "record the outcome" once rather than daily; the roll-forward of an auto-renew
    contract is told by ``outcome_news`` once it happened."""
    found: list[Occasion] = []
    for occasion in renewal_occasions(contract, slot, ladder=ladder) + notice_occasions(
        contract, slot
    ):
        if occasion.kind is NudgeKind.AUTO_RENEWED:
            continue
        if occasion.kind is NudgeKind.RECORD_OUTCOME:
            occasion = replace(occasion, key=f"renewal:{contract.id}:outcome{slot.key_suffix}")
        found.append(occasion)
    return found


def outcome_news(contract: Contract, slot: Slot) -> list[Occasion]:
    """A recorded outcome, told once: renewed, churned or cancelled, and by whom; an
    auto-renewal Rapport recorded itself as AUTO_RENEWED."""
    if contract.outcome is None:
        return []
    item = (ItemKind.CONTRACT, contract.id)
    details: dict[str, str | int] = {
        "account_id": contract.account_id,
        "renewal_date": contract.renewal_date.isoformat(),
        "outcome": contract.outcome.value,
        "by": contract.outcome_by or "",
    }
    key = f"outcome:{contract.id}"
    if contract.outcome_by == SYSTEM_ACTOR:
        reason = "Auto-renewed: rolled forward to a new term by itself"
        return slot.occasion(key, NudgeKind.AUTO_RENEWED, item, reason, details)
    reason = f"Outcome recorded: {contract.outcome.value}"  # by whom: ``details["by"]``
    return slot.occasion(key, NudgeKind.OUTCOME_RECORDED, item, reason, details)


def escalations(data: PlanningInput) -> list[Occasion]:
    """Once ever, to the escalation channel now: follow-ups 7 days overdue, and renewals within
    14 days with no outcome and no touch in 30 days. None without a channel."""
    channel = data.workspace.escalation_channel
    if not channel:
        return []
    now = _utc(data.now)
    found: list[Occasion] = []
    for follow_up in data.follow_ups:
        overdue_for = now - follow_up.effective_due
        if follow_up.status is not FollowUpStatus.OPEN or overdue_for < ESCALATE_FOLLOW_UP_AFTER:
            continue
        slot = _escalation_slot(channel, follow_up.owner_id, follow_up.owner_id, data)
        reason = f"Escalated: {_days(overdue_for // _DAY)} overdue"
        details: dict[str, str | int] = {
            "days_overdue": overdue_for // _DAY,
            "owner_id": follow_up.owner_id,
            "account_id": follow_up.account_id,
        }
        key = f"escalate:fu:{follow_up.id}"
        item = (ItemKind.FOLLOW_UP, follow_up.id)
        found += slot.occasion(key, NudgeKind.ESCALATION_FOLLOW_UP, item, reason, details)
    for contract, account in data.contracts:
        if contract.outcome is not None or account.status not in _LIVE:
            continue
        owner_id, label = _account_owner(account)
        slot = _escalation_slot(channel, owner_id, label, data)
        days_left = (contract.renewal_date - now.astimezone(_home_zone(owner_id, data)).date()).days
        touched = account.last_touch_at
        if not 0 <= days_left <= ESCALATE_RENEWAL_WITHIN_DAYS:
            continue
        if touched is not None and touched >= now - ESCALATE_UNTOUCHED_FOR:
            continue
        untouched = (
            "never touched" if touched is None else f"no touch for {_days((now - touched) // _DAY)}"
        )
        reason = f"Escalated: renews {_in(days_left)}, no outcome, {untouched}"
        details = {"days_left": days_left, "account_id": account.id, "owner_id": label}
        key = f"escalate:renewal:{contract.id}"
        item = (ItemKind.CONTRACT, contract.id)
        found += slot.occasion(key, NudgeKind.ESCALATION_RENEWAL, item, reason, details)
    return found


# --- channel notify rules ----------------------------------------------------------------

NOTIFY_AT_RISK_FOR = timedelta(days=7)
_RULE_EVENT_KINDS = {
    NotifyEvent.RENEWAL_STEP: frozenset({NudgeKind.RENEWAL_STEP}),
    NotifyEvent.NOTICE_DEADLINE: frozenset({NudgeKind.NOTICE_STEP, NudgeKind.NOTICE_PASSED}),
}


def rule_occasions(rule: NotifyRule, data: PlanningInput) -> list[Occasion]:
    """What one rule tells its channel now, each once (keys end ``:notify:{rule id}``): what
    happened from the rule's day on, about the accounts its filter lets through."""
    zone = zone_named(data.default_timezone)
    slot = replace(channel_slot(rule.channel_id, data.now, zone), key_suffix=f":notify:{rule.id}")
    since = rule.created_at.astimezone(zone).date()
    match rule.event:
        case NotifyEvent.RENEWAL_STEP | NotifyEvent.NOTICE_DEADLINE:
            found = _rule_contract_steps(rule, data, slot, since)
        case NotifyEvent.OUTCOME_RECORDED:
            found = _rule_outcomes(rule, data, slot)
        case NotifyEvent.FOLLOW_UP_OVERDUE:
            found = _rule_overdue_follow_ups(rule, data, slot, since)
        case NotifyEvent.ACCOUNT_AT_RISK:
            found = _rule_entered_at_risk(rule, data, slot)
    return [replace(o, details={**o.details, "rule": rule.id}) for o in found]


def _told(rule: NotifyRule, account: Account) -> bool:
    return account.status in _LIVE and rule.concerns(account)


def _rule_contract_steps(
    rule: NotifyRule, data: PlanningInput, slot: Slot, since: date
) -> list[Occasion]:
    """Ladder steps, or notice steps and "notice passed", reached on or after ``since``."""
    kinds = _RULE_EVENT_KINDS[rule.event]
    found: list[Occasion] = []
    for contract, account in data.contracts:
        if contract.outcome is not None or not _told(rule, account):
            continue
        found += [
            o
            for o in renewal_occasions(contract, slot, ladder=data.workspace.renewal_ladder)
            + notice_occasions(contract, slot)
            if o.kind in kinds and _reached_on(contract, o) >= since
        ]
    return found


def _rule_outcomes(rule: NotifyRule, data: PlanningInput, slot: Slot) -> list[Occasion]:
    """Each outcome recorded since the rule was made (an auto-renewal as AUTO_RENEWED). A
    churn makes its account churned: that is the news, so only archived accounts are quiet."""
    found: list[Occasion] = []
    for contract, account in data.outcomes:
        recorded = contract.outcome_at
        if recorded is None or account.status is AccountStatus.ARCHIVED:
            continue
        if rule.concerns(account) and recorded >= rule.created_at:
            found += outcome_news(contract, slot)
    return found


def _rule_overdue_follow_ups(
    rule: NotifyRule, data: PlanningInput, slot: Slot, since: date
) -> list[Occasion]:
    """Open follow-ups 7 days overdue (counted as the escalation counts), once each, that
    reached it on or after ``since``."""
    now = _utc(data.now)
    found: list[Occasion] = []
    for follow_up in data.follow_ups:
        account = data.follow_up_accounts.get(follow_up.account_id)
        if account is None or not _told(rule, account):
            continue
        overdue_for = now - follow_up.effective_due
        reached = (follow_up.effective_due + ESCALATE_FOLLOW_UP_AFTER).astimezone(slot.zone)
        if follow_up.status is not FollowUpStatus.OPEN or overdue_for < ESCALATE_FOLLOW_UP_AFTER:
            continue
        if reached.date() < since:
            continue
        details: dict[str, str | int] = {
            "days_overdue": overdue_for // _DAY,
            "owner_id": follow_up.owner_id,
            "account_id": follow_up.account_id,
        }
        reason = f"{_days(overdue_for // _DAY)} overdue"
        item = (ItemKind.FOLLOW_UP, follow_up.id)
        key = f"overdue7:{follow_up.id}"
        found += slot.occasion(key, NudgeKind.FOLLOW_UP_OVERDUE, item, reason, details)
    return found


def _rule_entered_at_risk(rule: NotifyRule, data: PlanningInput, slot: Slot) -> list[Occasion]:
    """Accounts whose health band entered "at risk" in the last 7 days and since the rule;
    keyed by the account and that instant's UTC date, so entering again is told again."""
    now = _utc(data.now)
    found: list[Occasion] = []
    for account, entered in data.entered_at_risk:
        if not _told(rule, account) or entered < rule.created_at:
            continue
        if not now - NOTIFY_AT_RISK_FOR <= entered <= now:
            continue
        day = entered.astimezone(UTC).date().isoformat()
        details: dict[str, str | int] = {
            "account_id": account.id,
            "entered_at": entered.astimezone(UTC).isoformat(),
        }
        item = (ItemKind.ACCOUNT, account.id)
        key = f"atrisk:{account.id}:{day}"
        reason = "Health entered at risk"
        found += slot.occasion(key, NudgeKind.ENTERED_AT_RISK, item, reason, details)
    return found


def _reached_on(contract: Contract, occasion: Occasion) -> date:
    """The day a ladder or notice step (or the notice deadline's passing) was reached."""
    if occasion.kind is NudgeKind.RENEWAL_STEP:
        return contract.renewal_date - timedelta(days=int(occasion.details["step"]))
    assert contract.notice_deadline is not None, "notice occasions have a deadline"
    if occasion.kind is NudgeKind.NOTICE_PASSED:
        return contract.notice_deadline + _DAY
    return contract.notice_deadline - timedelta(days=int(occasion.details["step"]))


# --- the whole workspace ---------------------------------------------------------------


def plan(data: PlanningInput) -> Plan:
    """Every occasion due at ``data.now``, sorted by (recipient, deliver_after, kind, key)."""
    audience = _Audience.of(data)
    found: list[Occasion] = []
    for follow_up in data.follow_ups:
        for slot in audience.targets(follow_up.owner_id, follow_up.owner_id):
            found += follow_up_occasions(follow_up, slot)

    auto_renewals: set[int] = set()
    ladder = data.workspace.renewal_ladder
    for contract, account in data.contracts:
        if contract.outcome is not None or account.status not in _LIVE:
            continue
        owner_id, label = _account_owner(account)
        snoozed_until = data.renewal_snoozed_until.get(contract.id)
        for slot in audience.targets(owner_id, label):
            renewal = renewal_occasions(contract, slot, ladder=ladder, snoozed_until=snoozed_until)
            if any(o.kind is NudgeKind.AUTO_RENEWED for o in renewal):
                auto_renewals.add(contract.id)  # in the same plan as the news that it rolled
            found += renewal + notice_occasions(contract, slot, snoozed_until=snoozed_until)
        if contract.auto_renew and audience.never_told(owner_id):
            today = _utc(data.now).astimezone(_home_zone(owner_id, data)).date()
            if contract.renewal_date <= today:
                auto_renewals.add(contract.id)
        for slot in audience.watching(data.watchers.get(account.id, ()), owner_id):
            found += watched_renewal_occasions(contract, slot, ladder=ladder)

    for contract, account in data.outcomes:
        if contract.outcome_at is None or account.status is AccountStatus.ARCHIVED:
            continue
        told = [
            w
            for w in data.watchers.get(account.id, ())
            if w.user_id != contract.outcome_by and w.created_at <= contract.outcome_at
        ]
        for slot in audience.watching(told, account.owner.user_id):
            found += outcome_news(contract, slot)

    for account in data.accounts:
        if account.status not in _LIVE:
            continue
        owner_id, label = _account_owner(account)
        snoozed_until = data.stale_snoozed_until.get(account.id)
        for slot in audience.targets(owner_id, label):
            found += stale_occasions(account, slot, snoozed_until=snoozed_until)

    found += escalations(data)
    for rule in data.notify_rules:
        found += rule_occasions(rule, data)
    unique: dict[str, Occasion] = {}
    for occasion in found:
        unique.setdefault(occasion.key, occasion)  # an item listed twice in the input
    occasions = sorted(
        unique.values(), key=lambda o: (o.recipient, o.deliver_after, o.kind.value, o.key)
    )
    return Plan(occasions=occasions, auto_renewals=sorted(auto_renewals))


@dataclass(frozen=True, slots=True)
class _Audience:
    """Who can be told things at ``now``: active owners' slots, and where orphans go."""

    owner_slots: Mapping[str, Slot | None]  # every active owner; None: not now
    silent_owners: frozenset[str]  # active owners nobody will ever tell anything (off mode)
    orphan_slots: tuple[Slot, ...]  # the channel, else each admin whose slot is open
    orphans_reachable: bool  # a channel or at least one admin exists

    @classmethod
    def of(cls, data: PlanningInput) -> _Audience:
        active = {uid: s for uid, s in data.owners.items() if s.active}
        owner_slots = {
            uid: slot_for(s, data.now, default_zone=data.default_timezone)
            for uid, s in active.items()
        }
        silent = frozenset(uid for uid, s in active.items() if _never_reached(s))
        channel = data.workspace.escalation_channel
        if channel:
            zone = zone_named(data.default_timezone)
            orphan_slots: tuple[Slot, ...] = (channel_slot(channel, data.now, zone),)
        else:
            admin_slots = (
                slot_for(_admin_settings(admin, data), data.now, default_zone=data.default_timezone)
                for admin in sorted(data.admins)
            )
            orphan_slots = tuple(
                replace(slot, key_suffix=f":to:{slot.recipient}")
                for slot in admin_slots
                if slot is not None
            )
        return cls(owner_slots, silent, orphan_slots, bool(channel) or bool(data.admins))

    def targets(self, owner_id: str | None, label: str) -> list[Slot]:
        """Where an item's nudges go now: its active owner; else the channel; else the admins."""
        if owner_id is not None and owner_id in self.owner_slots:
            slot = self.owner_slots[owner_id]
            return [] if slot is None else [slot]
        return [replace(slot, orphan_owner=label) for slot in self.orphan_slots]

    def watching(self, watches: Iterable[Watch], owner_id: str | None) -> list[Slot]:
        """The open slots of an account's active watchers, but its owner, keyed per watcher."""
        slots: list[Slot] = []
        for watch in watches:
            slot = self.owner_slots.get(watch.user_id)
            if slot is not None and watch.user_id != owner_id:
                suffix = f":watch:{watch.user_id}"
                slots.append(replace(slot, key_suffix=suffix, watching=True))
        return slots

    def never_told(self, owner_id: str | None) -> bool:
        if owner_id is not None and owner_id in self.owner_slots:
            return owner_id in self.silent_owners
        return not self.orphans_reachable


def _never_reached(owner: OwnerSettings) -> bool:
    if owner.mode is NudgeMode.OFF or not owner.workdays:
        return True
    return owner.mode is NudgeMode.INSTANT and owner.hours_end <= owner.hours_start


def _admin_settings(admin: str, data: PlanningInput) -> OwnerSettings:
    """An admin's own zone and times when known, else 09:00 Monday–Friday in the default zone;
    always a digest that can happen, since orphaned items are never dropped."""
    settings = data.owners.get(admin) or OwnerSettings(admin, data.default_timezone)
    mode = NudgeMode.DIGEST if settings.mode is NudgeMode.OFF else settings.mode
    workdays = settings.workdays or _DEFAULT_WORKDAYS
    return replace(settings, mode=mode, workdays=workdays)


def _escalation_slot(channel: str, owner_id: str | None, label: str, data: PlanningInput) -> Slot:
    slot = channel_slot(channel, data.now, zone_named(data.default_timezone))
    owner = data.owners.get(owner_id) if owner_id is not None else None
    return slot if owner is not None and owner.active else replace(slot, orphan_owner=label)


def _home_zone(owner_id: str | None, data: PlanningInput) -> ZoneInfo:
    """The zone an item's calendar days are counted in: its active owner's, else the default."""
    owner = data.owners.get(owner_id) if owner_id is not None else None
    if owner is not None and owner.active:
        return zone_named(owner.timezone, data.default_timezone)
    return zone_named(data.default_timezone)


def _account_owner(account: Account) -> tuple[str | None, str]:
    """The owner's user id (None when an import could not resolve it) and how to name them."""
    owner = account.owner
    return owner.user_id, owner.user_id or owner.unresolved or "unknown"


def _utc(now: datetime) -> datetime:
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _ago(days_past: int) -> str:
    return "today" if days_past == 0 else f"{_days(days_past)} ago"


def _in(days_left: int) -> str:
    return "today" if days_left == 0 else f"in {_days(days_left)}"


def orphans_with_nowhere_to_go(data: PlanningInput) -> list[str]:
    """Items without an active owner when the workspace has no escalation channel and no
    admins: planning cannot send them anywhere, so the pass says so in the log."""
    if data.workspace.escalation_channel or data.admins:
        return []

    def active(owner_id: str | None) -> bool:
        owner = data.owners.get(owner_id) if owner_id is not None else None
        return owner is not None and owner.active

    found = [f"follow-up #{f.number}" for f in data.follow_ups if not active(f.owner_id)]
    found += [f"contract of {a.name}" for _c, a in data.contracts if not active(a.owner.user_id)]
    found += [f"account {a.name}" for a in data.accounts if not active(a.owner.user_id)]
    return found
