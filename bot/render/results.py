"""``render_result``: every command's result, as a reply for one viewer."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from bot import commands as c
from bot.domain import Account, UserPreferences, Workspace
from bot.execute import Executed
from bot.paging import Page
from bot.render import confirmations, lists, preferences
from bot.render.cards import account_card
from bot.render.help import render_help
from bot.render.notify_rules import notify_rule_changed
from bot.render.reply import Reply, Viewer
from bot.render.team_report import render_team_report
from bot.render.undo import taken_back
from bot.render.watching import watch_changed
from bot.services.accounts import AccountChange, ContactSaved
from bot.services.contracts import ContractChange, RenewalRecorded
from bot.services.follow_ups import FollowUpChange, FollowUpChanges
from bot.services.interactions import LoggedInteraction
from bot.services.notify_rules import NotifyRuleChange
from bot.services.queries import (
    AccountCard,
    AccountList,
    FollowUpItem,
    Found,
    History,
    MySummary,
    RenewalList,
)
from bot.services.settings import CadenceRuleChange, SettingsView
from bot.services.team_report import TeamReport
from bot.services.undo import Undone
from bot.services.watchers import WatchChange

T = TypeVar("T")


def _expect(value: object, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _page(value: object, kind: type[T]) -> Page[T]:
    page: Page[object] = _expect(value, Page)
    return page.map(lambda item: _expect(item, kind))


def render_result(executed: Executed, viewer: Viewer) -> Reply:
    """The reply to a command, from what its use case returned (see ``bot.execute``)."""
    command, value = executed.command, executed.value
    match command:
        case c.Help():
            return render_help(command.topic)
        case c.AddAccount():
            return confirmations.added(_expect(value, Account), viewer)
        case (
            c.RenameAccount()
            | c.ArchiveAccount()
            | c.SetStatus()
            | c.SetAccountField()
            | c.TagAccount()
            | c.UntagAccount()
            | c.AssignAccount()
        ):
            return confirmations.account_changed(command, _expect(value, AccountChange), viewer)
        case c.AddContact():
            return confirmations.contact_added(_expect(value, ContactSaved))
        case c.SetContract():
            return confirmations.contract_set(
                _expect(value, ContractChange), viewer, read_as=command.read_as
            )
        case c.RecordOutcome():
            return confirmations.outcome_recorded(_expect(value, RenewalRecorded), viewer)
        case c.WatchAccount() | c.UnwatchAccount():
            return watch_changed(_expect(value, WatchChange))
        case c.LogInteraction():
            return confirmations.logged(_expect(value, LoggedInteraction), viewer)
        case c.CreateFollowUp():
            change = _expect(value, FollowUpChange)
            return confirmations.follow_up_changed(command, change, viewer)
        case c.CompleteFollowUp() | c.SnoozeFollowUp() | c.CancelFollowUp() | c.ReopenFollowUp():
            changes = _expect(value, FollowUpChanges)
            return confirmations.follow_ups_changed(command, changes, viewer)
        case c.Undo():
            return taken_back(_expect(value, Undone), viewer)
    return _read(command, value, viewer)


def _read(command: c.Command, value: object, viewer: Viewer) -> Reply:
    match command:
        case c.FindAccounts():
            return lists.found(_expect(value, Found))
        case c.ShowAccount():
            return account_card(_expect(value, AccountCard), viewer)
        case c.History():
            return lists.history(_expect(value, History), viewer)
        case c.WhoOwns():
            return lists.who_owns(_expect(value, Account))
        case c.Mine():
            return lists.mine(_expect(value, MySummary), viewer)
        case c.ListAccounts():
            return lists.accounts(_expect(value, AccountList), command, viewer)
        case c.Overdue():
            return lists.overdue(_page(value, FollowUpItem), command, viewer)
        case c.Due():
            return lists.due(_page(value, FollowUpItem), command, viewer)
        case c.Renewals() | c.Notices():
            return lists.renewals(_expect(value, RenewalList), command, viewer)
        case c.Stale():
            return lists.stale(_page(value, Account), command, viewer)
        case c.ShowTeamReport():
            report = render_team_report(_expect(value, TeamReport), viewer)
            return replace(report, ephemeral=True)  # the caller's own look, not the channel's
        case c.ShowSettings():
            return preferences.show_settings(_expect(value, SettingsView), viewer)
        case (
            c.SetTimezone() | c.SetDigestTime() | c.SetNudgeMode() | c.SetWorkdays() | c.SetHours()
        ):
            return preferences.preferences_changed(command, _expect(value, UserPreferences), viewer)
        case (
            c.SetDayFirst()
            | c.SetWorkspaceCurrency()
            | c.SetEscalationChannel()
            | c.SetRenewalLadder()
            | c.SetHealthScore()
            | c.SetWeeklyReport()
        ):
            return preferences.workspace_changed(command, _expect(value, Workspace))
        case c.SetCadenceRule():
            return preferences.cadence_rule_changed(_expect(value, CadenceRuleChange))
        case c.AddNotifyRule() | c.RemoveNotifyRule():
            return notify_rule_changed(_expect(value, NotifyRuleChange))
    raise TypeError(f"no renderer for {command!r}")
