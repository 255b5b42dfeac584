"""Turning an attempt into a reply, and the ways a reply reaches Slack after the answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.background import Background
from bot.errors import Duplicate
from bot.execute import Executed, NotUnderstood
from bot.render import (
    Reply,
    Viewer,
    home_view,
    render_parse_error,
    render_refusal,
    render_result,
    render_unexpected,
)
from bot.runtime import Attempt, Rapport
from bot.services import queries
from bot.services.people import ProfileState
from handlers.directory import SlackDirectory

logger = logging.getLogger(__name__)


def viewer(attempt: Attempt[Any]) -> Viewer:
    return Viewer(
        user_id=attempt.actor.user_id, tz=ZoneInfo(attempt.actor.timezone), now=attempt.now
    )


def reply_to(attempt: Attempt[Executed]) -> Reply:
    """What to answer a line of command text with."""
    if attempt.duplicate:
        return render_refusal(Duplicate())
    if isinstance(attempt.refusal, NotUnderstood):
        return render_parse_error(attempt.refusal.parse_error)
    if attempt.refusal is not None:
        return render_refusal(attempt.refusal)
    assert attempt.value is not None
    return render_result(attempt.value, viewer(attempt))


def message_payload(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "blocks": reply.blocks}


# How long a Home refresh waits for the rest of a burst of changes: a tab nobody looks at
# while typing, refreshed a second later once rather than after every line, and never built
# while the next line is being answered.
HOME_SETTLE_SECONDS = 1.0


def refresh_home(
    later: Background, client: WebClient, rapport: Rapport, team_id: str, user_id: str
) -> None:
    """Re-publish the user's Home tab after the answer: once for a burst of changes."""
    later.submit(
        lambda: publish_home(client, rapport, team_id, user_id),
        name="publish the Home tab",
        key=("home", team_id, user_id),
        settle=HOME_SETTLE_SECONDS,
    )


def publish_home(client: WebClient, rapport: Rapport, team_id: str, user_id: str) -> None:
    """Re-publish a user's App Home. Best effort: it is rebuilt whenever it is opened."""
    attempt = rapport.read(team_id, user_id, queries.home)
    if attempt.value is None:
        return
    try:
        client.views_publish(user_id=user_id, view=home_view(attempt.value, viewer(attempt)))
    except SlackApiError as error:
        logger.warning("views.publish failed", extra={"error": error.response.get("error")})


def refresh_profile_if_old(client: WebClient, rapport: Rapport, attempt: Attempt[Any]) -> None:
    """After the answer: ask Slack for the caller's profile when ours is old (or missing)."""
    if attempt.profile is not ProfileState.FRESH:
        actor = attempt.actor
        rapport.refresh_profile(actor.team_id, actor.user_id, SlackDirectory(client))


def direct_message(client: WebClient, user_id: str, reply: Reply) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=channel, **message_payload(reply))


def post_to_response_url(client: WebClient, response_url: str, reply: Reply) -> None:
    """An answer given later than the acknowledgement (a slash command, an ephemeral
    message's button), retried on 429 and 5xx like every other call."""
    webhook = WebhookClient(response_url, retry_handlers=client.retry_handlers)
    answer = webhook.send(
        response_type="ephemeral", replace_original=False, **message_payload(reply)
    )
    if answer.status_code != 200:
        raise RuntimeError(f"the response URL answered {answer.status_code}: {answer.body[:200]}")


def telling_the_user(
    client: WebClient, user_id: str, channel_id: str | None, task: Callable[[], None]
) -> Callable[[], None]:
    """``task``, but a failure is logged in full and the user hears that something went wrong
    (in the channel they wrote in, else by DM): never a silent failure, never a stack trace."""

    def guarded() -> None:
        try:
            task()
        except Exception:
            logger.exception("listener failed", extra={"user": user_id})
            tell_the_user(client, user_id, channel_id)

    return guarded


def tell_the_user(client: WebClient, user_id: str, channel_id: str | None) -> None:
    reply = message_payload(render_unexpected())
    try:
        if channel_id:
            client.chat_postEphemeral(channel=channel_id, user=user_id, **reply)
        else:
            direct_message(client, user_id, render_unexpected())
    except SlackApiError:
        logger.exception("could not tell the user about the failure", extra={"user": user_id})
