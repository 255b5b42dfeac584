"""Slack → app: requests built the way Slack builds them, signed the way Slack signs them.

The scenario tests and the console both send these, so there is one signing helper
(STYLE.md habit 9). Slash commands are form-encoded fields; interactivity is one form field
`payload=<JSON>`; events are JSON. Payload shapes follow Slack's (`shared/slack/payloads/`).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

TEAM = "T0001"
SECRET = "fake-signing-secret"  # what tests and the console give the app to verify with
_ids = itertools.count(1)


@dataclass(frozen=True)
class SignedRequest:
    body: str
    headers: dict[str, str]


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature over `v0:<timestamp>:<raw body>`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {"x-slack-request-timestamp": stamp, "x-slack-signature": "v0=" + digest.hexdigest()}


def _new_event_id() -> str:
    """Unique across runs, as Slack's are: a console started again on the same database
    must not send ids the first run's events were remembered by (they would be dropped as
    retries)."""
    return f"Ev{uuid.uuid4().hex[:12].upper()}"


def _new_message_ts() -> str:
    """A user's message ts: the time it is sent, as Slack stamps it, unique in this run."""
    return f"{int(time.time())}.{next(_ids):06d}"


def _form(fields: dict[str, str], **signing: Any) -> SignedRequest:
    body = urlencode(fields)
    headers = {"content-type": "application/x-www-form-urlencoded", **sign(body, **signing)}
    return SignedRequest(body, headers)


def _interactive(payload: dict[str, Any], **signing: Any) -> SignedRequest:
    return _form({"payload": json.dumps(payload)}, **signing)


def _event(
    event: dict[str, Any],
    *,
    team: str = TEAM,
    event_id: str | None = None,
    retry: int | None = None,
    enterprise: str | None = None,
    **signing: Any,
) -> SignedRequest:
    envelope = {
        **({"enterprise_id": enterprise} if enterprise else {}),
        "token": "unused",
        "team_id": team,
        "context_team_id": team,
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": event_id or _new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        "event": event,
    }
    body = json.dumps(envelope)
    headers = {"content-type": "application/json", **sign(body, **signing)}
    if retry is not None:
        headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
    return SignedRequest(body, headers)


def app_uninstalled(**kwargs: Any) -> SignedRequest:
    """The workspace removed the app (its tokens are revoked already)."""
    return _event({"type": "app_uninstalled"}, **kwargs)


def tokens_revoked(
    *, bot: bool = True, users: tuple[str, ...] = (), **kwargs: Any
) -> SignedRequest:
    """Slack revoked the bot's token (``bot``) and the user tokens of ``users``."""
    tokens: dict[str, list[str]] = {"oauth": list(users)}
    if bot:
        tokens["bot"] = ["UBOT"]
    return _event({"type": "tokens_revoked", "tokens": tokens}, **kwargs)


def command(
    text: str,
    *,
    user: str = "UALICE",
    team: str = TEAM,
    channel: str = "C0001",
    response_url: str = "https://hooks.slack.invalid/commands/1",
    enterprise: str | None = None,
    **signing: Any,
) -> SignedRequest:
    """``/crm text``; ``enterprise``: the Enterprise Grid org the workspace is in."""
    grid = {"enterprise_id": enterprise, "enterprise_name": enterprise} if enterprise else {}
    return _form(
        {
            **grid,
            "token": "unused",
            "team_id": team,
            "team_domain": "rapport-test",
            "channel_id": channel,
            "channel_name": "sales",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/crm",
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{next(_ids)}.1.trigger",
        },
        **signing,
    )


def mention(
    text: str, *, user: str = "UALICE", channel: str = "C0001", **kwargs: Any
) -> SignedRequest:
    ts = _new_message_ts()
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    return _event(event, **kwargs)


def direct_message(
    text: str,
    *,
    user: str = "UALICE",
    channel: str | None = None,
    bot: bool = False,
    **kwargs: Any,
) -> SignedRequest:
    """A DM to the bot, in the sender's DM channel (``D<user id>``, as the fake Slack names
    it) unless another is given."""
    ts = _new_message_ts()
    event: dict[str, Any] = {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel or f"D{user}",
        "event_ts": ts,
    }
    if bot:
        event |= {"bot_id": "B0001", "subtype": "bot_message"}
    return _event(event, **kwargs)


def home_opened(*, user: str = "UALICE", **kwargs: Any) -> SignedRequest:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user}",
        "tab": "home",
        "event_ts": "1700000000.000100",
    }
    return _event(event, **kwargs)


def user_change(user: dict[str, Any], **kwargs: Any) -> SignedRequest:
    """Someone's profile changed: the event carries the whole user object, as users.info
    answers it (``FakeUser.as_json``)."""
    event = {
        "type": "user_change",
        "user": user,
        "cache_ts": int(time.time()),
        "event_ts": f"1700000000.{next(_ids):06d}",
    }
    return _event(event, **kwargs)


def _user(user: str, team: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}


def button(
    action_id: str,
    value: str,
    *,
    user: str = "UALICE",
    team: str = TEAM,
    block_id: str = "b1",
    message: dict[str, Any] | None = None,
    channel: str | None = None,  # the user's DM channel unless given
    ephemeral: bool = False,
    in_home: bool = False,
    response_url: str = "https://hooks.slack.invalid/actions/1",
    **signing: Any,
) -> SignedRequest:
    action = {
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "type": "button",
        "text": {"type": "plain_text", "text": "x"},
        "action_ts": "1700000001.000001",
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user, team),
        "api_app_id": "A0001",
        "token": "unused",
        "trigger_id": f"{next(_ids)}.1.trigger",
        "team": {"id": team, "domain": "rapport-test"},
        "actions": [action],
        "state": {"values": {}},
    }
    if in_home:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
    else:
        ts = (message or {}).get("ts", "1700000000.000001")
        channel = channel or f"D{user}"
        payload |= {
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": channel, "name": "directmessage"},
            "message": {"type": "message", "ts": ts, "text": "", "blocks": [], **(message or {})},
            "response_url": response_url,
        }
    return _interactive(payload, **signing)


def message_shortcut(
    text: str,
    *,
    user: str = "UALICE",
    team: str = TEAM,
    channel: str = "C0001",
    ts: str = "1700000000.000500",
    **signing: Any,
) -> SignedRequest:
    payload = {
        "type": "message_action",
        "callback_id": "log_to_rapport",
        "trigger_id": f"{next(_ids)}.1.trigger",
        "team": {"id": team, "domain": "rapport-test"},
        "user": _user(user, team),
        "channel": {"id": channel, "name": "sales"},
        "message": {"type": "message", "user": "UCUSTOMER", "ts": ts, "text": text},
        "message_ts": ts,
        "response_url": "https://hooks.slack.invalid/actions/2",
        "token": "unused",
        "action_ts": "1700000001.000002",
    }
    return _interactive(payload, **signing)


def global_shortcut(*, user: str = "UALICE", team: str = TEAM, **signing: Any) -> SignedRequest:
    payload = {
        "type": "shortcut",
        "callback_id": "log_an_interaction",
        "trigger_id": f"{next(_ids)}.1.trigger",
        "team": {"id": team, "domain": "rapport-test"},
        "user": _user(user, team),
        "token": "unused",
        "action_ts": "1700000001.000003",
    }
    return _interactive(payload, **signing)


def view_submission(
    values: dict[str, Any],
    *,
    private_metadata: str = "",
    user: str = "UALICE",
    team: str = TEAM,
    callback_id: str = "log_interaction",
    **signing: Any,
) -> SignedRequest:
    payload = {
        "type": "view_submission",
        "team": {"id": team, "domain": "rapport-test"},
        "user": _user(user, team),
        "api_app_id": "A0001",
        "token": "unused",
        "trigger_id": f"{next(_ids)}.1.trigger",
        "view": {
            "id": "VMODAL",
            "team_id": team,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "1.x",
            "title": {"type": "plain_text", "text": "Log"},
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }
    return _interactive(payload, **signing)


def options(
    action_id: str, value: str, *, user: str = "UALICE", team: str = TEAM, **signing: Any
) -> SignedRequest:
    payload = {
        "type": "block_suggestion",
        "user": _user(user, team),
        "team": {"id": team, "domain": "rapport-test"},
        "api_app_id": "A0001",
        "token": "unused",
        "action_id": action_id,
        "block_id": "account",
        "value": value,
        "container": {"type": "view", "view_id": "VMODAL"},
        "view": {"id": "VMODAL", "type": "modal", "callback_id": "log_interaction"},
    }
    return _interactive(payload, **signing)
