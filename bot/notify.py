"""Channel notify rules: a channel hears one kind of event (`settings workspace notify #channel
when <event> [for <kind>|tier <t>|tag <t>]`), optionally only for the accounts of one kind,
tier or tag. Pure values; planning turns each rule into occasions for its channel."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Account, AccountKind, name_key


class NotifyEvent(enum.StrEnum):
    RENEWAL_STEP = "renewal_step"  # the contract's renewal ladder steps
    NOTICE_DEADLINE = "notice_deadline"  # notice steps, and the deadline passed
    OUTCOME_RECORDED = "outcome_recorded"  # renewed, churned or cancelled: by whom, the value
    ACCOUNT_AT_RISK = "account_at_risk"  # an account's health band entered "at risk"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"  # a follow-up 7 days overdue

    @property
    def words(self) -> str:
        """The event as people type it (and as `settings workspace` lists it)."""
        return _WORDS[self]


_WORDS = {
    NotifyEvent.RENEWAL_STEP: "renewal step",
    NotifyEvent.NOTICE_DEADLINE: "notice deadline",
    NotifyEvent.OUTCOME_RECORDED: "outcome recorded",
    NotifyEvent.ACCOUNT_AT_RISK: "account at risk",
    NotifyEvent.FOLLOW_UP_OVERDUE: "follow-up overdue 7 days",
}


class FilterBy(enum.StrEnum):
    KIND = "kind"
    TIER = "tier"
    TAG = "tag"


@dataclass(frozen=True, slots=True)
class NotifyFilter:
    """Only the accounts of one kind, one tier (any case) or one tag (by its name key);
    ``value`` as written (a kind's value for a kind)."""

    by: FilterBy
    value: str

    @property
    def key(self) -> str:
        """What two filters are the same by: `tier Gold` is `tier gold`, a tag by its key."""
        if self.by is FilterBy.TAG:
            return f"tag:{name_key(self.value)}"
        return f"{self.by.value}:{self.value.casefold()}"

    def matches(self, account: Account) -> bool:
        match self.by:
            case FilterBy.KIND:
                return account.kind is AccountKind(self.value)
            case FilterBy.TIER:
                return (account.tier or "").casefold() == self.value.casefold()
            case FilterBy.TAG:
                wanted = name_key(self.value)
                return any(name_key(tag) == wanted for tag in account.tags)


@dataclass(frozen=True, slots=True)
class NotifyRuleSpec:
    """A rule as an admin writes it: where, when, for which accounts."""

    channel_id: str  # C… or G…
    event: NotifyEvent
    filter: NotifyFilter | None = None

    @property
    def filter_key(self) -> str:
        """ "" for every account; else the filter's key. No two rules share (channel, event,
        filter key)."""
        return self.filter.key if self.filter is not None else ""


@dataclass(frozen=True, slots=True)
class NotifyRule:
    """A stored rule. It tells its channel what happens from its ``created_at`` on."""

    id: int
    team_id: str
    channel_id: str
    event: NotifyEvent
    created_by: str
    created_at: datetime
    filter: NotifyFilter | None = None

    @property
    def spec(self) -> NotifyRuleSpec:
        return NotifyRuleSpec(self.channel_id, self.event, self.filter)

    def concerns(self, account: Account) -> bool:
        """Whether the rule's filter lets ``account`` through (no filter: every account)."""
        return self.filter is None or self.filter.matches(account)
