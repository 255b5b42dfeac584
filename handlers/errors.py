"""The one place unexpected errors go: logged in full, answered kindly, never a stack trace."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.render import render_unexpected
from handlers.respond import message_payload

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], client: WebClient) -> BoltResponse:
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
        _tell_the_user(client, body, reply)
        # Answered; a Slack retry would only repeat the failure.
        return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})


def _tell_the_user(client: WebClient, body: dict[str, Any], reply: dict[str, Any]) -> None:
    event = body.get("event") or {}
    user = event.get("user") or (body.get("user") or {}).get("id")
    channel = event.get("channel") or (body.get("channel") or {}).get("id")
    if not user:
        return
    try:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, **reply)
        else:
            opened = client.conversations_open(users=user)
            client.chat_postMessage(channel=opened["channel"]["id"], **reply)
    except SlackApiError:
        logger.exception("could not tell the user about the failure", extra={"user": user})
