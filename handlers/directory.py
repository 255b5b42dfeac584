"""Slack's user directory over the Web API, as the core's ``Directory`` port."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain import SlackProfile

logger = logging.getLogger(__name__)


class SlackDirectory:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def profile(self, user_id: str) -> SlackProfile | None:
        """users.info. A user Slack does not know comes back deleted; None when Slack did not
        answer (the caller keeps what it had)."""
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                return SlackProfile(user_id=user_id, deleted=True)
            logger.warning(
                "users.info failed",
                extra={"user_id": user_id, "error": error.response.get("error")},
            )
            return None
        return slack_profile(user)

    def user_id_by_email(self, email: str) -> str | None:
        try:
            return str(self.client.users_lookupByEmail(email=email)["user"]["id"])
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                logger.warning(
                    "users.lookupByEmail failed", extra={"error": error.response.get("error")}
                )
            return None

    def members(self) -> list[SlackProfile]:
        found: list[SlackProfile] = []
        try:
            for page in self.client.users_list(limit=200):
                found.extend(slack_profile(member) for member in page["members"])
        except SlackApiError as error:
            logger.warning("users.list failed", extra={"error": error.response.get("error")})
        return found


def slack_profile(user: dict[str, Any]) -> SlackProfile:
    """A user object as users.info, users.list and the ``user_change`` event carry it."""
    profile = user.get("profile", {})
    return SlackProfile(
        user_id=str(user["id"]),
        timezone=user.get("tz"),
        display_name=profile.get("display_name") or user.get("name"),
        real_name=profile.get("real_name") or user.get("real_name"),
        email=profile.get("email"),
        deleted=bool(user.get("deleted")),
        is_bot=bool(user.get("is_bot")),
    )
