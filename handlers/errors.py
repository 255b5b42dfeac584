"""The one place unexpected errors go: logged in full, answered kindly, never a stack trace.

An error on a request whose signature was never checked (a middleware before the check
tripped on its body) is answered 401 and nothing else: no Slack call for an unknown sender.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.background import Background
from bot.render import render_unexpected
from handlers.respond import message_payload, tell_the_user
from handlers.verification import is_verified, refuse

logger = logging.getLogger(__name__)


def register(app: App, later: Background) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], request: BoltRequest, client: WebClient
    ) -> BoltResponse:
        if not is_verified(request):
            return refuse(f"failed before its signature was checked ({type(error).__name__})")
        body = body if isinstance(body, dict) else {}
        logger.exception(
            "listener failed",
            extra={"team_id": body.get("team_id"), "type": body.get("type") or "command"},
            exc_info=error,
        )
        reply = message_payload(render_unexpected())
        if "command" in body:  # a slash command still waits for its answer: give it this one
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", **reply}),
                headers={"content-type": "application/json"},
            )
        user, channel = _who_and_where(body)
        if user:
            later.submit(lambda: tell_the_user(client, user, channel), name="tell of a failure")
        # Answered; a Slack retry would only repeat the failure.
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})


def _who_and_where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    event = body.get("event") or {}
    user = event.get("user") or (body.get("user") or {}).get("id")
    channel = event.get("channel") or (body.get("channel") or {}).get("id")
    return user, channel
