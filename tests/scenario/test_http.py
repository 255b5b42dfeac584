"""`python app.py run` as in production: gunicorn serving real HTTP, Slack faked.

Each kind of request (command, event, action, view, shortcut, options) goes through the
network once, plus the health check, a forged request and a clean stop on SIGTERM.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.render import ids
from storage import migrate
from tests.conftest import BACKENDS
from tests.scenario.conftest import slack_workspace
from tests.serving import Server, running


@pytest.fixture(params=BACKENDS)
def server(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL], tmp_path: Path
) -> Iterator[tuple[Server, FakeSlack]]:
    url = fresh_database_url(request.param)
    migrate.upgrade(url)  # PostgreSQL is migrated by the operator, as in production
    with FakeSlack(slack_workspace()) as fake, running(url, fake, tmp_path) as http:
        yield http, fake


def test_every_kind_of_request_over_real_http(server: tuple[Server, FakeSlack]) -> None:
    http, fake = server
    status, health = http.get("/healthz")
    assert (status, health) == (200, {"status": "ok", "database": "ok"})

    # A newcomer's first command is answered through its response URL, once Slack has told
    # the app their zone; later ones in the acknowledgement itself.
    url = fake.response_url(channel_id="C0001", user_id="UALICE")
    answer = http.post(r.command("add Acme Corp", response_url=url))
    assert (answer.status, answer.body) == (200, "")
    assert "Added" in str(fake.wait_for("response_url").args["text"])
    answer = http.post(r.command("show Acme Corp"))
    assert answer.status == 200 and "Acme Corp" in answer.json()["text"]

    assert http.post(r.direct_message("log call with Acme Corp: over HTTP")).status == 200
    assert "Logged a call" in str(fake.wait_for("chat.postMessage").args["text"])

    answer = http.post(r.options(ids.ACCOUNT_SELECT, "acme"))
    assert answer.status == 200
    [option] = answer.json()["options"]
    assert option["text"]["text"] == "Acme Corp"

    assert http.post(r.global_shortcut()).status == 200
    assert fake.wait_for("views.open").ok

    state = {
        ids.LOG_ACCOUNT_BLOCK: {
            ids.ACCOUNT_SELECT: {"selected_option": {"value": option["value"]}}
        },
        ids.LOG_KIND_BLOCK: {ids.LOG_KIND_ACTION: {"selected_option": {"value": "email"}}},
        ids.LOG_DAY_BLOCK: {ids.LOG_DAY_ACTION: {"selected_date": "2026-11-02"}},
        ids.LOG_SUMMARY_BLOCK: {ids.LOG_SUMMARY_ACTION: {"value": "sent the deck"}},
    }
    answer = http.post(r.view_submission(state))
    assert answer.status == 200 and answer.body in ("", "{}")
    # Changes refresh the Home tab after their answer, a burst of them once.
    fake.wait_for("views.publish")

    http.post(r.command("follow up Acme Corp tomorrow: call back"))
    fake.wait_until("views.publish", lambda call: "call back" in json.dumps(call.args["view"]))
    published = len(fake.calls_to("views.publish"))
    assert http.post(r.button(ids.FOLLOW_UP_DONE, "1", in_home=True)).status == 200
    fake.wait_until(
        "views.publish",
        lambda call: "call back" not in json.dumps(call.args["view"]),
        after=published,
    )

    assert http.post(r.command("add Forged Inc", secret="wrong")).status == 401
    assert fake.violations == []


def test_sigterm_stops_the_server_cleanly(server: tuple[Server, FakeSlack]) -> None:
    http, _fake = server
    http.process.send_signal(signal.SIGTERM)
    assert http.process.wait(timeout=30) == 0
