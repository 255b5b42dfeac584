"""The command language's three doors: `/crm …`, an @mention, a direct message.

A slash command is answered in its acknowledgement, from the database alone; a mention or a
DM runs before its acknowledgement too, and is answered with a post. Whatever calls Slack —
the post, the Home refresh, a profile look-up — runs after the answer (``bot.background``).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient

from bot.background import Background
from bot.commands import is_change
from bot.execute import Executed, run_text
from bot.render import Reply
from bot.runtime import Attempt, Rapport
from handlers import payloads
from handlers.directory import SlackDirectory
from handlers.report_chart import Deliver, report_of, send_chart
from handlers.respond import (
    message_payload,
    post_to_response_url,
    refresh_home,
    refresh_profile_if_old,
    reply_to,
    telling_the_user,
)


def register(app: App, rapport: Rapport, later: Background) -> None:
    @app.command("/crm")
    def on_command(ack: Ack, body: dict[str, Any], request: BoltRequest, client: WebClient) -> None:
        line = payloads.command(body, payloads.delivery_key(request.headers))
        attempt = _run(rapport, line, needs_zone=True)
        if attempt.deferred:
            # A newcomer: their dates need their zone, which only Slack knows. Answer through
            # the response URL once it has told us.
            ack()
            response_url = str(body.get("response_url", ""))
            later.submit(
                telling_the_user(
                    client,
                    line.user_id,
                    line.channel_id,
                    lambda: _answer_a_newcomer(rapport, later, client, line, response_url),
                ),
                name="a newcomer's command",
            )
            return
        ack(response_type="ephemeral", **message_payload(reply_to(attempt)))
        later.submit(lambda: _after(rapport, later, client, line, attempt), name="after a command")
        response_url = str(body.get("response_url", ""))
        _chart_later(later, client, line, attempt, _to_response_url(client, response_url))

    @app.event("app_mention")
    def on_mention(body: dict[str, Any], client: WebClient) -> None:
        _answer_event_later(rapport, later, client, payloads.event_message(body))

    @app.event("message")
    def on_direct_message(body: dict[str, Any], client: WebClient) -> None:
        if body.get("event", {}).get("channel_type") == "im" and payloads.is_from_a_person(body):
            _answer_event_later(rapport, later, client, payloads.event_message(body))


def _answer_a_newcomer(
    rapport: Rapport,
    later: Background,
    client: WebClient,
    line: payloads.TextRequest,
    response_url: str,
) -> None:
    rapport.refresh_profile(line.team_id, line.user_id, SlackDirectory(client))
    attempt = _run(rapport, line)  # in their zone now (UTC if Slack still would not say)
    post_to_response_url(client, response_url, reply_to(attempt))
    _after(rapport, later, client, line, attempt)
    _chart_later(later, client, line, attempt, _to_response_url(client, response_url))


def _answer_event_later(
    rapport: Rapport, later: Background, client: WebClient, line: payloads.TextRequest
) -> None:
    """The line runs before the acknowledgement (Bolt sends it when the listener returns),
    so an event Slack saw acknowledged is stored; the answer is a post, made afterwards."""
    attempt = _run(rapport, line, needs_zone=True)
    channel = None if line.direct else line.channel_id
    later.submit(
        telling_the_user(
            client,
            line.user_id,
            channel,
            lambda: _answer_event(rapport, later, client, line, attempt),
        ),
        name="answer an event",
    )


def _answer_event(
    rapport: Rapport,
    later: Background,
    client: WebClient,
    line: payloads.TextRequest,
    attempt: Attempt[Executed],
) -> None:
    """Answer in the thread (mention) or the DM; refusals only the sender sees."""
    if attempt.deferred:  # a newcomer: their dates need their zone, which Slack tells
        rapport.refresh_profile(line.team_id, line.user_id, SlackDirectory(client))
        attempt = _run(rapport, line)
    if attempt.duplicate:
        return  # a Slack retry of an event already answered
    reply = reply_to(attempt)
    if reply.ephemeral and not line.direct:
        client.chat_postEphemeral(
            channel=line.channel_id,
            user=line.user_id,
            thread_ts=line.thread_ts,
            **message_payload(reply),
        )
    else:
        client.chat_postMessage(
            channel=line.channel_id, thread_ts=line.thread_ts, **message_payload(reply)
        )
    _after(rapport, later, client, line, attempt)
    _chart_later(later, client, line, attempt, lambda chart: _reply_again(client, line, chart))


def _to_response_url(client: WebClient, response_url: str) -> Deliver:
    return lambda reply: post_to_response_url(client, response_url, reply)


def _reply_again(client: WebClient, line: payloads.TextRequest, reply: Reply) -> None:
    """A second answer to a mention (only its sender sees it) or a DM."""
    if line.direct:
        client.chat_postMessage(channel=line.channel_id, **message_payload(reply))
    else:
        client.chat_postEphemeral(
            channel=line.channel_id,
            user=line.user_id,
            thread_ts=line.thread_ts,
            **message_payload(reply),
        )


def _chart_later(
    later: Background,
    client: WebClient,
    line: payloads.TextRequest,
    attempt: Attempt[Executed],
    deliver: Deliver,
) -> None:
    """The team report's chart, after its answer (``handlers.report_chart``)."""
    if report_of(attempt) is None:
        return
    channel = None if line.direct else line.channel_id
    later.submit(
        telling_the_user(
            client, line.user_id, channel, lambda: send_chart(client, attempt, deliver)
        ),
        name="the team report's chart",
    )


def _run(
    rapport: Rapport, line: payloads.TextRequest, *, needs_zone: bool = False
) -> Attempt[Executed]:
    """The line, run as its sender in their workspace (a delivery once, however often sent)."""
    return rapport.attempt(
        line.team_id,
        line.user_id,
        lambda uow, actor, now: run_text(uow, actor, now, line.text),
        once=line.once,
        needs_zone=needs_zone,
    )


def _after(
    rapport: Rapport,
    later: Background,
    client: WebClient,
    line: payloads.TextRequest,
    attempt: Attempt[Executed],
) -> None:
    """What follows an answer: the caller's profile if ours is old, their Home if it changed."""
    refresh_profile_if_old(client, rapport, attempt)
    if attempt.value is not None and is_change(attempt.value.command):
        refresh_home(later, client, rapport, line.team_id, line.user_id)
