"""Raw Slack payloads become typed requests here, and only here (STYLE.md habit 8)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Body = dict[str, Any]


def delivery_key(headers: Mapping[str, str | Sequence[str]]) -> str | None:
    """A key of this exact HTTP request: its signature, which is unique to its timestamp and
    body. A replay within the five minutes a signature is accepted carries the same one;
    Socket Mode's requests have none (they come over an authenticated connection)."""
    value = headers.get("x-slack-signature") or ""
    signature = value if isinstance(value, str) else next(iter(value), "")
    return f"request:{signature.removeprefix('v0=')}" if signature else None


@dataclass(frozen=True, slots=True)
class TextRequest:
    """A line of command text: `/crm …`, an @mention or a DM."""

    team_id: str
    user_id: str
    channel_id: str
    text: str
    thread_ts: str | None = None  # where a mention's answer goes
    once: str | None = None  # an event's id, a command's signature: to recognise a redelivery
    direct: bool = False  # a DM with the bot: only the sender sees anything in it


@dataclass(frozen=True, slots=True)
class ButtonClick:
    team_id: str
    user_id: str
    action_id: str
    value: str
    block_id: str
    trigger_id: str
    container: str  # "message" or "view"
    channel_id: str | None
    message_ts: str | None
    ephemeral: bool
    message_blocks: list[dict[str, Any]]
    once: str | None = None

    @property
    def message(self) -> tuple[str, str] | None:
        """(channel, ts) of the message clicked in, when it is a real (not ephemeral) one."""
        if self.container != "message" or self.ephemeral:
            return None
        if not self.channel_id or not self.message_ts:
            return None
        return self.channel_id, self.message_ts


@dataclass(frozen=True, slots=True)
class ShortcutRequest:
    team_id: str
    user_id: str
    trigger_id: str
    message_text: str = ""
    channel_id: str | None = None
    message_ts: str | None = None


@dataclass(frozen=True, slots=True)
class ViewSubmission:
    team_id: str
    user_id: str
    values: dict[str, Any]
    private_metadata: str
    once: str | None = None


@dataclass(frozen=True, slots=True)
class OptionsRequest:
    team_id: str
    user_id: str
    query: str


def _team(body: Body) -> str:
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    user = body.get("user")
    if isinstance(user, dict) and user.get("team_id"):
        return str(user["team_id"])
    return str(body.get("team_id", ""))


def command(body: Body, once: str | None = None) -> TextRequest:
    return TextRequest(
        team_id=str(body["team_id"]),
        user_id=str(body["user_id"]),
        channel_id=str(body.get("channel_id", "")),
        text=str(body.get("text", "")),
        once=once,
    )


def event_message(body: Body) -> TextRequest:
    """An app_mention or message.im event; the answer to a mention goes in its thread."""
    event = body["event"]
    in_thread = event.get("thread_ts") or (event["ts"] if event["type"] == "app_mention" else None)
    return TextRequest(
        team_id=str(body.get("team_id") or event.get("team", "")),
        user_id=str(event["user"]),
        channel_id=str(event["channel"]),
        text=str(event.get("text", "")),
        thread_ts=in_thread,
        once=body.get("event_id"),
        direct=event.get("channel_type") == "im",
    )


def is_from_a_person(body: Body) -> bool:
    """Messages from bots (our own posts come back as events too) and edits are not commands."""
    event = body.get("event", {})
    return not (event.get("bot_id") or event.get("subtype") or not event.get("user"))


def button(body: Body, once: str | None = None) -> ButtonClick:
    action = body["actions"][0]
    container = body.get("container", {})
    message = body.get("message") or {}
    return ButtonClick(
        team_id=_team(body),
        user_id=str(body["user"]["id"]),
        action_id=str(action["action_id"]),
        value=str(action.get("value", "")),
        block_id=str(action.get("block_id", "")),
        trigger_id=str(body.get("trigger_id", "")),
        container=str(container.get("type", "message")),
        channel_id=container.get("channel_id") or (body.get("channel") or {}).get("id"),
        message_ts=container.get("message_ts") or message.get("ts"),
        ephemeral=bool(container.get("is_ephemeral")),
        message_blocks=list(message.get("blocks", [])),
        once=once,
    )


def shortcut(body: Body) -> ShortcutRequest:
    message = body.get("message") or {}
    return ShortcutRequest(
        team_id=_team(body),
        user_id=str(body["user"]["id"]),
        trigger_id=str(body["trigger_id"]),
        message_text=str(message.get("text", "")),
        channel_id=(body.get("channel") or {}).get("id"),
        message_ts=message.get("ts") or body.get("message_ts"),
    )


def view_submission(body: Body, once: str | None = None) -> ViewSubmission:
    view = body["view"]
    return ViewSubmission(
        team_id=_team(body) or str(view.get("team_id", "")),
        user_id=str(body["user"]["id"]),
        values=dict(view.get("state", {}).get("values", {})),
        private_metadata=str(view.get("private_metadata", "")),
        once=once,
    )


def options(body: Body) -> OptionsRequest:
    return OptionsRequest(
        team_id=_team(body), user_id=str(body["user"]["id"]), query=str(body.get("value", ""))
    )
