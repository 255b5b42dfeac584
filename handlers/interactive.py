"""Buttons, shortcuts, the logging modal, its account picker, and the App Home tab.

A decision (a button) and a submission (the modal) are written before the acknowledgement,
so what Slack saw acknowledged is stored; rewriting the message, opening modals, DMs and the
Home tab happen after it (``bot.background``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.background import Background
from bot.buttons import DECISIONS, press
from bot.commands import is_change
from bot.execute import Executed, run_choice, run_more
from bot.forms import FieldErrors, log_from_form, prefill_for_account, prefill_for_message
from bot.render import account_options, ids, log_modal, render_refusal
from bot.render.confirmations import logged
from bot.render.decisions import decision_note, mark_decided, refusal_note
from bot.runtime import Attempt, Rapport
from bot.services import queries
from bot.services.interactions import LoggedInteraction
from handlers import payloads
from handlers.directory import SlackDirectory
from handlers.respond import (
    direct_message,
    message_payload,
    publish_home,
    refresh_home,
    refresh_profile_if_old,
    reply_to,
    telling_the_user,
    viewer,
)

logger = logging.getLogger(__name__)

_DECISION_ACTIONS = re.compile("^(" + "|".join(sorted(DECISIONS)) + ")$")
_CHOICE_ACTIONS = re.compile("^" + re.escape(ids.CHOOSE_ACCOUNT_PREFIX) + "[0-9]+$")


def register(app: App, rapport: Rapport, later: Background) -> None:
    @app.action(_DECISION_ACTIONS)
    def on_decision(
        ack: Ack, body: dict[str, Any], request: BoltRequest, client: WebClient, respond: Respond
    ) -> None:
        click = payloads.button(body, payloads.delivery_key(request.headers))
        attempt = _decide(rapport, click, needs_zone=True)
        ack()

        def show() -> None:
            decided = attempt
            if decided.deferred:  # a newcomer: their snoozes need their zone
                rapport.refresh_profile(click.team_id, click.user_id, SlackDirectory(client))
                decided = _decide(rapport, click)
            _show_decision(rapport, later, client, respond, click, decided)

        later.submit(
            telling_the_user(client, click.user_id, click.channel_id, show), name="a decision"
        )

    @app.action(ids.LOG_TOUCH)
    def on_log_touch(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        click = payloads.button(body)
        later.submit(
            telling_the_user(
                client,
                click.user_id,
                click.channel_id,
                lambda: _open_log_for_account(rapport, client, respond, click),
            ),
            name="open the log modal",
        )

    @app.action(ids.SHOW_MORE)
    def on_show_more(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """The next page of a list, as a message of its own under the one clicked in (which
        stays as it was: a list read in pages is read on, not replaced)."""
        ack()
        click = payloads.button(body)
        later.submit(
            telling_the_user(
                client, click.user_id, click.channel_id, lambda: _show_more(rapport, respond, click)
            ),
            name="show more",
        )

    @app.action(_CHOICE_ACTIONS)
    def on_account_chosen(
        ack: Ack, body: dict[str, Any], request: BoltRequest, client: WebClient, respond: Respond
    ) -> None:
        """A line that named several accounts, run for the one picked: before the
        acknowledgement, as a typed line runs (a change Slack saw acknowledged is stored);
        its answer then takes the place of the question, so no stale choice stays."""
        click = payloads.button(body, payloads.delivery_key(request.headers))
        attempt = rapport.attempt(
            click.team_id,
            click.user_id,
            lambda uow, actor, now: run_choice(uow, actor, now, click.value),
            once=click.once,
        )
        ack()
        later.submit(
            telling_the_user(
                client,
                click.user_id,
                click.channel_id,
                lambda: _answer_choice(rapport, later, client, respond, click, attempt),
            ),
            name="a chosen account",
        )

    @app.shortcut(ids.MESSAGE_SHORTCUT)
    @app.shortcut(ids.GLOBAL_SHORTCUT)
    def on_shortcut(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """ "Log to Rapport" on a message (text and permalink), or "Log an interaction"."""
        ack()
        shortcut = payloads.shortcut(body)
        later.submit(
            telling_the_user(
                client,
                shortcut.user_id,
                None,
                lambda: _open_log_for_message(rapport, client, shortcut),
            ),
            name="open the log modal",
        )

    @app.options(ids.ACCOUNT_SELECT)
    def on_account_options(ack: Ack, body: dict[str, Any]) -> None:
        request = payloads.options(body)
        attempt = rapport.attempt(
            request.team_id,
            request.user_id,
            lambda uow, actor, now: queries.accounts_for_picker(uow, request.query),
        )
        ack(options=account_options(attempt.value or []))

    @app.view(ids.LOG_MODAL)
    def on_log_submitted(
        ack: Ack, body: dict[str, Any], request: BoltRequest, client: WebClient
    ) -> None:
        submission = payloads.view_submission(body, payloads.delivery_key(request.headers))
        attempt = rapport.attempt(
            submission.team_id,
            submission.user_id,
            lambda uow, actor, now: log_from_form(
                uow, actor, now, submission.values, submission.private_metadata
            ),
            once=submission.once,
        )
        if isinstance(attempt.refusal, FieldErrors):
            ack(response_action="errors", errors=attempt.refusal.errors)
            return
        if attempt.refusal is not None:
            ack(response_action="errors", errors={ids.LOG_ACCOUNT_BLOCK: attempt.refusal.message})
            return
        ack()
        if attempt.duplicate:
            return  # the same submission again: logged once, confirmed once

        def confirm() -> None:
            assert isinstance(attempt.value, LoggedInteraction)
            direct_message(client, submission.user_id, logged(attempt.value, viewer(attempt)))
            refresh_profile_if_old(client, rapport, attempt)
            refresh_home(later, client, rapport, submission.team_id, submission.user_id)

        later.submit(
            telling_the_user(client, submission.user_id, None, confirm), name="confirm a log"
        )

    @app.event("app_home_opened")
    def on_home_opened(body: dict[str, Any], client: WebClient) -> None:
        event = body["event"]
        if event.get("tab", "home") != "home":
            return
        team_id, user_id = str(body["team_id"]), str(event["user"])

        def publish() -> None:
            rapport.refresh_profile(team_id, user_id, SlackDirectory(client))
            publish_home(client, rapport, team_id, user_id)

        later.submit(publish, name="publish the Home tab")


def _decide(
    rapport: Rapport, click: payloads.ButtonClick, *, needs_zone: bool = False
) -> Attempt[object]:
    return rapport.attempt(
        click.team_id,
        click.user_id,
        lambda uow, actor, now: press(
            uow, actor, now, click.action_id, click.value, message=click.message
        ),
        once=click.once,
        needs_zone=needs_zone,
    )


def _show_more(rapport: Rapport, respond: Respond, click: payloads.ButtonClick) -> None:
    attempt: Attempt[Executed] = rapport.attempt(
        click.team_id,
        click.user_id,
        lambda uow, actor, now: run_more(uow, actor, now, click.value),
    )
    respond(response_type="ephemeral", replace_original=False, **message_payload(reply_to(attempt)))


def _answer_choice(
    rapport: Rapport,
    later: Background,
    client: WebClient,
    respond: Respond,
    click: payloads.ButtonClick,
    attempt: Attempt[Executed],
) -> None:
    if attempt.duplicate:
        return  # the same click delivered again: answered the first time
    reply = message_payload(reply_to(attempt))
    if click.message is None:  # an ephemeral question: only its response_url reaches it
        respond(replace_original=True, **reply)
    else:
        channel, ts = click.message
        client.chat_update(channel=channel, ts=ts, **reply)
    refresh_profile_if_old(client, rapport, attempt)
    if attempt.value is not None and is_change(attempt.value.command):
        refresh_home(later, client, rapport, click.team_id, click.user_id)


def _show_decision(
    rapport: Rapport,
    later: Background,
    client: WebClient,
    respond: Respond,
    click: payloads.ButtonClick,
    attempt: Attempt[object],
) -> None:
    """Rewrite the message in place, so no stale button stays clickable, and refresh the Home
    tab. A refusal of a Home tab's button (it has no message to rewrite) comes by DM."""
    if attempt.duplicate:
        return  # the same click delivered again: the message was rewritten the first time
    if attempt.refusal is not None:
        note = refusal_note(attempt.refusal)
    else:
        note = decision_note(attempt.value, viewer(attempt))
    if click.container == "message" and click.message_blocks:
        blocks = mark_decided(click.message_blocks, click.block_id, note)
        if click.message is None:  # an ephemeral answer: only its response_url reaches it
            respond(replace_original=True, text=note, blocks=blocks)
        else:
            channel, ts = click.message
            client.chat_update(channel=channel, ts=ts, text=note, blocks=blocks)
    elif attempt.refusal is not None:
        direct_message(client, click.user_id, render_refusal(attempt.refusal))
    refresh_profile_if_old(client, rapport, attempt)
    refresh_home(later, client, rapport, click.team_id, click.user_id)


def _open_log_for_account(
    rapport: Rapport, client: WebClient, respond: Respond, click: payloads.ButtonClick
) -> None:
    rapport.refresh_profile(click.team_id, click.user_id, SlackDirectory(client))
    attempt = rapport.attempt(
        click.team_id,
        click.user_id,
        lambda uow, actor, now: prefill_for_account(uow, actor, now, click.value),
    )
    if attempt.refusal is not None:
        refusal = render_refusal(attempt.refusal)
        if click.container == "view":  # the Home tab has no response_url: say it in a DM
            direct_message(client, click.user_id, refusal)
        else:
            respond(response_type="ephemeral", replace_original=False, **message_payload(refusal))
        return
    if attempt.value is not None:
        client.views_open(trigger_id=click.trigger_id, view=log_modal(attempt.value))


def _open_log_for_message(
    rapport: Rapport, client: WebClient, shortcut: payloads.ShortcutRequest
) -> None:
    permalink = _permalink(client, shortcut)
    rapport.refresh_profile(shortcut.team_id, shortcut.user_id, SlackDirectory(client))
    attempt = rapport.attempt(
        shortcut.team_id,
        shortcut.user_id,
        lambda uow, actor, now: prefill_for_message(actor, now, shortcut.message_text, permalink),
    )
    if attempt.value is not None:
        client.views_open(trigger_id=shortcut.trigger_id, view=log_modal(attempt.value))


def _permalink(client: WebClient, request: payloads.ShortcutRequest) -> str | None:
    if not request.channel_id or not request.message_ts:
        return None
    try:
        return str(
            client.chat_getPermalink(channel=request.channel_id, message_ts=request.message_ts)[
                "permalink"
            ]
        )
    except SlackApiError as error:
        logger.warning("chat.getPermalink failed", extra={"error": error.response.get("error")})
        return None
