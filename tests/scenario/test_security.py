"""Requests Slack did not sign, or signed too long ago, are refused and change nothing."""

from __future__ import annotations

import time

import pytest

from bot.fakeslack import requests as r
from bot.fakeslack.requests import SignedRequest
from tests.integration.conftest import Harness
from tests.scenario.conftest import Slack

TEN_MINUTES_AGO = int(time.time()) - 600


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
