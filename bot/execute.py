"""From a line of text to a result: parse it against the workspace, run the use case.

The one path every surface shares — the slash command, a mention, a DM, the console — so
they all understand the same language and refuse the same way. Refusals are raised as
``RapportError`` (the caller's unit of work rolls back), text the parser could not read among
them (``NotUnderstood``, carrying the parser's ``ParseError`` with its usage and example).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import commands as c
from bot.choices import AccountChoice
from bot.domain import AccountFilter, Actor, Owner
from bot.errors import AmbiguousAccount, NothingToDo, RapportError
from bot.paging import Cursor, More
from bot.parser import LookedUpNames, ParseContext, parse_command
from bot.ports import UnitOfWork
from bot.services import (
    accounts,
    contracts,
    follow_ups,
    interactions,
    notify_rules,
    queries,
    settings,
    team_report,
    undo,
    watchers,
)
from bot.services.lookup import account_by_id
from bot.validation import check_storable


class NotUnderstood(RapportError):
    """A line the parser could not read; nothing of the request is kept."""

    def __init__(self, parse_error: c.ParseError) -> None:
        super().__init__(parse_error.message)
        self.parse_error = parse_error


@dataclass(frozen=True, slots=True)
class Executed:
    """A command and what its use case returned, for the renderer to show."""

    command: c.Command
    value: object


def run_text(uow: UnitOfWork, actor: Actor, now: datetime, text: str) -> Executed:
    """Parse ``text`` in the caller's workspace and zone, then execute it; raises
    ``NotUnderstood`` (or the use case's refusal)."""
    parsed = _parse(uow, actor, now, text)
    try:
        return Executed(parsed, execute(uow, actor, now, parsed))
    except AmbiguousAccount as ambiguous:
        raise ambiguous.asked_in(text) from None


def run_choice(uow: UnitOfWork, actor: Actor, now: datetime, value: str) -> Executed:
    """A line that named several accounts, run again for the one picked from them: what its
    "which account?" button carries (``AccountChoice``). The line is read as it was then;
    its account is the picked one, by id, whatever it has been renamed to since."""
    try:
        choice = AccountChoice.decode(value)
    except ValueError:
        raise _NO_CHOICE from None
    parsed = _parse(uow, actor, now, choice.line)
    if not isinstance(parsed, c.ForAnAccount):
        raise _NO_CHOICE
    picked = account_by_id(uow, choice.account_id)
    chosen = replace(parsed, account=picked.name)
    return Executed(chosen, execute(uow, actor, now, chosen))


def run_more(uow: UnitOfWork, actor: Actor, now: datetime, value: str) -> Executed:
    """The next page of a list, from what its "Show more" button carries (``More``): the
    list's line, read again as the caller's (whose "mine" is the clicker's), after the cursor."""
    try:
        more = More.decode(value)
    except ValueError:
        raise _NO_MORE from None
    try:
        parsed = _parse(uow, actor, now, more.line)
    except NotUnderstood:
        raise _NO_MORE from None
    # Each list knows its cursor's shape; a cursor of another shape (forged, or from a
    # list whose order has changed since) goes on with nothing.
    match parsed:
        case c.ListAccounts() if _shaped(more.cursor, *_account_cursor(parsed)):
            return Executed(parsed, _accounts(uow, actor, now, parsed, after=more.cursor))
        case c.Renewals() | c.Notices() if _shaped(more.cursor, date, int):
            return Executed(parsed, _contracts(uow, actor, now, parsed, after=more.cursor))
    raise _NO_MORE


def _shaped(cursor: Cursor, *parts: type) -> bool:
    return len(cursor.key) == len(parts) and all(
        type(value) is part for value, part in zip(cursor.key, parts, strict=True)
    )


_NO_CHOICE = NothingToDo(
    "This button doesn't say which line to run for which account, so it does nothing.",
    hint="Type the line again with the account's full name.",
)

_NO_MORE = NothingToDo(
    "This button doesn't say which list to go on with, so it shows nothing.",
    hint="Ask for the list again, for example `accounts all`.",
)


def _parse(uow: UnitOfWork, actor: Actor, now: datetime, text: str) -> c.Command:
    check_storable(text)
    workspace = uow.workspaces.get_or_create(now)
    context = ParseContext(
        now=now,
        tz=ZoneInfo(actor.timezone),
        dayfirst=workspace.dayfirst,
        account_keys=LookedUpNames(uow.accounts.keys_among),
        currency=workspace.currency,
    )
    parsed = parse_command(text, context)
    if isinstance(parsed, c.ParseError):
        raise NotUnderstood(parsed)
    return parsed


def execute(uow: UnitOfWork, actor: Actor, now: datetime, command: c.Command) -> object:
    """Run one command's use case and return its value."""
    match command:
        case c.Help():
            return command
        case c.AddAccount():
            owner = Owner(user_id=command.owner_id) if command.owner_id else None
            return accounts.add_account(
                uow,
                actor,
                now,
                name=command.name,
                kind=command.kind,
                owner=owner,
                tier=command.tier,
                cadence_days=command.cadence_days,
            )
        case c.RenameAccount():
            return accounts.rename_account(
                uow, actor, now, account=command.account, new_name=command.new_name
            )
        case c.ArchiveAccount():
            return accounts.archive_account(uow, actor, now, account=command.account)
        case c.SetStatus():
            return accounts.set_status(
                uow, actor, now, account=command.account, status=command.status
            )
        case c.SetAccountField():
            return accounts.set_account_field(
                uow,
                actor,
                now,
                account=command.account,
                tier=command.tier,
                kind=command.kind,
                cadence_days=command.cadence_days,
            )
        case c.TagAccount():
            return accounts.tag_account(uow, actor, now, account=command.account, tags=command.tags)
        case c.UntagAccount():
            return accounts.untag_account(uow, actor, now, account=command.account, tag=command.tag)
        case c.AssignAccount():
            return accounts.assign_account(
                uow, actor, now, account=command.account, user_id=command.user_id
            )
        case c.AddContact():
            return accounts.add_contact(
                uow,
                actor,
                now,
                account=command.account,
                name=command.name,
                title=command.title,
                email=command.email,
                phone=command.phone,
            )
        case c.SetContract():
            return contracts.set_contract(
                uow,
                actor,
                now,
                account=command.account,
                value=command.value,
                currency=command.currency,
                renews=command.renews,
                notice_days=command.notice_days,
                notice_months=command.notice_months,
                auto_renew=command.auto_renew,
            )
        case c.RecordOutcome():
            return contracts.record_outcome(
                uow, actor, now, account=command.account, renewed=command.renewed
            )
        case c.WatchAccount():
            return watchers.watch_account(uow, actor, now, account=command.account)
        case c.UnwatchAccount():
            return watchers.unwatch_account(uow, actor, now, account=command.account)
        case c.LogInteraction():
            tail = command.follow_up
            return interactions.log_interaction(
                uow,
                actor,
                now,
                account=command.account,
                kind=command.kind,
                summary=command.summary,
                when=command.when,
                follow_up_when=tail.when if tail else None,
                follow_up_text=tail.text if tail else None,
            )
        case c.CreateFollowUp():
            return follow_ups.create_follow_up(
                uow,
                actor,
                now,
                account=command.account,
                when=command.when,
                text=command.text,
                owner_id=command.owner_id,
            )
        case c.CompleteFollowUp():
            return follow_ups.complete_follow_ups(uow, actor, now, command.numbers)
        case c.SnoozeFollowUp():
            return follow_ups.snooze_follow_ups(uow, actor, now, command.numbers, command.until)
        case c.CancelFollowUp():
            return follow_ups.cancel_follow_ups(uow, actor, now, command.numbers)
        case c.ReopenFollowUp():
            return follow_ups.reopen_follow_ups(uow, actor, now, command.numbers)
        case c.Undo():
            return undo.undo_last_change(uow, actor, now)
        case _:
            return _read(uow, actor, now, command)


def _owner_filter(actor: Actor, scope: c.Scope, user_id: str | None) -> str | None:
    """Whose items a list shows: None means everyone's."""
    if scope is c.Scope.ALL:
        return None
    return user_id if scope is c.Scope.USER and user_id else actor.user_id


def _accounts(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    command: c.ListAccounts,
    *,
    after: Cursor | None = None,
) -> queries.AccountList:
    wanted = AccountFilter(
        owner_id=_owner_filter(actor, command.scope, command.user_id),
        kind=command.kind,
        tier=command.tier,
        tag=command.tag,
        at_risk=command.at_risk,
    )
    if command.by_health:
        today = now.astimezone(ZoneInfo(actor.timezone)).date()
        return queries.account_health_list(uow, wanted, now, today, after=after)
    return queries.account_list(uow, wanted, after=after)


def _account_cursor(command: c.ListAccounts) -> tuple[type, ...]:
    """The shape of a list's cursor: (score, name key) by health, else (name key,)."""
    return (int, str) if command.by_health else (str,)


def _contracts(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    command: c.Renewals | c.Notices,
    *,
    after: Cursor | None = None,
) -> queries.RenewalList:
    if isinstance(command, c.Notices):
        return queries.notices(uow, actor, now, within_days=command.within_days, after=after)
    return queries.renewals(
        uow, actor, now, within_days=command.within_days, period=command.period, after=after
    )


def _read(uow: UnitOfWork, actor: Actor, now: datetime, command: c.Command) -> object:
    match command:
        case c.ListAccounts():
            return _accounts(uow, actor, now, command)
        case c.FindAccounts():
            return queries.find_accounts(
                uow, command.query, include_archived=command.include_archived
            )
        case c.ShowAccount():
            today = now.astimezone(ZoneInfo(actor.timezone)).date()
            return queries.account_card(uow, command.account, now, today)
        case c.History():
            return queries.history(uow, command.account, command.limit)
        case c.WhoOwns():
            return queries.who_owns(uow, command.account)
        case c.Mine():
            return queries.mine(uow, actor, now)
        case c.Overdue():
            return queries.overdue(uow, now, _owner_filter(actor, command.scope, command.user_id))
        case c.Due():
            return queries.due(uow, actor, now, this_week=command.period == "this week")
        case c.Renewals() | c.Notices():
            return _contracts(uow, actor, now, command)
        case c.Stale():
            return queries.stale(uow, now, _owner_filter(actor, command.scope, command.user_id))
        case c.ShowTeamReport():
            return team_report.build_report(uow, now, ZoneInfo(actor.timezone))
        case _:
            return _settings(uow, actor, now, command)


def _settings(uow: UnitOfWork, actor: Actor, now: datetime, command: c.Command) -> object:
    match command:
        case c.ShowSettings():
            return settings.show_settings(uow, actor, now)
        case c.SetTimezone():
            return settings.update_preferences(uow, actor, now, timezone=command.timezone)
        case c.SetDigestTime():
            return settings.update_preferences(uow, actor, now, digest_time=command.at)
        case c.SetNudgeMode():
            return settings.update_preferences(uow, actor, now, nudge_mode=command.mode)
        case c.SetWorkdays():
            return settings.update_preferences(uow, actor, now, workdays=command.days)
        case c.SetHours():
            return settings.update_preferences(
                uow, actor, now, hours_start=command.start, hours_end=command.end
            )
        case c.SetDayFirst():
            return settings.update_workspace(uow, actor, now, dayfirst=command.enabled)
        case c.SetWorkspaceCurrency():
            return settings.update_workspace(uow, actor, now, currency=command.code)
        case c.SetEscalationChannel():
            return settings.update_workspace(uow, actor, now, escalation_channel=command.channel_id)
        case c.SetRenewalLadder():
            return settings.update_workspace(uow, actor, now, renewal_ladder=command.days)
        case c.SetHealthScore():
            return settings.update_workspace(uow, actor, now, health_enabled=command.enabled)
        case c.SetWeeklyReport():
            return settings.update_workspace(
                uow,
                actor,
                now,
                report_channel=command.channel_id,
                report_weekday=command.weekday,
                report_time=command.at,
                report_timezone=actor.timezone,
            )
        case c.AddNotifyRule():
            return notify_rules.add_notify_rule(uow, actor, now, command.rule)
        case c.RemoveNotifyRule():
            return notify_rules.remove_notify_rule(
                uow, actor, now, number=command.number, spec=command.rule
            )
        case c.SetCadenceRule():
            return settings.set_cadence_rule(
                uow,
                actor,
                now,
                kind=command.kind,
                ideal_days=command.ideal_days,
                max_days=command.max_days,
            )
    raise TypeError(f"no use case for {command!r}")
