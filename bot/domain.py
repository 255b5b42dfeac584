"""Domain values: what Rapport knows about accounts, people, touches, follow-ups and contracts.

Every value belongs to one workspace (``team_id``). Datetimes are aware and in UTC;
renewal and notice dates are calendar dates.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

MAX_NAME_LENGTH = 200
MAX_SUMMARY_LENGTH = 10_000
MAX_FOLLOW_UP_TEXT_LENGTH = 2_000
MAX_TAG_LENGTH = 50
# The marks between tags in a list: an export joins tags with "; ", an import splits a cell
# at any of them, and `tag` reads them between tags; so no tag holds one.
TAG_SEPARATORS = ";,|"
# The marks around a tag with spaces in a command (`tag Acme "key account"`): straight, and
# the curly ones Slack's clients send with smart quotes on (“…”, German „…“); no tag holds one.
TAG_QUOTES = '"“”„'
MAX_TIER_LENGTH = 50
MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path
MAX_PERMALINK_LENGTH = 1_000
MAX_CONTRACT_VALUE = Decimal("1000000000000")  # one trillion in any currency is a typo
MAX_CADENCE_DAYS = 3_660
MAX_NOTICE_DAYS = 3_660
MAX_NOTICE_MONTHS = 120  # ten years: at most 3,653 days, within MAX_NOTICE_DAYS
DEFAULT_WORKDAY_START = time(9, 0)


class AccountKind(enum.StrEnum):
    CUSTOMER = "customer"
    PROSPECT = "prospect"
    PARTNER = "partner"
    VENDOR = "vendor"
    SUPPLIER = "supplier"
    DISTRIBUTOR = "distributor"
    RESELLER = "reseller"

    @property
    def default_cadence_days(self) -> int:
        return {AccountKind.CUSTOMER: 30, AccountKind.PROSPECT: 14}.get(self, 90)

    @property
    def contract_direction(self) -> ContractDirection:
        """We buy from vendors and suppliers; everyone else buys from us."""
        if self in (AccountKind.VENDOR, AccountKind.SUPPLIER):
            return ContractDirection.WE_BUY
        return ContractDirection.WE_SELL


class AccountStatus(enum.StrEnum):
    ACTIVE = "active"
    AT_RISK = "at_risk"
    CHURNED = "churned"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class InteractionKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    NOTE = "note"
    MESSAGE = "message"
    DEMO = "demo"
    QBR = "qbr"
    SUPPORT = "support"


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ContractDirection(enum.StrEnum):
    WE_SELL = "we_sell"
    WE_BUY = "we_buy"


class RenewalOutcome(enum.StrEnum):
    RENEWED = "renewed"
    CHURNED = "churned"
    CANCELLED = "cancelled"


class ActionKind(enum.StrEnum):
    """What a contract needs next: notice given by its deadline, or its renewal decided."""

    NOTICE = "notice"
    RENEWAL = "renewal"


class RenewalPeriod(enum.StrEnum):
    """A calendar window of `renewals`: the rest of this month or quarter, or the next one."""

    THIS_MONTH = "this month"
    THIS_QUARTER = "this quarter"
    NEXT_QUARTER = "next quarter"


class NudgeMode(enum.StrEnum):
    DIGEST = "digest"
    INSTANT = "instant"
    OFF = "off"


# Code points that show nothing but are not spaces: besides the format controls (Unicode
# category Cf: zero-width space and joiners, direction marks and isolates, the byte-order
# mark, the soft hyphen, tags), the other default-ignorable ones (Hangul fillers, variation
# selectors, the combining grapheme joiner). In a name they only make look-alikes.
_IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0000, 0xE0FFF),
)


def _invisible(ch: str) -> bool:
    point = ord(ch)
    return unicodedata.category(ch) == "Cf" or any(lo <= point <= hi for lo, hi in _IGNORABLE)


class _DropInvisible(dict[int, int | None]):
    """A ``str.translate`` table that learns each character once: None drops it."""

    def __missing__(self, point: int) -> int | None:
        self[point] = None if _invisible(chr(point)) else point
        return self[point]


_DROP_INVISIBLE = _DropInvisible()


def visible(text: str) -> str:
    """``text`` without the characters that show nothing (``Acme\u200b`` is ``Acme``)."""
    if text.isascii():  # none of them is ASCII: the common case costs nothing
        return text
    # translate walks the text in C and asks about each distinct character once (an
    # import asks for every letter of every name).
    return text.translate(_DROP_INVISIBLE)


def name_key(name: str) -> str:
    """The key an account or contact name is unique by: insensitive to case, spacing,
    compatibility forms and invisible characters."""
    normalized = unicodedata.normalize("NFKC", visible(name))
    return " ".join(visible(normalized).casefold().split())


_BETWEEN_WORDS = re.compile(r"[\W_]+")


def words_key(name: str) -> str:
    """A name as its words, for finding it when it is not typed in full: its ``name_key``
    without accents, and with every run of marks between words (``,`` ``.`` ``&`` ``-`` …) as
    one space. "Hooli, Inc." and "hooli inc" have the same words, as have "Müller" and
    "Muller". Never longer than the ``name_key``."""
    decomposed = unicodedata.normalize("NFKD", name_key(name))
    letters = unicodedata.normalize(
        "NFC", "".join(char for char in decomposed if not unicodedata.combining(char))
    )
    return " ".join(word for word in _BETWEEN_WORDS.split(letters) if word)


@dataclass(frozen=True, slots=True)
class Owner:
    """Who owns an account: a Slack user, or a name or e-mail an import could not resolve yet."""

    user_id: str | None = None
    unresolved: str | None = None

    @property
    def is_resolved(self) -> bool:
        return self.user_id is not None


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Which accounts a list shows; the filters combine. Archived accounts are never listed.

    ``owner_id`` None: the whole workspace. ``tier`` compares case-insensitively as typed;
    ``tag`` by its key (``name_key``), as tags are unique by."""

    owner_id: str | None = None
    kind: AccountKind | None = None
    tier: str | None = None
    tag: str | None = None
    at_risk: bool = False


@dataclass(frozen=True, slots=True)
class CadenceRule:
    """How often a kind of account should be touched in one workspace: ideally every
    ``ideal_days``, at the latest every ``max_days`` (None: twice the ideal). Accounts of the
    kind follow it unless their own cadence was set."""

    kind: AccountKind
    ideal_days: int
    max_days: int | None = None


@dataclass(frozen=True, slots=True)
class Workspace:
    team_id: str
    name: str | None = None
    dayfirst: bool = False
    currency: str = "USD"  # ISO 4217: what an amount written without a currency is in
    escalation_channel: str | None = None
    renewal_ladder: tuple[int, ...] = (90, 60, 30, 14, 7, 1)
    health_enabled: bool = True
    cadence_rules: tuple[CadenceRule, ...] = ()  # at most one per kind, in kind order
    # The weekly team report: the channel (None: not sent), the day (Monday is 0), the time
    # and the zone (the admin's who set it) it goes out at.
    report_channel: str | None = None
    report_weekday: int = 0
    report_time: time = time(9, 0)
    report_timezone: str = "UTC"
    # The stored row's version this copy was read at (0: never stored); not part of equality.
    version: int = field(default=0, compare=False)

    def cadence_rule(self, kind: AccountKind) -> CadenceRule:
        """The kind's rule here, else its built-in default cadence with no maximum set."""
        for rule in self.cadence_rules:
            if rule.kind is kind:
                return rule
        return CadenceRule(kind, kind.default_cadence_days)


@dataclass(frozen=True, slots=True)
class UserPreferences:
    """A user's own settings; ``None`` means "not set": use the Slack profile or the default."""

    team_id: str
    user_id: str
    timezone: str | None = None  # set by the user: wins over Slack's
    slack_timezone: str | None = None  # from the Slack profile (users.info)
    digest_time: time = time(9, 0)
    nudge_mode: NudgeMode = NudgeMode.DIGEST
    workdays: frozenset[int] = frozenset(range(5))  # Monday is 0
    hours_start: time = DEFAULT_WORKDAY_START
    hours_end: time = time(18, 0)
    # The stored row's version this copy was read at (0: never stored); not part of equality.
    version: int = field(default=0, compare=False)

    def zone_name(self, fallback: str) -> str:
        """The zone this user's dates are read and shown in."""
        return self.timezone or self.slack_timezone or fallback


@dataclass(frozen=True, slots=True)
class SlackProfile:
    """What Slack says about a user (users.info), cached in the users table."""

    user_id: str
    timezone: str | None = None
    display_name: str | None = None
    real_name: str | None = None
    email: str | None = None
    deleted: bool = False
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    team_id: str
    name: str
    kind: AccountKind
    owner: Owner
    tier: str | None
    status: AccountStatus
    cadence_days: int
    tags: tuple[str, ...]
    last_touch_at: datetime | None
    next_touch_due: datetime
    created_at: datetime
    updated_at: datetime
    stale_snoozed_until: datetime | None = None  # "Snooze one cadence period" on a stale nudge
    # Its cadence was set for it (`every …`, an import's column); else it follows its kind's
    # rule in the workspace (`settings workspace cadence …`) or the built-in default.
    cadence_own: bool = False
    # The stored row's version this copy was read at (0: never stored); not part of equality.
    version: int = field(default=0, compare=False)

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True, slots=True)
class Watch:
    """Someone who is not the owner following an account's renewal news in their digest."""

    id: int
    team_id: str
    account_id: int
    user_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Contact:
    id: int
    team_id: str
    account_id: int
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    slack_user_id: str | None = None


@dataclass(frozen=True, slots=True)
class Interaction:
    id: int
    team_id: str
    account_id: int
    kind: InteractionKind
    occurred_at: datetime
    summary: str
    logged_by: str
    contact_id: int | None = None
    permalink: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: int
    team_id: str
    number: int
    account_id: int
    owner_id: str
    due_at: datetime
    text: str
    status: FollowUpStatus
    created_by: str
    created_at: datetime
    snoozed_until: datetime | None = None
    completed_by: str | None = None
    completed_at: datetime | None = None
    # The stored row's version this copy was read at (0: never stored); not part of equality.
    version: int = field(default=0, compare=False)

    @property
    def effective_due(self) -> datetime:
        """When it is due now: the snooze wins over the original date."""
        return self.snoozed_until or self.due_at


@dataclass(frozen=True, slots=True)
class Contract:
    id: int
    team_id: str
    account_id: int
    value: Decimal | None  # None: not known (an import gave a renewal date without one)
    currency: str
    renewal_date: date
    direction: ContractDirection
    start_date: date | None = None
    notice_days: int | None = None
    # Notice given in calendar months (`notice 3 months`): notice_days is then the days of
    # those months before this term's renewal date, computed again for every new term.
    notice_months: int | None = None
    auto_renew: bool = False
    outcome: RenewalOutcome | None = None
    outcome_at: datetime | None = None
    outcome_by: str | None = None
    previous_id: int | None = None
    nudges_snoozed_until: datetime | None = None  # "Snooze 1 week" on a renewal nudge
    # The stored row's version this copy was read at (0: never stored); not part of equality.
    version: int = field(default=0, compare=False)

    @property
    def notice_deadline(self) -> date | None:
        if self.notice_days is None:
            return None
        return self.renewal_date - timedelta(days=self.notice_days)

    def next_action(self, acting_from: date) -> NextAction:
        """The date that needs action from ``acting_from`` on (today, or a window's first day):
        the notice deadline while it is on or after that day, else the renewal date (a
        deadline already passed leaves the renewal as what comes next; a renewal date already
        passed is an outcome still to record). The order of `renewals`, `mine` and the Home."""
        deadline = self.notice_deadline
        if deadline is not None and deadline >= acting_from:
            return NextAction(deadline, ActionKind.NOTICE)
        return NextAction(self.renewal_date, ActionKind.RENEWAL)


@dataclass(frozen=True, slots=True)
class NextAction:
    """A contract's next date that needs action, and which one it is."""

    day: date
    kind: ActionKind


def notice_days_for_months(renewal_date: date, months: int) -> int:
    """The days in ``months`` calendar months before ``renewal_date``: 3 months before
    15 January 2027 is 15 October 2026, 92 days; before 31 May it is 28 February, 92 days."""
    deadline: date = renewal_date - relativedelta(months=months)
    return (renewal_date - deadline).days


@dataclass(frozen=True, slots=True)
class AuditEvent:
    team_id: str
    actor: str
    action: str
    entity: str
    entity_id: int | str | None
    at: datetime
    before: dict[str, object] | None = None
    after: dict[str, object] | None = None
    id: int | None = None
    undoes: int | None = None  # an undo's row: the id of the row it took back


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking, in which workspace, from which time zone."""

    team_id: str
    user_id: str
    timezone: str = "UTC"
    is_admin: bool = False


# The operator's own audit trail: where `workspace delete` records what it removed, so the
# record outlives the workspace. Not a Slack id (those are upper-case letters and digits),
# so no workspace can ever have it; it is never listed or nudged as a workspace.
OPERATOR_TEAM = "rapport:operator"


@dataclass(frozen=True, slots=True)
class Revocation:
    """Slack took (some of) a workspace's tokens back: ``app_uninstalled`` (all of them) or
    ``tokens_revoked`` (the bot's, and the users' listed)."""

    event: str
    team_id: str
    enterprise_id: str | None
    bot: bool
    user_ids: tuple[str, ...] = ()
    event_id: str | None = None
