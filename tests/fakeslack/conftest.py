"""Fixtures: a running FakeSlack per test and a real slack_sdk WebClient pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.fakeslack import FakeSlack, Workspace

# Summer time in Berlin and Los Angeles, so the expected offsets are fixed.
NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def workspace() -> Workspace:
    workspace = Workspace()
    workspace.add_user("U0001", "ada", real_name="Ada Lovelace", email="ada@example.com")
    workspace.add_user("U0002", "grace", email="grace@example.com", tz="America/Los_Angeles")
    workspace.add_user("U0003", "gone", email="gone@example.com", deleted=True)
    return workspace


@pytest.fixture
def fake(workspace: Workspace) -> Iterator[FakeSlack]:
    with FakeSlack(workspace, clock=lambda: NOW) as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    # team_id as Bolt sets it, so every call carries the extra argument.
    return WebClient(token="xoxb-test", base_url=fake.api_url, team_id="T0001")
