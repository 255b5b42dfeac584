"""The workspace the fake answers from: team, bot identity, users and channels.

The JSON shapes follow the success examples of the current method docs
(`users.info`, `conversations.info`, `auth.test`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

# zoneinfo knows abbreviations only; Slack shows the long names in `tz_label`.
_TZ_LABELS = {
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "IST": "India Standard Time",
    "UTC": "Coordinated Universal Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "HST": "Hawaii-Aleutian Standard Time",
    "JST": "Japan Standard Time",
    "KST": "Korea Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
    "NZST": "New Zealand Standard Time",
    "NZDT": "New Zealand Daylight Time",
}


def tz_offset_and_label(tz: str, now: datetime) -> tuple[int, str]:
    """Slack's `tz_offset` (seconds east of UTC) and `tz_label` for a zone at `now`."""
    local = now.astimezone(ZoneInfo(tz))
    offset = local.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    abbreviation = local.tzname() or ""
    if abbreviation in _TZ_LABELS:
        return seconds, _TZ_LABELS[abbreviation]
    if abbreviation and not abbreviation.startswith(("+", "-")):
        return seconds, abbreviation
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return seconds, f"UTC{sign}{hours:02d}:{minutes:02d}"


@dataclass(frozen=True, slots=True)
class FakeUser:
    """A member of the fake workspace (an empty `email` means none, as for bots)."""

    id: str
    name: str
    real_name: str
    email: str
    tz: str = "Europe/Berlin"
    deleted: bool = False
    is_bot: bool = False
    is_admin: bool = False

    def __post_init__(self) -> None:
        ZoneInfo(self.tz)  # fail early on a zone name Slack would never send

    def as_json(
        self, team_id: str, now: datetime, *, include_locale: bool = False
    ) -> dict[str, Any]:
        """The user object of `users.info` / `users.list` at `now`."""
        tz_offset, tz_label = tz_offset_and_label(self.tz, now)
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "status_text": "",
            "status_emoji": "",
            "team": team_id,
        }
        if self.email:
            profile["email"] = self.email
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": int(now.timestamp()),
        }
        if include_locale:
            user["locale"] = "en-US"
        return user


@dataclass(frozen=True, slots=True)
class FakeChannel:
    """A public or private channel; `is_member` tells whether the bot is in it."""

    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_archived: bool = False
    topic: str = ""
    purpose: str = ""

    def as_json(self, team_id: str, created: int) -> dict[str, Any]:
        """The channel object of `conversations.info`."""
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": self.name == "general",
            "is_member": self.is_member,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "context_team_id": team_id,
            "created": created,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
        }


def _default_channels() -> dict[str, FakeChannel]:
    return {"C0001": FakeChannel(id="C0001", name="general")}


@dataclass
class Workspace:
    """The team the fake pretends to be; the bot's own user is added if missing."""

    team_id: str = "T0001"
    team_name: str = "Rapport Test"
    domain: str = "rapport-test"
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0001"
    app_id: str = "A0001"
    bot_name: str = "rapport"
    users: dict[str, FakeUser] = field(default_factory=dict)
    channels: dict[str, FakeChannel] = field(default_factory=_default_channels)

    def __post_init__(self) -> None:
        if self.bot_user_id not in self.users:
            self.users[self.bot_user_id] = FakeUser(
                id=self.bot_user_id,
                name=self.bot_name,
                real_name=self.bot_name.title(),
                email="",
                is_bot=True,
            )

    def add_user(
        self,
        id: str,
        name: str,
        *,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "Europe/Berlin",
        deleted: bool = False,
        is_bot: bool = False,
        is_admin: bool = False,
    ) -> FakeUser:
        """Add (or replace) a member; real name and email are made up from `name` if omitted."""
        user = FakeUser(
            id=id,
            name=name,
            real_name=real_name if real_name is not None else name.replace(".", " ").title(),
            email=email if email is not None else f"{name}@{self.domain}.example.com",
            tz=tz,
            deleted=deleted,
            is_bot=is_bot,
            is_admin=is_admin,
        )
        self.users[id] = user
        return user

    def add_channel(
        self, id: str, name: str, *, is_private: bool = False, is_member: bool = True
    ) -> FakeChannel:
        """Add (or replace) a channel."""
        channel = FakeChannel(id=id, name=name, is_private=is_private, is_member=is_member)
        self.channels[id] = channel
        return channel

    def user_by_email(self, email: str) -> FakeUser | None:
        """The active member with this email (case-insensitive), as `users.lookupByEmail`."""
        wanted = email.strip().lower()
        for user in self.users.values():
            if user.email and user.email.lower() == wanted and not user.deleted:
                return user
        return None

    def channel_by_name(self, name: str) -> FakeChannel | None:
        """The channel called `name` (with or without a leading '#')."""
        bare = name.removeprefix("#")
        for channel in self.channels.values():
            if channel.name == bare:
                return channel
        return None

    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"
