"""`python app.py run` in Socket Mode as production runs it, against the fake Slack: it
connects with its app-level token, answers over the WebSocket, and on SIGTERM closes the
WebSocket with a close frame and exits 0."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.background import DeferredBackground
from bot.fakeslack import FakeSlack
from bot.fakeslack import requests as r
from bot.fakeslack.socketmode import FakeSocketMode
from storage import migrate
from tests.conftest import BACKENDS
from tests.scenario.conftest import slack_workspace
from tests.scenario.transports import RECONNECT_SECONDS, OverSocketMode
from tests.serving import ROOT, environment

APP_TOKEN = "xapp-1-A0001-process"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, fresh_database_url: Callable[[str], URL]) -> URL:
    url = fresh_database_url(request.param)
    migrate.upgrade(url)  # PostgreSQL is migrated by the operator, as in production
    return url


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlack, FakeSocketMode]]:
    with FakeSlack(slack_workspace()) as fake, FakeSocketMode(fake) as socket_mode:
        yield fake, socket_mode


def test_sigterm_closes_the_websocket_cleanly_and_exits_0(
    database_url: URL, slack: tuple[FakeSlack, FakeSocketMode], tmp_path: Path
) -> None:
    fake, socket_mode = slack
    log = tmp_path / "app.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "run"],
            cwd=tmp_path,
            env=environment(database_url, fake, SLACK_APP_TOKEN=APP_TOKEN),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
        )
    try:
        socket_mode.wait_for_connection(1, timeout=60)
        over_socket = OverSocketMode(socket_mode, fake, DeferredBackground())
        # A newcomer's first command: acknowledged at once, answered through its response URL
        # once the app has asked Slack for their zone (after the ack, on the app's threads).
        url = fake.response_url(channel_id="C0001", user_id="UALICE")
        over_socket.deliver(r.command("help", response_url=url))
        assert "/crm" in str(fake.wait_for("response_url", timeout=30).args)
        connection = socket_mode.wait_for_open_connection(timeout=RECONNECT_SECONDS)

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    assert connection.closed.wait(10)
    assert connection.close_from_app is not None, log.read_text()
    assert connection.close_from_app[0] == 1000  # a normal closure, not a dropped socket
    assert all(c.closed.is_set() for c in socket_mode.connections)
    assert fake.last("apps.connections.open").token == APP_TOKEN
    assert fake.violations == []
    assert "Traceback" not in log.read_text()  # nothing failed on the way out
