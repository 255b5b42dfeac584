"""The command language over three surfaces: `/crm`, an @mention, a direct message."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.commands import ParseError, is_change
from bot.execute import Executed, run_text
from bot.runtime import Attempt, Rapport
from handlers import payloads
from handlers.directory import SlackDirectory
from handlers.respond import message_payload, publish_home, reply_to


def register(app: App, rapport: Rapport) -> None:
    @app.command("/crm")
    def on_command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        request = payloads.command(body)
        attempt = _run(rapport, request, client)
        ack(response_type="ephemeral", **message_payload(reply_to(attempt)))
        _refresh_home_after_change(client, rapport, request, attempt.value)

    @app.event("app_mention")
    def on_mention(body: dict[str, Any], client: WebClient) -> None:
        _answer_event(body, client, rapport)

    @app.event("message")
    def on_direct_message(body: dict[str, Any], client: WebClient) -> None:
        if body.get("event", {}).get("channel_type") == "im" and payloads.is_from_a_person(body):
            _answer_event(body, client, rapport)


def _answer_event(body: dict[str, Any], client: WebClient, rapport: Rapport) -> None:
    """Answer in the thread (mention) or the DM; refusals only the sender sees."""
    request = payloads.event_message(body)
    attempt = _run(rapport, request, client)
    if attempt.duplicate:
        return  # a Slack retry of an event already answered
    reply = reply_to(attempt)
    if reply.ephemeral and not request.direct:
        client.chat_postEphemeral(
            channel=request.channel_id,
            user=request.user_id,
            thread_ts=request.thread_ts,
            **message_payload(reply),
        )
    else:
        client.chat_postMessage(
            channel=request.channel_id, thread_ts=request.thread_ts, **message_payload(reply)
        )
    _refresh_home_after_change(client, rapport, request, attempt.value)


def _run(
    rapport: Rapport, request: payloads.TextRequest, client: WebClient
) -> Attempt[Executed | ParseError]:
    """The line, run as its sender in their workspace (an event once, however often sent)."""
    return rapport.attempt(
        request.team_id,
        request.user_id,
        lambda uow, actor, now: run_text(uow, actor, now, request.text),
        directory=SlackDirectory(client),
        event_id=request.event_id,
    )


def _refresh_home_after_change(
    client: WebClient, rapport: Rapport, request: payloads.TextRequest, value: object
) -> None:
    if isinstance(value, Executed) and is_change(value.command):
        publish_home(client, rapport, request.team_id, request.user_id)
