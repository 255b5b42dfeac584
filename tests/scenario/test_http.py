"""`python app.py run` as in production: gunicorn serving real HTTP, Slack faked.

Each kind of request (command, event, action, view, shortcut, options) goes through the
network once, plus the health check, a forged request and a clean stop on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.render import ids
from storage import migrate
from tests.conftest import BACKENDS
from tests.scenario.conftest import slack_workspace

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]

    def post(self, request: r.SignedRequest) -> tuple[int, str]:
        sent = urllib.request.Request(
            self.url + "/slack/events", data=request.body.encode(), headers=request.headers
        )
        try:
            with urllib.request.urlopen(sent, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode()

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        with urllib.request.urlopen(self.url + path, timeout=10) as answer:
            return answer.status, json.loads(answer.read())


def _wait_until_listening(process: subprocess.Popen[str]) -> list[str]:
    """Read the server's log until gunicorn has a worker booted (or the process died), then
    keep reading it in the background so a full pipe never blocks the server."""
    seen: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:
        seen.append(line)
        if "Booting worker" in line:
            threading.Thread(target=seen.extend, args=(process.stderr,), daemon=True).start()
            return seen
    raise AssertionError("the server exited before listening:\n" + "".join(seen))


@pytest.fixture(params=BACKENDS)
def server(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL], tmp_path: Path
) -> Iterator[tuple[Server, FakeSlack]]:
    url = fresh_database_url(request.param)
    migrate.upgrade(url)  # PostgreSQL is migrated by the operator, as in production
    port = _free_port()
    with FakeSlack(slack_workspace()) as fake:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": r.SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "PORT": str(port),
            "LOG_LEVEL": "INFO",
        }
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "run"],
            cwd=tmp_path,
            env=environment,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        try:
            _wait_until_listening(process)
            yield Server(f"http://127.0.0.1:{port}", process), fake
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


def test_every_kind_of_request_over_real_http(server: tuple[Server, FakeSlack]) -> None:
    http, fake = server
    status, health = http.get("/healthz")
    assert (status, health) == (200, {"status": "ok", "database": "ok"})

    # A newcomer's first command is answered through its response URL, once Slack has told
    # the app their zone; later ones in the acknowledgement itself.
    url = fake.response_url(channel_id="C0001", user_id="UALICE")
    status, body = http.post(r.command("add Acme Corp", response_url=url))
    assert status == 200 and body == ""
    assert "Added" in str(fake.wait_for("response_url").args["text"])
    status, body = http.post(r.command("show Acme Corp"))
    assert status == 200 and "Acme Corp" in json.loads(body)["text"]

    status, _ = http.post(r.direct_message("log call with Acme Corp: over HTTP"))
    assert status == 200
    assert "Logged a call" in str(fake.wait_for("chat.postMessage").args["text"])

    status, body = http.post(r.options(ids.ACCOUNT_SELECT, "acme"))
    assert status == 200
    [option] = json.loads(body)["options"]
    assert option["text"]["text"] == "Acme Corp"

    status, _ = http.post(r.global_shortcut())
    assert status == 200 and fake.wait_for("views.open").ok

    state = {
        ids.LOG_ACCOUNT_BLOCK: {
            ids.ACCOUNT_SELECT: {"selected_option": {"value": option["value"]}}
        },
        ids.LOG_KIND_BLOCK: {ids.LOG_KIND_ACTION: {"selected_option": {"value": "email"}}},
        ids.LOG_DAY_BLOCK: {ids.LOG_DAY_ACTION: {"selected_date": "2026-11-02"}},
        ids.LOG_SUMMARY_BLOCK: {ids.LOG_SUMMARY_ACTION: {"value": "sent the deck"}},
    }
    status, body = http.post(r.view_submission(state))
    assert status == 200 and body in ("", "{}")
    # Each change refreshes the Home tab after its answer: the add, the DM, the modal so far.
    fake.wait_for("views.publish", count=3)

    status, _ = http.post(r.command("follow up Acme Corp tomorrow: call back"))
    assert "call back" in json.dumps(fake.wait_for("views.publish", count=4).args["view"])
    status, _ = http.post(r.button(ids.FOLLOW_UP_DONE, "1", in_home=True))
    assert status == 200
    assert "call back" not in json.dumps(fake.wait_for("views.publish", count=5).args["view"])

    status, _ = http.post(r.command("add Forged Inc", secret="wrong"))
    assert status == 401
    assert fake.violations == []


def test_sigterm_stops_the_server_cleanly(server: tuple[Server, FakeSlack]) -> None:
    http, _fake = server
    http.process.send_signal(signal.SIGTERM)
    assert http.process.wait(timeout=30) == 0
