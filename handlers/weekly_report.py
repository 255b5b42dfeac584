"""The weekly team report to its channel (``bot.nudges.delivery.WeeklyReporter``): the chart
drawn from the report, uploaded with Slack's current flow and shown in an image block of the
report's own message, posted like any channel nudge (joining a public channel first)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.render import Viewer
from bot.render.blocks import context
from bot.render.team_report import chart_png, render_team_report
from bot.services.team_report import TeamReport
from handlers.nudges import SlackNudgeSender
from handlers.report_chart import upload_chart

CHART_MISSING = "The renewals chart could not be attached this time; the tables above are complete."


class SlackWeeklyReporter:
    def __init__(self, client: WebClient, sender: SlackNudgeSender) -> None:
        self.client = client
        self.sender = sender

    def post(self, channel: str, report: TeamReport) -> tuple[str, str]:
        """Post ``report`` with its chart; raise DeliveryFailed when Slack refuses the post.
        A chart Slack would not take leaves the report whole and says so in it."""
        reader = Viewer(user_id="", tz=ZoneInfo(report.zone), now=report.now)
        png = chart_png(report, reader)
        file_id = upload_chart(self.client, report, reader, png) if png is not None else None
        reply = render_team_report(report, reader, chart_file_id=file_id)
        blocks, text = list(reply.blocks), reply.text
        if png is not None and file_id is None:
            blocks.append(context(CHART_MISSING))
            text = f"{text}\n{CHART_MISSING}"
        return self.sender.send(channel, text, blocks)
