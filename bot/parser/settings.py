"""The `settings` command: a person's own settings and the workspace's."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import time
from functools import cache
from zoneinfo import available_timezones

from bot.commands import (
    Command,
    SetCadenceRule,
    SetDayFirst,
    SetDigestTime,
    SetEscalationChannel,
    SetHealthScore,
    SetHours,
    SetNudgeMode,
    SetRenewalLadder,
    SetTimezone,
    SetWeeklyReport,
    SetWorkdays,
    SetWorkspaceCurrency,
    ShowSettings,
)
from bot.domain import AccountKind, NudgeMode
from bot.parser import reading
from bot.parser.accounts import cadence_days
from bot.parser.notify import parse_notify
from bot.parser.reading import ParseContext, Unreadable

_CLOCK = re.compile(
    r"(?P<hour>[0-9]{1,2})(?:[:.h](?P<minute>[0-9]{2}))?(?:\s*(?P<half>[ap])\.?m\.?)?",
    re.IGNORECASE,
)
_WEEKDAY_WORDS = {
    spelling: index
    for index, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    for spelling in (name, name[:3], name[:2])
} | {"tues": 1, "thur": 3, "thurs": 3}
_SWITCH = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}
_MAX_LADDER_DAYS = 3_660  # ten years before a renewal


@cache
def _zone_names() -> Mapping[str, str]:
    """IANA zone names by their case-folded spelling."""
    return {name.casefold(): name for name in available_timezones()}


def _clock_time(text: str) -> time:
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise Unreadable(f"I couldn't read {reading.quote(text)} as a time; write it like `08:30`.")
    hour, minute, half = int(found["hour"]), int(found["minute"] or 0), found["half"]
    if half is not None:
        if not 1 <= hour <= 12:
            raise Unreadable(f"With am or pm the hour is 1 to 12, not {reading.quote(text)}.")
        hour = hour % 12 + (12 if half.casefold() == "p" else 0)
    if hour > 23 or minute > 59:
        raise Unreadable(f"{reading.quote(text)} is not a time of day; write it like `08:30`.")
    return time(hour, minute)


def _set_timezone(value: str) -> SetTimezone:
    name = _zone_names().get(value.strip().casefold())
    if name is None:
        raise Unreadable(
            f"I don't know the time zone {reading.quote(value)}. Use an Area/City name such as "
            "`Europe/Berlin` or `America/New_York`."
        )
    return SetTimezone(name)


def _set_digest(value: str) -> SetDigestTime:
    return SetDigestTime(_clock_time(value))


def _set_nudges(value: str) -> SetNudgeMode:
    try:
        return SetNudgeMode(NudgeMode(value.strip().casefold()))
    except ValueError:
        raise Unreadable(
            f"Nudges can be digest, instant or off, not {reading.quote(value)}."
        ) from None


def _set_workdays(value: str) -> SetWorkdays:
    text = re.sub(r"\s*[-–]\s*", "-", value.strip().casefold())
    if text == "weekdays":
        text = "mon-fri"
    days: set[int] = set()
    for part in filter(None, re.split(r"[\s,;]+", text)):
        first, _, last = part.partition("-")
        start, end = _WEEKDAY_WORDS.get(first), _WEEKDAY_WORDS.get(last or first)
        if start is None or end is None:
            raise Unreadable(
                f"I couldn't read {reading.quote(part)} as days; write them like `mon-fri` or "
                "`mon,tue,thu`."
            )
        days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    if not days:
        raise Unreadable("Which days? Write them like `mon-fri` or `mon,tue,thu`.")
    return SetWorkdays(frozenset(days))


def _set_hours(value: str) -> SetHours:
    found = re.fullmatch(r"(.+?)\s*(?:-|–|to|until)\s*(.+)", value.strip(), re.IGNORECASE)
    if found is None:
        raise Unreadable(f"I couldn't read {reading.quote(value)} as hours; write `08:00-18:00`.")
    start, end = _clock_time(found[1]), _clock_time(found[2])
    if end <= start:
        raise Unreadable(f"The end of the day must come after its start ({reading.quote(value)}).")
    return SetHours(start, end)


def _set_dayfirst(value: str) -> SetDayFirst:
    enabled = _SWITCH.get(value.strip().casefold())
    if enabled is None:
        raise Unreadable(f"Day-first can be on or off, not {reading.quote(value)}.")
    return SetDayFirst(enabled)


def _set_currency(value: str) -> SetWorkspaceCurrency:
    code = value.strip()
    if not re.fullmatch(r"[A-Za-z]{3}", code):
        raise Unreadable(
            f"A currency is its three-letter code, like `EUR` or `USD`, not {reading.quote(value)}."
        )
    return SetWorkspaceCurrency(code.upper())


def _set_escalation(value: str) -> SetEscalationChannel:
    found = reading.CHANNEL.fullmatch(value.strip())
    if found is None:
        raise Unreadable(
            f"I can't tell which channel {reading.quote(value)} is: type # and pick the channel "
            "from Slack's list."
        )
    return SetEscalationChannel(found[1])


def _set_ladder(value: str) -> SetRenewalLadder:
    days: set[int] = set()
    for part in filter(None, re.split(r"[\s,;]+", value.strip())):
        number = reading.small_int(part)
        if number is None or not 1 <= number <= _MAX_LADDER_DAYS:
            raise Unreadable(
                f"Ladder steps are days from 1 to {_MAX_LADDER_DAYS}, not {reading.quote(part)}."
            )
        days.add(number)
    if not days:
        raise Unreadable("Which days before the renewal? Like `90,60,30,14,7,1`.")
    return SetRenewalLadder(tuple(sorted(days, reverse=True)))


def _set_health(value: str) -> SetHealthScore:
    enabled = _SWITCH.get(value.strip().casefold())
    if enabled is None:
        raise Unreadable(f"The health score can be on or off, not {reading.quote(value)}.")
    return SetHealthScore(enabled)


_CADENCE_USAGE = "like `settings workspace cadence supplier 60 days max 120 days`"
_KIND_WORDS = {kind.value: kind for kind in AccountKind} | {
    f"{kind.value}s": kind for kind in AccountKind
}


def _set_cadence(value: str) -> SetCadenceRule:
    """`<kind> <N> days|weeks|months [max <M> days|weeks|months]`, or `<kind> default`."""
    words = value.split()
    kind = _KIND_WORDS.get(words[0].casefold()) if words else None
    if kind is None:
        kinds = ", ".join(k.value for k in AccountKind)
        typed = reading.quote(words[0]) if words else "nothing"
        raise Unreadable(f"A cadence is set for a kind ({kinds}), not {typed}: {_CADENCE_USAGE}.")
    rest = words[1:]
    if [w.casefold() for w in rest] in (["default"], ["off"], ["none"]):
        return SetCadenceRule(kind, None)
    folded = [w.casefold() for w in rest]
    cut = folded.index("max") if "max" in folded else len(rest)
    ideal_words, max_words = rest[:cut], rest[cut + 1 :]
    if not ideal_words:
        raise Unreadable(f"How often should a {kind.value} be touched? Say it {_CADENCE_USAGE}.")
    ideal = cadence_days(ideal_words, " ".join(ideal_words))
    if cut == len(rest):
        return SetCadenceRule(kind, ideal)
    if not max_words:
        raise Unreadable(f"At most how long between touches? Say it {_CADENCE_USAGE}.")
    most = cadence_days(max_words, " ".join(max_words))
    if most < ideal:
        raise Unreadable(
            f"The maximum ({most} days) can't be shorter than the cadence itself ({ideal} days)."
        )
    return SetCadenceRule(kind, ideal, most)


_REPORT_USAGE = "like `settings workspace report #team-leads monday 09:00`"


def _set_report(value: str) -> SetWeeklyReport:
    """`#channel [<weekday>] [<HH:MM>]` in any order after the channel, or `off`."""
    words = value.split()
    if [w.casefold() for w in words] in (["off"], ["none"], ["stop"]):
        return SetWeeklyReport(None)
    found = reading.CHANNEL.fullmatch(words[0]) if words else None
    if found is None:
        typed = reading.quote(words[0]) if words else "nothing"
        raise Unreadable(
            f"Which channel? Type # and pick it from Slack's list ({typed} is not one), "
            f"{_REPORT_USAGE}."
        )
    command = SetWeeklyReport(found[1])
    for word in words[1:]:
        day = _WEEKDAY_WORDS.get(word.casefold().rstrip(","))
        if day is not None:
            command = replace(command, weekday=day)
            continue
        try:
            command = replace(command, at=_clock_time(word))
        except Unreadable:
            raise Unreadable(
                f"I couldn't read {reading.quote(word)} as a day or a time, {_REPORT_USAGE}."
            ) from None
    return command


_SettingParser = Callable[[str], Command]
_USER_SETTINGS: Mapping[str, tuple[str, _SettingParser]] = {
    "timezone": ("settings timezone", _set_timezone),
    "time zone": ("settings timezone", _set_timezone),
    "tz": ("settings timezone", _set_timezone),
    "digest": ("settings digest", _set_digest),
    "nudges": ("settings nudges", _set_nudges),
    "nudge": ("settings nudges", _set_nudges),
    "workdays": ("settings workdays", _set_workdays),
    "hours": ("settings hours", _set_hours),
}
_WORKSPACE_SETTINGS: Mapping[str, tuple[str, _SettingParser]] = {
    "dayfirst": ("settings workspace dayfirst", _set_dayfirst),
    "day-first": ("settings workspace dayfirst", _set_dayfirst),
    "currency": ("settings workspace currency", _set_currency),
    "escalation": ("settings workspace escalation", _set_escalation),
    "ladder": ("settings workspace ladder", _set_ladder),
    "health": ("settings workspace health", _set_health),
    "cadence": ("settings workspace cadence", _set_cadence),
    "report": ("settings workspace report", _set_report),
    "notify": ("settings workspace notify", parse_notify),
}


def _setting(text: str, table: Mapping[str, tuple[str, _SettingParser]], usage: str) -> Command:
    found = re.match(r"(time\s+zone|\S+)\s*", text, re.IGNORECASE)
    word = reading.collapse(found[1]).casefold() if found else ""
    entry = table.get(word)
    if entry is None:
        close = difflib.get_close_matches(word, list(table), n=1)
        guess = f" Did you mean `{close[0]}`?" if close else ""
        raise Unreadable(f"There is no setting {reading.quote(word)}.{guess}", usage=usage)
    key, parse = entry
    value = text[found.end() :] if found else ""
    if not value.strip():
        raise Unreadable(f"Set {word} to what?", usage=key)
    try:
        return parse(value)
    except Unreadable as unreadable:
        raise Unreadable(unreadable.message, usage=key) from None


def parse_settings(rest: str, context: ParseContext) -> Command:
    text = rest.strip()
    if not text:
        return ShowSettings()
    workspace = re.match(r"workspace(?:\s+|$)", text, re.IGNORECASE)
    if workspace is None:
        return _setting(text, _USER_SETTINGS, "settings")
    if not text[workspace.end() :]:
        return ShowSettings()
    return _setting(text[workspace.end() :], _WORKSPACE_SETTINGS, "settings workspace")
