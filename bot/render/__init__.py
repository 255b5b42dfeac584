"""Rendering: pure functions from results to Slack messages and views (plain dicts).

No Slack library is imported here: the handlers send what these functions return.
"""

from __future__ import annotations

from bot.render.errors import render_parse_error, render_refusal, render_unexpected
from bot.render.home import home_view
from bot.render.items import follow_up_buttons, renewal_buttons, stale_buttons
from bot.render.modal import (
    LogForm,
    LogPrefill,
    account_options,
    log_modal,
    read_log_submission,
)
from bot.render.reply import Reply, Viewer
from bot.render.results import render_result

__all__ = [
    "LogForm",
    "LogPrefill",
    "Reply",
    "Viewer",
    "account_options",
    "follow_up_buttons",
    "home_view",
    "log_modal",
    "read_log_submission",
    "render_parse_error",
    "render_refusal",
    "render_result",
    "render_unexpected",
    "renewal_buttons",
    "stale_buttons",
]
