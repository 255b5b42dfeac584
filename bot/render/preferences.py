"""`settings`: the caller's preferences and the workspace's, shown or changed."""

from __future__ import annotations

from datetime import time

from bot import commands as c
from bot.domain import CadenceRule, NudgeMode, UserPreferences, Workspace
from bot.health import max_cadence
from bot.render.blocks import section
from bot.render.confirmations import FALLBACK_TEXT, confirmation
from bot.render.notify_rules import rules_lines
from bot.render.reply import Reply, Viewer
from bot.render.text import channel, clip, escape, pack_lines, plural, to_plain
from bot.services.settings import CadenceRuleChange, SettingsView

RULES_IN_SECTION = 2_900  # characters: a section holds 3,000
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MODES = {
    NudgeMode.DIGEST: "one digest a working day at your digest time",
    NudgeMode.INSTANT: "each item as it becomes due, within your working hours",
    NudgeMode.OFF: "no nudges",
}


def clock(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def workdays_text(days: frozenset[int]) -> str:
    """Mon–Fri for a run of three or more days, else "Mon, Tue, Thu"."""
    ordered = sorted(d for d in days if 0 <= d <= 6)
    if not ordered:
        return "none"
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{_DAY_NAMES[ordered[0]]}–{_DAY_NAMES[ordered[-1]]}"
    return ", ".join(_DAY_NAMES[d] for d in ordered)


def _zone(preferences: UserPreferences, fallback: str) -> str:
    """The zone in effect and where it comes from."""
    name = escape(preferences.zone_name(fallback))
    if preferences.timezone:
        return f"*{name}* (set by you)"
    if preferences.slack_timezone:
        return f"*{name}* (from your Slack profile)"
    return f"*{name}* (default; set yours with `settings timezone Area/City`)"


def _ladder(workspace: Workspace) -> str:
    return ", ".join(str(d) for d in workspace.renewal_ladder)


def show_settings(view: SettingsView, viewer: Viewer) -> Reply:
    p, w = view.preferences, view.workspace
    mine = "\n".join(
        [
            "*Your settings*",
            f"• Time zone: {_zone(p, view.effective_timezone)}",
            f"• Nudges: *{p.nudge_mode.value}* — {_MODES[p.nudge_mode]}",
            f"• Digest time: *{clock(p.digest_time)}*",
            f"• Working days: *{workdays_text(p.workdays)}*",
            f"• Working hours: *{clock(p.hours_start)}–{clock(p.hours_end)}*",
        ]
    )
    dayfirst = (
        "on (03/04/2027 is 3 April; 24.000 is twenty-four thousand)"
        if w.dayfirst
        else "off (03/04/2027 is 4 March; 24.000 is twenty-four)"
    )
    workspace = "\n".join(
        [
            "*Workspace*",
            f"• Day-first dates: {dayfirst}",
            f"• Currency: *{escape(w.currency)}* (for values written without one)",
            f"• Renewal reminders: {_ladder(w)} days before the renewal date",
            f"• Weekly report: {_report(w)}",
            f"• Health score: {'on' if w.health_enabled else 'off'}",
            f"• Cadence by kind: {_cadences(w)}",
        ]
    )
    lines = rules_lines(view.notify_rules, w.escalation_channel)
    notify = "*Channel notifications*\n" + pack_lines(lines, RULES_IN_SECTION)
    blocks = [section(mine), section(workspace), section(notify)]
    text = clip(to_plain(f"{mine}\n{workspace}\n{notify}"), FALLBACK_TEXT)
    return Reply(text=text, blocks=blocks)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def report_when(w: Workspace) -> str:
    """ "every Monday at 09:00 (Europe/Berlin)"."""
    day, zone = _WEEKDAYS[w.report_weekday], escape(w.report_timezone)
    return f"every {day} at {clock(w.report_time)} ({zone})"


def _report(w: Workspace) -> str:
    if w.report_channel is None:
        return "off (`settings workspace report #channel monday 09:00`)"
    return f"{channel(w.report_channel)} {report_when(w)}"


def _cadences(w: Workspace) -> str:
    if not w.cadence_rules:
        return "the defaults (customers 30 days, prospects 14, the others 90; at most twice that)"
    return "; ".join(f"{rule.kind.value}s {cadence_text(rule)}" for rule in w.cadence_rules)


def preferences_changed(command: c.Command, p: UserPreferences, viewer: Viewer) -> Reply:
    zone = f"Your time zone: {_zone(p, viewer.tz.key)}"
    match command:
        case c.SetTimezone():
            name = escape(p.zone_name(viewer.tz.key))
            return confirmation(f"Time zone set to *{name}*: dates and nudges follow it now.")
        case c.SetDigestTime():
            line = f"Your digest now comes at *{clock(p.digest_time)}* on working days."
            if p.nudge_mode is not NudgeMode.DIGEST:
                return confirmation(
                    line, zone, f"Nudges are `{p.nudge_mode.value}`: `settings nudges digest`."
                )
            return confirmation(line, zone)
        case c.SetNudgeMode():
            return confirmation(f"Nudges: *{p.nudge_mode.value}* — {_MODES[p.nudge_mode]}.", zone)
        case c.SetWorkdays():
            return confirmation(f"Working days set to *{workdays_text(p.workdays)}*.", zone)
        case c.SetHours():
            hours = f"{clock(p.hours_start)}–{clock(p.hours_end)}"
            return confirmation(f"Working hours set to *{hours}*.", zone)
    return confirmation("Settings saved.", zone)


def workspace_changed(command: c.Command, w: Workspace) -> Reply:
    match command:
        case c.SetDayFirst():
            if w.dayfirst:
                return confirmation(
                    "Day-first dates are *on*: 03/04/2027 is 3 April.",
                    "Numbers too: “,” is the decimal mark, so 24.000 is twenty-four thousand.",
                )
            return confirmation(
                "Day-first dates are *off*: 03/04/2027 is 4 March.",
                "Numbers too: “.” is the decimal mark, so 24,000 is twenty-four thousand.",
            )
        case c.SetWorkspaceCurrency():
            return confirmation(
                f"The workspace currency is *{escape(w.currency)}*: a contract value written "
                "without a currency is in it."
            )
        case c.SetEscalationChannel():
            where = channel(w.escalation_channel) if w.escalation_channel else "no channel"
            return confirmation(
                f"Escalations now go to {where}.",
                "If I'm not a member there yet, invite me so nothing is lost.",
            )
        case c.SetRenewalLadder():
            return confirmation(f"Renewal reminders: *{_ladder(w)}* days before each renewal date.")
        case c.SetWeeklyReport():
            if w.report_channel is None:
                return confirmation("The weekly report is *off*: no channel gets it.")
            return confirmation(
                f"The weekly team report goes to {channel(w.report_channel)} {report_when(w)}.",
                "If I'm not a member there yet, invite me so it can be posted. "
                "`/crm report` shows it to you now.",
            )
        case c.SetHealthScore():
            if w.health_enabled:
                return confirmation(
                    "The health score is *on*: account cards, `accounts by health`, "
                    "`accounts at risk` and the Home show it."
                )
            return confirmation(
                "The health score is *off*: no scores are shown; `accounts at risk` lists the "
                "accounts marked at risk."
            )
    return confirmation("Workspace settings saved.")


def cadence_text(rule: CadenceRule) -> str:
    """ "every 60 days, at most 120"."""
    most = max_cadence(rule.ideal_days, rule.max_days)
    return f"every {plural(rule.ideal_days, 'day')}, at most {most}"


def cadence_rule_changed(change: CadenceRuleChange) -> Reply:
    rule = change.rule
    kinds = f"{rule.kind.value}s".capitalize()
    lead = (
        f"{kinds} are back to the default cadence: *{cadence_text(rule)}*."
        if change.is_default
        else f"{kinds} should be touched *{cadence_text(rule)}*."
    )
    if change.moved:
        moved = (
            f"{plural(change.moved, rule.kind.value)} that had no cadence of "
            f"{'its' if change.moved == 1 else 'their'} own moved to it (counted from the last "
            "touch); those given their own with `every …` keep it."
        )
    else:
        moved = "No existing account had to move; those with their own cadence keep it."
    return confirmation(lead, moved, "New accounts of the kind get it too.")
