"""Slack says when someone's profile changes (``user_change``, with the whole user object):
the cached profile is refreshed from the event itself, so no command waits on users.info for
a user we know, and a new zone or a deactivation counts from the next command and nudge."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.runtime import Rapport
from handlers.directory import slack_profile


def register(app: App, rapport: Rapport) -> None:
    @app.event("user_change")
    def on_user_change(body: dict[str, Any]) -> None:
        user = body.get("event", {}).get("user")
        team_id = body.get("team_id")
        if isinstance(user, dict) and user.get("id") and team_id:
            rapport.keep_profile(str(team_id), slack_profile(user))
