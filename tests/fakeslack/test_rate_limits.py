"""The fake enforces Slack's rate limits when asked: per method tier and workspace, and
chat.postMessage per channel and per workspace; 429 with Retry-After on the fake's timer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.fakeslack import FakeSlack, RateTier, Workspace
from bot.fakeslack.ratelimits import RateLimits
from tests.fakeslack.conftest import NOW


class Timer:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def timer() -> Timer:
    return Timer()


@pytest.fixture
def limited(workspace: Workspace, timer: Timer) -> Iterator[FakeSlack]:
    with FakeSlack(workspace, clock=lambda: NOW, timer=timer, rate_limits=RateLimits()) as fake:
        yield fake


def _client(fake: FakeSlack, token: str = "xoxb-test") -> WebClient:
    return WebClient(token=token, base_url=fake.api_url, retry_handlers=[])


def _status(call: object) -> int:
    try:
        call_result = call()  # type: ignore[operator]
        return int(call_result.status_code)
    except SlackApiError as error:
        return int(error.response.status_code)


def test_limits_are_off_by_default(fake: FakeSlack, client: WebClient) -> None:
    for _ in range(5):
        client.chat_postMessage(channel="U0001", text="hi")
    assert fake.rate_limited() == []


def test_a_second_post_in_a_channel_within_a_second_is_answered_429(
    workspace: Workspace, timer: Timer
) -> None:
    limits = RateLimits(posts_per_minute=6000)  # the workspace budget out of the way
    with FakeSlack(workspace, timer=timer, rate_limits=limits) as fake:
        client = _client(fake)
        client.chat_postMessage(channel="U0001", text="one")
        timer.seconds = 0.5
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="U0001", text="two")
        assert refused.value.response.status_code == 429
        assert refused.value.response["error"] == "ratelimited"
        assert refused.value.response.headers["Retry-After"] == "1"
        assert _status(lambda: client.chat_postMessage(channel="U0002", text="elsewhere")) == 200
        timer.seconds = 1.0
        assert _status(lambda: client.chat_postMessage(channel="U0001", text="two")) == 200
        assert len(fake.rate_limited()) == 1
        assert [m.text for m in fake.messages("DU0001")] == ["one", "two"]  # no 429 stored


def test_the_workspace_budget_for_posts_spans_channels(workspace: Workspace, timer: Timer) -> None:
    limits = RateLimits(posts_per_minute=60, posts_per_channel_per_second=10)
    with FakeSlack(workspace, timer=timer, rate_limits=limits) as fake:
        client = _client(fake)
        assert _status(lambda: client.chat_postMessage(channel="U0001", text="a")) == 200
        assert _status(lambda: client.chat_postMessage(channel="U0002", text="b")) == 429
        timer.seconds = 1.0  # one post a second in the workspace
        assert _status(lambda: client.chat_postMessage(channel="U0002", text="b")) == 200


def test_methods_are_limited_by_their_tier(limited: FakeSlack, timer: Timer) -> None:
    client = _client(limited)
    assert limited.method_tier("users.list") is RateTier.TIER_2
    assert _status(lambda: client.users_list()) == 200
    with pytest.raises(SlackApiError) as refused:
        client.users_list()
    assert refused.value.response.headers["Retry-After"] == "3"  # 20 a minute
    assert _status(lambda: client.users_info(user="U0001")) == 200  # another method's budget
    timer.seconds = 2.9
    assert _status(lambda: client.users_list()) == 429
    timer.seconds = 3.0
    assert _status(lambda: client.users_list()) == 200


def test_each_workspace_has_its_own_budgets(limited: FakeSlack) -> None:
    assert _status(lambda: _client(limited, "xoxb-one").users_list()) == 200
    assert _status(lambda: _client(limited, "xoxb-two").users_list()) == 200
    assert _status(lambda: _client(limited, "xoxb-one").users_list()) == 429


def test_a_burst_lets_that_many_through_at_once(workspace: Workspace, timer: Timer) -> None:
    with FakeSlack(workspace, timer=timer, rate_limits=RateLimits(burst=3)) as fake:
        client = _client(fake)
        assert [_status(lambda: client.conversations_open(users="U0001")) for _ in range(4)] == [
            200,
            200,
            200,
            429,
        ]


def test_calls_spaced_exactly_by_the_budget_all_pass(limited: FakeSlack, timer: Timer) -> None:
    client = _client(limited)
    statuses = []
    for n in range(50):
        timer.seconds = n * 0.6  # 100 a minute, users.info's Tier 4
        statuses.append(_status(lambda: client.users_info(user="U0001")))
    assert set(statuses) == {200}


def test_special_methods_other_than_posts_are_not_limited(limited: FakeSlack) -> None:
    client = _client(limited)
    assert {_status(client.auth_test) for _ in range(5)} == {200}
