"""What the renderer hands to the edge: a message (text + blocks) for one viewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who will read it: dates are shown in their zone."""

    user_id: str
    tz: ZoneInfo
    now: datetime  # aware

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


@dataclass(frozen=True, slots=True)
class Reply:
    """A Slack message. ``text`` is the notification/console fallback, escaped like the blocks
    (Slack parses it as mrkdwn too); ``bot.render.text.unescape`` turns it back for a terminal."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    ephemeral: bool = False  # errors and refusals are ephemeral
