"""Requests Slack did not sign, or signed too long ago, are refused and change nothing."""

from __future__ import annotations

import logging
import time

import pytest

from bot.fakeslack import requests as r
from bot.fakeslack.requests import SignedRequest
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack

TEN_MINUTES_AGO = int(time.time()) - 600


def _calls_for(slack: Slack) -> list[str]:
    """The Web API calls made for requests (the app's start-up auth.test aside)."""
    return [c.method for c in slack.fake.calls if c.method != "auth.test"]


@pytest.mark.parametrize(
    "request_",
    [
        r.command("add Forged Inc", secret="not-the-secret"),
        r.command("add Replayed Inc", timestamp=TEN_MINUTES_AGO),
        r.direct_message("add Forged Inc", secret="not-the-secret"),
        r.button("follow_up_done", "1", secret="not-the-secret"),
        r.view_submission({}, timestamp=TEN_MINUTES_AGO),
        r.global_shortcut(secret="not-the-secret"),
        r.options("account", "", secret="not-the-secret"),
    ],
    ids=[
        "forged command",
        "replayed command",
        "forged event",
        "forged button",
        "replayed view",
        "forged shortcut",
        "forged options",
    ],
)
def test_bad_or_stale_signatures_are_rejected(
    slack: Slack, app_db: Harness, request_: SignedRequest
) -> None:
    before = app_db.snapshot()
    response = slack.send(request_)
    assert response.status == 401
    assert slack.fake.calls_to("chat.postMessage") == []
    assert app_db.snapshot() == before


def test_a_body_changed_after_signing_is_rejected(slack: Slack, app_db: Harness) -> None:
    signed = r.command("add Honest Inc")
    tampered = SignedRequest(signed.body.replace("Honest", "Evil"), signed.headers)
    assert slack.send(tampered).status == 401
    assert app_db.read(r.TEAM, lambda w: w.accounts.names()) == []


def _forged(request: SignedRequest, timestamp: str) -> SignedRequest:
    """The request with its timestamp header replaced and a made-up signature."""
    headers = dict(request.headers) | {
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": "v0=" + "0" * 64,
    }
    return SignedRequest(request.body, headers)


@pytest.mark.parametrize("timestamp", ["abc", "1e3", "", " 17", "-5", "9" * 40, "١٢٣"])
@pytest.mark.parametrize(
    "request_",
    [
        r.command("add Forged Inc", user="UVICTIM"),
        r.button("follow_up_done", "1", user="UVICTIM"),
        r.direct_message("add Forged Inc", user="UVICTIM"),
        r.view_submission({}, user="UVICTIM"),
    ],
    ids=["command", "button", "event", "view"],
)
def test_a_malformed_timestamp_is_refused_and_nothing_is_posted(
    slack: Slack, app_db: Harness, request_: SignedRequest, timestamp: str
) -> None:
    """Bolt's own check raised on `int("abc")` and the error handler then answered the
    unverified caller: an ephemeral or a DM to whoever the body named."""
    before = app_db.snapshot()
    response = slack.send(_forged(request_, timestamp))
    assert response.status == 401
    assert _calls_for(slack) == []
    assert app_db.snapshot() == before


def test_a_refused_request_is_logged_without_its_body(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    secret_text = "add Confidential Merger Target"
    with caplog.at_level(logging.DEBUG):
        assert slack.send(r.command(secret_text, secret="not-the-secret")).status == 401
    assert "Confidential" not in caplog.text
    assert "refused a request Slack did not sign" in caplog.text
