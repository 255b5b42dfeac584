"""Typed commands: what a line of `/crm …` text means, before anything is looked up or stored.

The parser (``bot.parser``) turns text into one of these or into a ``ParseError``; the
executor (``bot.execute``) runs them through the services.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from typing import Literal

from bot.dates import When
from bot.domain import AccountKind, AccountStatus, InteractionKind, NudgeMode, RenewalPeriod
from bot.notify import NotifyRuleSpec


class Scope(enum.StrEnum):
    """Whose items a list shows: the caller's, a named user's, or everyone's."""

    MINE = "mine"
    USER = "user"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class AddAccount:
    name: str
    kind: AccountKind | None = None
    owner_id: str | None = None
    tier: str | None = None
    cadence_days: int | None = None


@dataclass(frozen=True, slots=True)
class RenameAccount:
    account: str
    new_name: str


@dataclass(frozen=True, slots=True)
class ArchiveAccount:
    account: str


@dataclass(frozen=True, slots=True)
class SetStatus:
    account: str
    status: AccountStatus


@dataclass(frozen=True, slots=True)
class SetAccountField:
    """`set <account> tier|kind|every …`: one of them, the others None."""

    account: str
    tier: str | None = None
    kind: AccountKind | None = None
    cadence_days: int | None = None


@dataclass(frozen=True, slots=True)
class TagAccount:
    account: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UntagAccount:
    account: str
    tag: str


@dataclass(frozen=True, slots=True)
class AmountReading:
    """An amount the workspace's number style read as decimals (`24.000` as 24 without
    dayfirst, `24,000` as 24 with it): the reply says so, so a wrong reading is seen at once."""

    typed: str
    decimal_mark: str  # "." or ",": the one the workspace writes decimals after


@dataclass(frozen=True, slots=True)
class SetContract:
    account: str
    value: Decimal
    currency: str
    renews: When
    notice_days: int | None = None
    auto_renew: bool = False
    # `notice 3 months`: calendar months before the renewal date; the service counts the days.
    notice_months: int | None = None
    read_as: AmountReading | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class FollowUpSpec:
    """The `follow up <when>[: <text>]` tail of a `log` line; no text means the summary's."""

    when: When
    text: str | None = None


@dataclass(frozen=True, slots=True)
class LogInteraction:
    kind: InteractionKind
    account: str
    summary: str
    when: When | None = None
    follow_up: FollowUpSpec | None = None


@dataclass(frozen=True, slots=True)
class CreateFollowUp:
    account: str
    when: When
    text: str
    owner_id: str | None = None


@dataclass(frozen=True, slots=True)
class CompleteFollowUp:
    """`done 4 10`: each number once, in the order typed; all of them are closed, or none."""

    numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SnoozeFollowUp:
    numbers: tuple[int, ...]
    until: When


@dataclass(frozen=True, slots=True)
class CancelFollowUp:
    numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ReopenFollowUp:
    """`reopen 4 10`: follow-ups closed or cancelled by mistake; all of them, or none."""

    numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Undo:
    """Take back the caller's own last change of the last hour (again: the one before)."""


@dataclass(frozen=True, slots=True)
class FindAccounts:
    query: str
    include_archived: bool = False


@dataclass(frozen=True, slots=True)
class ShowAccount:
    account: str


@dataclass(frozen=True, slots=True)
class History:
    account: str
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class WhoOwns:
    account: str


@dataclass(frozen=True, slots=True)
class AssignAccount:
    account: str
    user_id: str


@dataclass(frozen=True, slots=True)
class AddContact:
    account: str
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Mine:
    pass


@dataclass(frozen=True, slots=True)
class ListAccounts:
    """`accounts [@user|mine|all] [<kind>] [tier <t>] [tag <t>] [at risk] [by health]`: filters
    that combine; none at all means the caller's own accounts."""

    scope: Scope = Scope.MINE
    user_id: str | None = None
    kind: AccountKind | None = None
    tier: str | None = None
    tag: str | None = None
    at_risk: bool = False
    by_health: bool = False  # worst first (`accounts by health`); `at risk` lists by health too


@dataclass(frozen=True, slots=True)
class Overdue:
    scope: Scope = Scope.MINE
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class Due:
    period: Literal["today", "this week"] = "today"


@dataclass(frozen=True, slots=True)
class Renewals:
    """`renewals [in <N> days|this month|this quarter|next quarter]`: neither given means the
    default window (90 days)."""

    within_days: int | None = None
    period: RenewalPeriod | None = None


@dataclass(frozen=True, slots=True)
class Notices:
    """`notices [in <N> days]`: coming notice deadlines; None means the default (90 days)."""

    within_days: int | None = None


@dataclass(frozen=True, slots=True)
class Stale:
    scope: Scope = Scope.MINE
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """`renewed <account>` or `churned <account>` ("not renewing")."""

    account: str
    renewed: bool


@dataclass(frozen=True, slots=True)
class WatchAccount:
    """`watch <account>`: its renewal news in the caller's own digest."""

    account: str


@dataclass(frozen=True, slots=True)
class UnwatchAccount:
    account: str


@dataclass(frozen=True, slots=True)
class ShowSettings:
    pass


@dataclass(frozen=True, slots=True)
class SetTimezone:
    timezone: str  # a valid IANA name, checked by the parser


@dataclass(frozen=True, slots=True)
class SetDigestTime:
    at: time


@dataclass(frozen=True, slots=True)
class SetNudgeMode:
    mode: NudgeMode


@dataclass(frozen=True, slots=True)
class SetWorkdays:
    days: frozenset[int]  # Monday is 0


@dataclass(frozen=True, slots=True)
class SetHours:
    start: time
    end: time  # after start


@dataclass(frozen=True, slots=True)
class SetDayFirst:
    enabled: bool


@dataclass(frozen=True, slots=True)
class SetWorkspaceCurrency:
    code: str  # three letters, upper case, checked by the parser


@dataclass(frozen=True, slots=True)
class SetEscalationChannel:
    channel_id: str  # as Slack sends it: C…; the parser accepts <#C123|name> and <#C123>


@dataclass(frozen=True, slots=True)
class SetRenewalLadder:
    days: tuple[int, ...]  # descending, positive, unique


@dataclass(frozen=True, slots=True)
class SetHealthScore:
    enabled: bool


@dataclass(frozen=True, slots=True)
class SetCadenceRule:
    """`settings workspace cadence <kind> <N> days [max <M> days]`; ``ideal_days`` None: back
    to the built-in default (`… cadence supplier default`)."""

    kind: AccountKind
    ideal_days: int | None
    max_days: int | None = None  # at least ideal_days, checked by the parser


@dataclass(frozen=True, slots=True)
class SetWeeklyReport:
    """`settings workspace report #channel [<weekday>] [<HH:MM>]` (Monday 09:00 unless said),
    in the zone of the admin who sets it; ``channel_id`` None: `… report off`."""

    channel_id: str | None
    weekday: int = 0  # Monday is 0
    at: time = time(9, 0)


@dataclass(frozen=True, slots=True)
class ShowTeamReport:
    """`report`: the weekly team report, now, for the caller (its chart follows)."""


@dataclass(frozen=True, slots=True)
class AddNotifyRule:
    """`settings workspace notify #channel when <event> [for <kind>|tier <t>|tag <t>]`."""

    rule: NotifyRuleSpec


@dataclass(frozen=True, slots=True)
class RemoveNotifyRule:
    """`settings workspace notify remove <N>` (as `settings workspace` numbers the rules), or
    the rule written out with `off` at the end."""

    number: int | None = None
    rule: NotifyRuleSpec | None = None


@dataclass(frozen=True, slots=True)
class ParseError:
    """Text the parser could not read: what was not understood, the usage line, an example."""

    message: str
    usage: str | None = None
    example: str | None = None
    retype: str | None = None  # the whole line, repeated for the person to copy and correct


Command = (
    Help
    | AddAccount
    | RenameAccount
    | ArchiveAccount
    | SetStatus
    | TagAccount
    | UntagAccount
    | SetAccountField
    | SetContract
    | LogInteraction
    | CreateFollowUp
    | CompleteFollowUp
    | SnoozeFollowUp
    | CancelFollowUp
    | ReopenFollowUp
    | Undo
    | FindAccounts
    | ShowAccount
    | History
    | WhoOwns
    | AssignAccount
    | AddContact
    | Mine
    | ListAccounts
    | Overdue
    | Due
    | Renewals
    | Notices
    | Stale
    | ShowTeamReport
    | RecordOutcome
    | WatchAccount
    | UnwatchAccount
    | ShowSettings
    | SetTimezone
    | SetDigestTime
    | SetNudgeMode
    | SetWorkdays
    | SetHours
    | SetDayFirst
    | SetWorkspaceCurrency
    | SetEscalationChannel
    | SetRenewalLadder
    | SetHealthScore
    | SetCadenceRule
    | SetWeeklyReport
    | AddNotifyRule
    | RemoveNotifyRule
)

_QUESTIONS = (
    Help,
    FindAccounts,
    ShowAccount,
    History,
    WhoOwns,
    Mine,
    ListAccounts,
    Overdue,
    Due,
    Renewals,
    Notices,
    Stale,
    ShowTeamReport,
    ShowSettings,
)


def is_change(command: Command) -> bool:
    """Whether running ``command`` changes anything (and so what a user sees on their Home)."""
    return not isinstance(command, _QUESTIONS)


# The commands that name one account (their ``account``, as typed): a line that named several
# accounts runs again for the one picked (``bot.execute.run_choice``).
ForAnAccount = (
    RenameAccount
    | ArchiveAccount
    | SetStatus
    | SetAccountField
    | TagAccount
    | UntagAccount
    | SetContract
    | LogInteraction
    | CreateFollowUp
    | ShowAccount
    | History
    | WhoOwns
    | AssignAccount
    | AddContact
    | RecordOutcome
    | WatchAccount
    | UnwatchAccount
)
