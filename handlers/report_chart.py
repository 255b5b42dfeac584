"""The team report's chart, after the answer: drawn from the report already read (no unit of
work is open), uploaded with Slack's current flow (``files_upload_v2``: an upload URL, the
bytes, then ``files.completeUploadExternal``; never the retired ``files.upload``), shared with
no channel, and shown by its file id in an image block that follows the report."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.execute import Executed
from bot.render import Reply, Viewer
from bot.render.team_report import (
    chart_alt_text,
    chart_filename,
    chart_png,
    chart_title,
    render_chart_failed,
    render_chart_message,
    render_no_chart,
)
from bot.runtime import Attempt
from bot.services.team_report import TeamReport
from handlers.respond import viewer

logger = logging.getLogger(__name__)

Deliver = Callable[[Reply], None]


def report_of(attempt: Attempt[Executed]) -> TeamReport | None:
    """The team report this attempt answered with, if it did."""
    if attempt.value is None or not isinstance(attempt.value.value, TeamReport):
        return None
    return attempt.value.value


def send_chart(client: WebClient, attempt: Attempt[Executed], deliver: Deliver) -> None:
    """Draw, upload and deliver the chart of the report ``attempt`` answered with (if any).
    An upload Slack refuses is logged and the caller told the chart could not be attached."""
    report = report_of(attempt)
    if report is None:
        return
    reader = viewer(attempt)
    png = chart_png(report, reader)
    if png is None:
        deliver(render_no_chart())
        return
    file_id = upload_chart(client, report, reader, png)
    deliver(
        render_chart_failed() if file_id is None else render_chart_message(report, reader, file_id)
    )


def upload_chart(client: WebClient, report: TeamReport, reader: Viewer, png: bytes) -> str | None:
    """The chart uploaded with Slack's current flow, shared with no channel: its file id, or
    None when Slack would not take it (logged)."""
    try:
        answer = client.files_upload_v2(
            content=png,
            filename=chart_filename(report),
            title=chart_title(report, reader),
            alt_txt=chart_alt_text(report),
        )
        return str(answer["file"]["id"])
    except (SlackApiError, SlackClientError, KeyError, TypeError) as error:
        reason = error.response.get("error") if isinstance(error, SlackApiError) else str(error)
        logger.warning("the report's chart could not be uploaded", extra={"error": reason})
        return None
