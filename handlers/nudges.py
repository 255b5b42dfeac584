"""Nudges reach Slack here: a DM to a user, or a post in the escalation channel."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.nudges.model import DeliveryFailed

# Errors no retry can fix: tell the operator (failed, with the error kept) instead.
_PERMANENT = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "invalid_blocks",
        "invalid_arguments",
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "missing_scope",
        "msg_too_long",
        "messages_tab_disabled",
    }
)


class SlackNudgeSender:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def send(self, recipient: str, text: str, blocks: list[dict[str, object]]) -> tuple[str, str]:
        try:
            # A user's id as the channel posts to the app's DM with them: no conversations.open
            # (Tier 3, 50 a minute: 1,000 digests would wait 20 minutes for their DMs).
            posted = self._post(recipient, text, blocks)
        except SlackApiError as error:
            code = str(error.response.get("error") or error.response.status_code)
            raise DeliveryFailed(
                code,
                retryable=code not in _PERMANENT,
                retry_after=_retry_after(error.response.headers)
                if error.response.status_code == 429
                else None,
            ) from error
        except OSError as error:  # the network (URLError, timeouts) after the client's retries
            raise DeliveryFailed(f"network: {error}", retryable=True) from error
        return str(posted["channel"]), str(posted["ts"])

    def _post(self, channel: str, text: str, blocks: list[dict[str, object]]) -> dict[str, str]:
        try:
            answer = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as error:
            if error.response.get("error") != "not_in_channel":
                raise
            # The escalation channel: join it (public channels) and try once more; a private
            # one answers an error that names it, kept in the ledger and logged.
            self.client.conversations_join(channel=channel)
            answer = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        return {"channel": str(answer["channel"]), "ts": str(answer["ts"])}


def _retry_after(headers: dict[str, Any]) -> float:
    """Slack's Retry-After (seconds) from a 429's headers; a minute if it gave none."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list) and value else value
            if str(first).strip().isdigit():
                return float(str(first).strip())
    return 60.0
