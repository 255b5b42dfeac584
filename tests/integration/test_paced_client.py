"""The paced WebClient against the fake Slack over HTTP: every request takes its turn
(pages of a paginated answer too), a 429 is retried through the pacer after Retry-After,
and a turn further than the client waits comes back as Slack's 429 without a request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from slack_sdk.errors import SlackApiError

from bot.fakeslack import FakeSlack, Workspace
from bot.fakeslack.ratelimits import RateLimits
from bot.pacing import Pacer
from handlers.client import make_client
from tests.driven_clock import DrivenClock


@pytest.fixture
def clock() -> DrivenClock:
    return DrivenClock(datetime(2027, 1, 4, 8, 0, tzinfo=UTC))


@pytest.fixture
def pacer(clock: DrivenClock) -> Pacer:
    return Pacer(timer=clock.timer, wait_until=clock.wait_until)


@pytest.fixture
def fake(clock: DrivenClock) -> Iterator[FakeSlack]:
    workspace = Workspace(team_id="T0001")
    for n in range(450):
        workspace.add_user(f"U{n:04d}", f"user{n}")
    with FakeSlack(
        workspace, clock=clock.now, timer=clock.timer, rate_limits=RateLimits()
    ) as running:
        yield running
        assert running.violations == []


def test_every_page_of_a_paginated_answer_takes_its_turn(
    fake: FakeSlack, pacer: Pacer, clock: DrivenClock
) -> None:
    client = make_client("xoxb-test", fake.api_url, pacer=pacer)
    members = [m for page in client.users_list(limit=200) for m in page["members"]]
    assert len(members) == 451  # and the bot
    assert [c.status for c in fake.calls_to("users.list")] == [200, 200, 200]
    assert clock.timer() == pytest.approx(6.0)  # Tier 2: a page every three seconds


def test_a_429_is_retried_once_the_pacer_says_its_turn_has_come(
    fake: FakeSlack, pacer: Pacer, clock: DrivenClock
) -> None:
    client = make_client("xoxb-test", fake.api_url, pacer=pacer)
    fake.fail_next("users.info", retry_after=7)
    assert client.users_info(user="U0001")["user"]["id"] == "U0001"
    assert [c.status for c in fake.calls_to("users.info")] == [429, 200]
    assert clock.timer() == pytest.approx(7.0)
    client.users_info(user="U0002")  # the next call waits its Tier 4 turn after the retry
    assert clock.timer() == pytest.approx(7.6)


def test_a_turn_further_than_the_client_waits_is_a_429_without_a_request(
    fake: FakeSlack, pacer: Pacer, clock: DrivenClock
) -> None:
    client = make_client("xoxb-test", fake.api_url, pacer=pacer, longest_wait=20)
    pacer.hold_off("xoxb-test", "chat.postMessage", 90)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="U0001", text="hello")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "90"
    assert (fake.calls_to("chat.postMessage"), clock.timer()) == ([], 0.0)


def test_a_retry_after_longer_than_the_client_waits_is_handed_back(
    fake: FakeSlack, pacer: Pacer, clock: DrivenClock
) -> None:
    client = make_client("xoxb-test", fake.api_url, pacer=pacer, longest_wait=20)
    fake.fail_next("users.info", retry_after=300)
    with pytest.raises(SlackApiError) as refused:
        client.users_info(user="U0001")
    assert refused.value.response.status_code == 429
    assert len(fake.calls_to("users.info")) == 1 and clock.timer() == 0.0
    with pytest.raises(SlackApiError):  # the method stays closed for the Retry-After
        client.users_info(user="U0001")
    assert len(fake.calls_to("users.info")) == 1
