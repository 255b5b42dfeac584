"""Injected failures: rate limits with Retry-After, server errors, ok:false answers."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.fakeslack import FakeSlack


class RecordingRateLimitHandler(RateLimitErrorRetryHandler):
    """Retries 429s like slack_sdk's handler, but records the wait instead of sleeping."""

    def __init__(self, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.waits: list[int] = []

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        assert response is not None
        headers = {k.lower(): v for k, v in response.headers.items()}
        self.waits.append(int(headers["retry-after"][0]))
        state.next_attempt_requested = True
        state.increment_current_attempt()


def test_429_with_retry_after_then_success(fake: FakeSlack) -> None:
    handler = RecordingRateLimitHandler()
    client = WebClient(token="xoxb-test", base_url=fake.api_url, retry_handlers=[handler])
    fake.fail_next("chat.postMessage", retry_after=7)

    response = client.chat_postMessage(channel="C0001", text="renewal reminder")

    assert response["ok"] is True
    assert handler.waits == [7]
    first, second = fake.calls_to("chat.postMessage")
    assert (first.status, first.response) == (429, {"ok": False, "error": "ratelimited"})
    assert second.status == 200 and second.ok
    assert len(fake.messages("C0001")) == 1  # the rate-limited attempt stored nothing


def test_429_without_retry_handler_raises(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("users.info", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as excinfo:
            client.users_info(user="U0001")
        assert excinfo.value.response.status_code == 429
        assert excinfo.value.response.headers["Retry-After"] == "1"

    assert client.users_info(user="U0001")["ok"] is True


def test_500_is_recorded(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=500)

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0001", text="x")

    assert excinfo.value.response.status_code == 500
    assert excinfo.value.response["error"] == "internal_error"
    call = fake.last("chat.postMessage")
    assert call.status == 500 and call.args["text"] == "x"
    assert fake.violations == []


def test_503_answers_an_html_page(fake: FakeSlack) -> None:
    fake.fail_next("auth.test", status=503)
    request = urllib.request.Request(
        fake.api_url + "auth.test", data=b"", headers={"Authorization": "Bearer xoxb-test"}
    )

    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(request)

    assert excinfo.value.code == 503
    assert excinfo.value.headers["Content-Type"].startswith("text/html")
    excinfo.value.close()
    assert fake.last("auth.test").response is None


def test_error_with_200(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", error="channel_not_found")

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0001", text="x")

    assert excinfo.value.response.status_code == 200
    assert excinfo.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C0001", text="x")["ok"]


def test_failures_are_per_method(client: WebClient, fake: FakeSlack) -> None:
    fake.fail_next("chat.update", error="cant_update_message")

    assert client.chat_postMessage(channel="C0001", text="x")["ok"]


def test_invalid_failure_arguments(fake: FakeSlack) -> None:
    with pytest.raises(ValueError, match="error code"):
        fake.fail_next("auth.test", status=200)
    with pytest.raises(ValueError, match="times"):
        fake.fail_next("auth.test", times=0)


def test_response_url_failure(fake: FakeSlack) -> None:
    url = fake.response_url()
    fake.fail_next("response_url", status=500)
    request = urllib.request.Request(
        url, data=json.dumps({"text": "hi"}).encode(), headers={"Content-Type": "application/json"}
    )

    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(request)
    body: dict[str, Any] = json.load(excinfo.value)

    assert body == {"ok": False, "error": "internal_error"}
    assert fake.last("response_url").status == 500
    assert fake.messages("C0001") == []


def test_an_outage_fails_every_call_until_it_ends(workspace: Any) -> None:
    now = [100.0]
    with FakeSlack(workspace, timer=lambda: now[0]) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url, retry_handlers=[])
        fake.fail_for("chat.postMessage", 35, status=500)
        for _ in range(3):
            with pytest.raises(SlackApiError):
                client.chat_postMessage(channel="C0001", text="down")
        assert client.auth_test()["ok"] is True  # other methods are up
        now[0] += 35
        assert client.chat_postMessage(channel="C0001", text="back")["ok"] is True
        assert [c.status for c in fake.calls_to("chat.postMessage")] == [500, 500, 500, 200]


def test_a_held_method_waits_until_released_while_others_answer(fake: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    gate = fake.hold("users.info")
    answers: list[Any] = []
    waiting = threading.Thread(target=lambda: answers.append(client.users_info(user="U0001")))
    waiting.start()
    assert client.auth_test()["ok"] is True  # not held up by the waiting call
    assert answers == [] and fake.calls_to("users.info") == []
    gate.set()
    waiting.join(timeout=10)
    assert answers and answers[0]["ok"] is True
