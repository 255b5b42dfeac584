"""Workspace members: time zones as Slack reports them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.fakeslack import FakeUser, Workspace
from bot.fakeslack.workspace import tz_offset_and_label

WINTER = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
SUMMER = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "now", "expected"),
    [
        ("Europe/Berlin", WINTER, (3600, "Central European Time")),
        ("Europe/Berlin", SUMMER, (7200, "Central European Summer Time")),
        ("America/New_York", WINTER, (-18000, "Eastern Standard Time")),
        ("UTC", SUMMER, (0, "Coordinated Universal Time")),
        ("Asia/Kathmandu", SUMMER, (20700, "UTC+05:45")),
        ("America/Sao_Paulo", SUMMER, (-10800, "UTC-03:00")),
    ],
)
def test_offset_and_label(tz: str, now: datetime, expected: tuple[int, str]) -> None:
    assert tz_offset_and_label(tz, now) == expected


def test_unknown_zone_is_refused_early() -> None:
    with pytest.raises(Exception, match="Mars"):
        FakeUser(id="U1", name="x", real_name="X", email="x@example.com", tz="Mars/Olympus")


def test_workspace_adds_its_bot_user_and_general_channel() -> None:
    workspace = Workspace(bot_user_id="U0RAPPORT")

    assert workspace.users["U0RAPPORT"].is_bot
    assert workspace.channel_by_name("#general") is not None


def test_lookup_by_email_ignores_deactivated_members() -> None:
    workspace = Workspace()
    workspace.add_user("U1", "ada", email="ada@example.com", deleted=True)

    assert workspace.user_by_email("ada@example.com") is None
