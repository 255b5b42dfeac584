"""Turning an attempt into a reply, and the few ways a reply reaches Slack."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import ParseError
from bot.execute import Executed
from bot.render import Reply, Viewer, home_view, render_parse_error, render_refusal, render_result
from bot.runtime import Attempt, Rapport
from bot.services import queries

logger = logging.getLogger(__name__)


def viewer(attempt: Attempt[Any]) -> Viewer:
    return Viewer(
        user_id=attempt.actor.user_id, tz=ZoneInfo(attempt.actor.timezone), now=attempt.now
    )


def reply_to(attempt: Attempt[Executed | ParseError]) -> Reply:
    """What to answer a line of command text with."""
    if attempt.refusal is not None:
        return render_refusal(attempt.refusal)
    if isinstance(attempt.value, ParseError):
        return render_parse_error(attempt.value)
    assert isinstance(attempt.value, Executed)
    return render_result(attempt.value, viewer(attempt))


def message_payload(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "blocks": reply.blocks}


def publish_home(client: WebClient, rapport: Rapport, team_id: str, user_id: str) -> None:
    """Re-publish a user's App Home after a change. Best effort: the reply has gone out
    already, and the Home is rebuilt whenever it is opened."""
    attempt = rapport.attempt(team_id, user_id, queries.home)
    if attempt.value is None:
        return
    try:
        client.views_publish(user_id=user_id, view=home_view(attempt.value, viewer(attempt)))
    except SlackApiError as error:
        logger.warning("views.publish failed", extra={"error": error.response.get("error")})


def direct_message(client: WebClient, user_id: str, reply: Reply) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=channel, **message_payload(reply))
