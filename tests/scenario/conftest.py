"""The real Bolt app, its WebClient pointed at the fake Slack, its database the test's.

Requests go in through ``app.dispatch`` as signed ``BoltRequest``s (most scenarios) or
through real HTTP (``tests/scenario/test_http.py``). Every call the app makes is checked
against Slack's method docs and Block Kit limits: a violation fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.app_factory import create_app
from bot.background import DeferredBackground
from bot.clock import FixedClock
from bot.fakeslack import FakeSlack, Workspace
from bot.fakeslack import requests as r
from bot.fakeslack.requests import SECRET, TEAM, SignedRequest
from bot.settings import Settings
from handlers.client import make_client
from tests.integration.conftest import Harness

# Wednesday 6 January 2027, 10:00 in Berlin.
NOW = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)


def slack_workspace(team_id: str = TEAM) -> Workspace:
    workspace = Workspace(team_id=team_id)
    workspace.add_user(
        "UALICE", "alice", real_name="Alice Adams", email="alice@ourco.example", tz="Europe/Berlin"
    )
    workspace.add_user(
        "UBOB", "bob", real_name="Bob Brown", email="bob@ourco.example", tz="America/New_York"
    )
    workspace.add_user(
        "UADMIN",
        "admin",
        real_name="Ada Admin",
        email="admin@ourco.example",
        tz="Europe/Berlin",
        is_admin=True,
    )
    return workspace


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(slack_workspace(), clock=lambda: NOW) as running:
        yield running
        assert running.violations == [], running.violations


@pytest.fixture
def slept() -> list[float]:
    """What the retry handlers would have slept: recorded, never waited."""
    return []


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings() -> Settings:
    return Settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        admins=frozenset({"UADMIN"}),
    )


@pytest.fixture
def client(fake_slack: FakeSlack, slept: list[float]) -> WebClient:
    return make_client("xoxb-test", fake_slack.api_url, sleep=slept.append)


@pytest.fixture
def background() -> DeferredBackground:
    """What the app does after answering, kept until the test's ``Slack`` runs it."""
    return DeferredBackground()


@pytest.fixture
def app(
    settings: Settings,
    client: WebClient,
    clock: FixedClock,
    sessions: sessionmaker[Session],
    background: DeferredBackground,
) -> App:
    return create_app(
        settings, client=client, clock=clock, session_factory=sessions, background=background
    )


class Slack:
    """Sends signed requests into the app and reads what it answered.

    ``send`` dispatches a request and returns the app's answer; then, as in production, the
    work the app left for after the answer runs (``answer_only`` stops before it)."""

    def __init__(self, app: App, fake: FakeSlack, background: DeferredBackground) -> None:
        self.app = app
        self.fake = fake
        self.background = background

    def answer_only(self, request: SignedRequest) -> BoltResponse:
        return self.app.dispatch(BoltRequest(body=request.body, headers=request.headers))

    def send(self, request: SignedRequest) -> BoltResponse:
        response = self.answer_only(request)
        self.background.run_pending()
        return response

    def command(self, text: str, *, user: str = "UALICE", **kwargs: Any) -> SignedRequest:
        """``/crm text`` with a response URL the fake Slack serves (for answers given later)."""
        url = self.fake.response_url(channel_id="C0001", user_id=user)
        return r.command(text, user=user, response_url=url, **kwargs)

    def answer(self, request: SignedRequest) -> dict[str, Any]:
        """What the app answered a command or an interactive request with: the JSON of its
        acknowledgement, or — a newcomer's command — what it posted to the response URL."""
        posted = len(self.fake.calls_to("response_url"))
        response = self.send(request)
        assert response.status == 200, (response.status, response.body)
        if response.body:
            return dict(json.loads(response.body))
        later = self.fake.calls_to("response_url")[posted:]
        return dict(later[-1].args) if later else {}

    def posted(self, method: str = "chat.postMessage") -> list[dict[str, Any]]:
        return [call.args for call in self.fake.calls_to(method)]

    def last_text(self, method: str = "chat.postMessage") -> str:
        return str(self.fake.last(method).args.get("text", ""))


@pytest.fixture
def slack(app: App, fake_slack: FakeSlack, background: DeferredBackground) -> Slack:
    return Slack(app, fake_slack, background)


@pytest.fixture
def app_db(sessions: sessionmaker[Session]) -> Harness:
    """The app's database as the test sees it (inside the test's transaction)."""
    return Harness(sessions)
