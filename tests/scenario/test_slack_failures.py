"""When Slack answers 429 or 5xx, the app waits and retries; what was done stays done."""

from __future__ import annotations

import logging

import pytest

from bot.fakeslack import requests as r
from storage import models
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack


def test_rate_limited_reply_is_retried_after_retry_after(
    slack: Slack, app_db: Harness, slept: list[float]
) -> None:
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=3)
    slack.send(r.direct_message("add Acme Corp", channel="DUALICE"))
    delivered = [c for c in slack.fake.calls_to("chat.postMessage") if c.ok]
    assert len(delivered) == 1
    assert len(slept) == 1 and 3 <= slept[0] < 3.2


def test_server_errors_are_retried_with_backoff(
    slack: Slack, app_db: Harness, slept: list[float]
) -> None:
    slack.fake.fail_next("chat.postMessage", status=500, times=2)
    slack.send(r.direct_message("add Acme Corp", channel="DUALICE"))
    assert [c.ok for c in slack.fake.calls_to("chat.postMessage")] == [False, False, True]
    assert slept == [1.0, 2.0]


def test_when_slack_stays_down_the_work_is_kept_and_the_failure_logged(
    slack: Slack, app_db: Harness, slept: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    slack.fake.fail_next("chat.postMessage", status=500, times=20)
    slack.fake.fail_next("chat.postEphemeral", status=500, times=20)
    with caplog.at_level(logging.ERROR):
        response = slack.send(r.direct_message("add Acme Corp", channel="DUALICE"))
    assert response.status == 200
    assert app_db.count(models.AccountRow) == 1
    assert any(record.message == "listener failed" for record in caplog.records)
