"""When the weekly team report is due: a workspace's one occasion a week. Pure.

The report goes to the workspace's report channel on its day at its time in its zone (the
admin's who set it; 09:00 stays 09:00 across daylight-saving changes). Its key is the ISO
week of that local day, so the ledger delivers it once a week however many passes and
replicas plan it. A report missed because the bot was down goes out when it is back, the
same day, as a digest does; a day later that week's report is left out.
"""

from __future__ import annotations

from datetime import datetime

from bot.dates import local_datetime
from bot.domain import Workspace
from bot.nudges.model import ItemKind, NudgeKind, Occasion
from bot.nudges.planning import zone_named

REPORT_RECIPIENT_PREFIX = "report:"  # a ledger recipient of its own, apart from the channel's


def report_recipient(channel: str) -> str:
    """The ledger's recipient for a channel's report: never batched with other posts there."""
    return f"{REPORT_RECIPIENT_PREFIX}{channel}"


def report_channel(recipient: str) -> str | None:
    """The channel a report recipient names; None for any other recipient."""
    if not recipient.startswith(REPORT_RECIPIENT_PREFIX):
        return None
    return recipient.removeprefix(REPORT_RECIPIENT_PREFIX)


def report_occasion(workspace: Workspace, now: datetime) -> Occasion | None:
    """The week's report when it is due at ``now`` (its day, from its time), else None."""
    if not workspace.report_channel:
        return None
    zone = zone_named(workspace.report_timezone, "UTC")
    day = now.astimezone(zone).date()
    if day.weekday() != workspace.report_weekday:
        return None
    at = local_datetime(day, workspace.report_time, zone)
    if now < at:
        return None
    year, week, _ = day.isocalendar()
    return Occasion(
        key=f"report:{year}-W{week:02d}",
        kind=NudgeKind.WEEKLY_REPORT,
        item_kind=ItemKind.REPORT,
        item_id=year * 100 + week,
        recipient=report_recipient(workspace.report_channel),
        deliver_after=at,
        reason=f"The weekly report, week {week} of {year}",
        details={"week": f"{year}-W{week:02d}", "zone": zone.key},
    )
